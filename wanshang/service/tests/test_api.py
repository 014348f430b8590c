"""The chat's JSON API on both faces: the buyer's own conversations only, the shop's only, bad input 4xx with
a message and nothing written."""

import pytest

from wanshang.service.models import Conversation, Message, Satisfaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def seller(agent):
    from django.test import Client

    c = Client()
    c.force_login(agent)
    return c


def test_buyer_starts_posts_and_fetches_after_a_cursor(store, shop, seller):
    r = store.post("/api/store/service/conversations", {"shop_id": shop.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    conv = r.json()
    r = store.post(
        f"/api/store/service/conversations/{conv['id']}/messages",
        {"body": "衣服偏大吗？"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["body"] == "衣服偏大吗？"
    seq = r.json()["seq"]
    # the agent sees it in the queue, replies and writes a note
    queue = seller.get("/api/seller/service/queue?tab=waiting").json()
    assert [c["id"] for c in queue["items"]] == [conv["id"]]
    r = seller.post(
        f"/api/seller/service/conversations/{conv['id']}/messages",
        {"body": "标准码"},
        content_type="application/json",
    )
    assert r.status_code == 201
    seller.post(
        f"/api/seller/service/conversations/{conv['id']}/messages",
        {"body": "VIP", "kind": "note"},
        content_type="application/json",
    )
    after = store.get(f"/api/store/service/conversations/{conv['id']}/messages?after={seq}").json()
    assert [m["body"] for m in after["items"]] == ["标准码"]  # the note stays with the shop
    assert after["last_seq"] == seq + 2
    staff_view = seller.get(f"/api/seller/service/conversations/{conv['id']}/messages?after={seq}").json()
    assert [m["kind"] for m in staff_view["items"]] == ["text", "note"]
    detail = seller.get(f"/api/seller/service/conversations/{conv['id']}").json()
    assert detail["recent_orders"] == [] and detail["buyer_id"]


@pytest.mark.parametrize(
    "body,status",
    [
        ({"body": ""}, 400),
        ({"body": "字" * 1001}, 400),
        ({"body": "x", "extra": 1}, 422),
        ({"body": "x", "kind": "note"}, 400),
    ],
)
def test_bad_posts_are_4xx_with_a_message_and_write_nothing(store, shop, body, status):
    conv = store.post(
        "/api/store/service/conversations", {"shop_id": shop.pk}, content_type="application/json"
    ).json()
    before = Message.objects.count()
    r = store.post(
        f"/api/store/service/conversations/{conv['id']}/messages", body, content_type="application/json"
    )
    assert r.status_code == status and r.json()["detail"]
    assert Message.objects.count() == before


def test_other_buyers_and_other_shops_get_404(store, shop, other_shop, make_user, make_agent):
    from django.test import Client

    conv = store.post(
        "/api/store/service/conversations", {"shop_id": shop.pk}, content_type="application/json"
    ).json()
    stranger, foreign = Client(), Client()
    stranger.force_login(make_user())
    foreign.force_login(make_agent(other_shop))
    before = Message.objects.count()
    for path in ("", "/messages"):
        assert stranger.get(f"/api/store/service/conversations/{conv['id']}{path}").status_code == 404
        assert foreign.get(f"/api/seller/service/conversations/{conv['id']}{path}").status_code == 404
    r = stranger.post(
        f"/api/store/service/conversations/{conv['id']}/messages",
        {"body": "hi"},
        content_type="application/json",
    )
    assert r.status_code == 404 and r.json()["detail"]
    r = foreign.post(
        f"/api/seller/service/conversations/{conv['id']}/messages",
        {"body": "hi"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert foreign.get("/api/seller/service/queue?tab=all").json()["items"] == []
    assert stranger.get("/api/store/service/conversations").json()["items"] == []
    assert Message.objects.count() == before


def test_non_chat_roles_get_403(shop, make_agent):
    from django.test import Client

    c = Client()
    c.force_login(make_agent(shop, role="warehouse"))
    r = c.get("/api/seller/service/queue")
    assert r.status_code == 403 and r.json()["detail"]


def test_resolve_and_rate_once(store, shop, seller):
    conv = store.post(
        "/api/store/service/conversations", {"shop_id": shop.pk}, content_type="application/json"
    ).json()
    url = f"/api/store/service/conversations/{conv['id']}"
    store.post(f"{url}/messages", {"body": "在吗"}, content_type="application/json")
    r = seller.post(f"/api/seller/service/conversations/{conv['id']}/resolve")
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert store.post(f"{url}/rating", {"stars": 0}, content_type="application/json").status_code == 422
    r = store.post(f"{url}/rating", {"stars": 4, "comment": "好"}, content_type="application/json")
    assert r.status_code == 201
    r = store.post(f"{url}/rating", {"stars": 5}, content_type="application/json")
    assert r.status_code == 409 and "重复" in r.json()["detail"]
    assert Satisfaction.objects.get().stars == 4
    assert store.get(url).json()["rated"] is True
    r = store.post(f"{url}/messages", {"body": "再问一下"}, content_type="application/json")
    assert r.status_code == 409


def test_presence_claim_and_transfer(store, shop, seller, agent2):
    conv = store.post(
        "/api/store/service/conversations", {"shop_id": shop.pk}, content_type="application/json"
    ).json()
    store.post(
        f"/api/store/service/conversations/{conv['id']}/messages",
        {"body": "在吗"},
        content_type="application/json",
    )
    assert seller.post(
        "/api/seller/service/presence", {"online": True}, content_type="application/json"
    ).json()["online"]
    r = seller.post(f"/api/seller/service/conversations/{conv['id']}/claim")
    assert r.status_code == 200
    r = seller.post(
        f"/api/seller/service/conversations/{conv['id']}/transfer",
        {"to_user_id": agent2.pk},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["assignee_id"] == agent2.pk
    assert Conversation.objects.get().assignee_id == agent2.pk
    names = [a["user_id"] for a in seller.get("/api/seller/service/agents").json()]
    assert agent2.pk in names
