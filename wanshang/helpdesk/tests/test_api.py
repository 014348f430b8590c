"""客服 through the JSON API: seller endpoints (settings, hours, phrases, FAQ, tickets, SLA) with 4xx and a
message on bad input (nothing written), permission by role, shop isolation; the public FAQ of a shop."""

import pytest
from django.test import Client

from wanshang.accounts.services import api_token_create
from wanshang.helpdesk import selectors, services
from wanshang.helpdesk.models import Faq, QuickPhrase, ServiceSettings, SlaPolicy, Ticket

pytestmark = pytest.mark.django_db

S = "/api/seller/service"


def bearer(user):
    client = Client(enforce_csrf_checks=True)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(user=user)}"
    return client


def send(client, method, path, data):
    return getattr(client, method)(path, data, content_type="application/json")


SETTINGS = {
    "welcome_text": "欢迎",
    "offhours_text": "下班了",
    "noreply_minutes": 3,
    "noreply_text": "稍等",
    "faq_autoreply": True,
    "agent_cap": 6,
    "faq_threshold": 60,
}


def test_settings_and_hours_round_trip(shop):
    api = bearer(shop.owner)
    r = send(api, "put", f"{S}/settings", SETTINGS)
    assert r.status_code == 200, r.content
    assert api.get(f"{S}/settings").json()["agent_cap"] == 6
    r = send(api, "put", f"{S}/hours", {"week": {"0": "09:00-12:00, 13:00-18:00", "5": "10:00-16:00"}})
    assert r.status_code == 200, r.content
    assert (
        r.json()["week"][0]["periods"] == ["09:00-12:00", "13:00-18:00"]
        and r.json()["week"][6]["periods"] == []
    )
    r = send(api, "post", f"{S}/special-days", {"date": "2026-10-01", "kind": "closed", "note": "国庆"})
    assert r.status_code == 201, r.content
    assert api.delete(f"{S}/special-days/{r.json()['id']}").status_code == 204


@pytest.mark.parametrize(
    ("path", "method", "body"),
    [
        ("settings", "put", SETTINGS | {"agent_cap": 0}),
        ("settings", "put", SETTINGS | {"noreply_minutes": "3"}),
        ("settings", "put", SETTINGS | {"welcome_text": ""}),
        ("settings", "put", SETTINGS | {"noreply_text": ""}),
        ("settings", "put", SETTINGS | {"extra": 1}),
        ("hours", "put", {"week": {"0": "18:00-09:00"}}),
        ("hours", "put", {"week": {}}),
        ("special-days", "post", {"date": "2026-10-01", "kind": "open", "periods": ""}),
        ("special-days", "post", {"date": "not a date", "kind": "closed"}),
    ],
)
def test_bad_settings_input_is_4xx_and_writes_nothing(shop, path, method, body):
    r = send(bearer(shop.owner), method, f"{S}/{path}", body)
    assert 400 <= r.status_code < 500, r.content
    assert r.json()["detail"]
    assert not ServiceSettings.objects.exists()
    assert not selectors.hours_configured(shop) and selectors.special_days(shop) == []


def test_agent_cannot_change_settings_but_can_read_hours(shop, agent):
    api = bearer(agent)
    assert send(api, "put", f"{S}/settings", SETTINGS).status_code == 403
    assert api.get(f"{S}/hours").status_code == 200


def test_phrases_crud_scopes_and_isolation(shop, agent, make_agent, other_shop):
    api = bearer(agent)
    r = send(
        api, "post", f"{S}/phrases", {"category": "售后", "code": "/th", "text": "您好{买家}，退货地址…"}
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["personal"] is True
    assert send(api, "post", f"{S}/phrases", {"text": "全店", "personal": False}).status_code == 403
    assert send(api, "post", f"{S}/phrases", {"code": "/th", "text": "重复"}).status_code == 400
    assert send(api, "post", f"{S}/phrases", {"text": ""}).status_code == 400
    assert QuickPhrase.objects.count() == 1
    r = send(api, "put", f"{S}/phrases/{pid}", {"category": "售后", "code": "/thdz", "text": "新的"})
    assert r.status_code == 200 and r.json()["code"] == "/thdz"
    # another agent of the same shop, and staff of another shop, never see or touch it
    for outsider in (make_agent(shop), other_shop.owner):
        other = bearer(outsider)
        assert other.get(f"{S}/phrases").json()["count"] == 0
        assert send(other, "put", f"{S}/phrases/{pid}", {"text": "x"}).status_code == 404
        assert other.delete(f"{S}/phrases/{pid}").status_code == 404
    rendered = send(
        api, "post", f"{S}/phrase-render", {"text": "您好{买家}{订单号}", "context": {"买家": "小王"}}
    )
    assert rendered.json()["text"] == "您好小王{订单号}"
    assert api.delete(f"{S}/phrases/{pid}").status_code == 204


def test_faq_crud_suggest_and_isolation(shop, other_shop, agent):
    owner = bearer(shop.owner)
    cat = send(owner, "post", f"{S}/faq-categories", {"name": "发货"}).json()
    body = {
        "category_id": cat["id"],
        "question": "多久发货",
        "phrasings": ["什么时候发货"],
        "answer": "48 小时内",
    }
    r = send(owner, "post", f"{S}/faq", body)
    assert r.status_code == 201, r.content
    fid = r.json()["id"]
    assert send(bearer(agent), "post", f"{S}/faq", body).status_code == 403  # agents read, the owner edits
    s = bearer(agent).get(f"{S}/faq/suggest", {"q": "我的订单什么时候发货呀"}).json()
    assert s["best"]["faq_id"] == fid and s["suggestions"][0]["faq_id"] == fid
    for bad in (
        {**body, "category_id": 999999},
        {**body, "question": ""},
        {**body, "answer": ""},
        {**body, "x": 1},
    ):
        assert 400 <= send(owner, "post", f"{S}/faq", bad).status_code < 500
    assert Faq.objects.count() == 1
    assert send(owner, "delete", f"{S}/faq-categories/{cat['id']}", {}).status_code == 409  # not empty
    b = bearer(other_shop.owner)
    assert b.get(f"{S}/faq/{fid}").status_code == 404
    assert send(b, "put", f"{S}/faq/{fid}", body).status_code in (400, 404)
    assert b.delete(f"{S}/faq/{fid}").status_code == 404
    assert b.get(f"{S}/faq").json()["count"] == 0
    assert b.get(f"{S}/faq/suggest", {"q": "多久发货"}).json() == {"best": None, "suggestions": []}


def test_public_shop_faq(shop, manual, client):
    groups = client.get(f"/api/store/shops/{shop.slug}/faq").json()
    assert [g["category"] for g in groups] == ["发货物流", "退换货"]
    found = client.get(f"/api/store/shops/{shop.slug}/faq", {"q": "可以开发票吗"}).json()
    assert found[0]["items"][0]["id"] == manual["invoice"].pk
    assert client.get("/api/store/shops/no-such-shop/faq").status_code == 404


def test_tickets_sla_and_state_machine_over_the_api(shop, agent, other_shop):
    owner = bearer(shop.owner)
    r = send(
        owner,
        "put",
        f"{S}/sla/urgent",
        {"first_response_minutes": 10, "next_response_minutes": 30, "resolution_minutes": 120},
    )
    assert r.status_code == 200, r.content
    assert (
        send(
            owner,
            "put",
            f"{S}/sla/asap",
            {"first_response_minutes": 1, "next_response_minutes": 1, "resolution_minutes": 1},
        ).status_code
        == 400
    )
    assert (
        send(
            bearer(agent),
            "put",
            f"{S}/sla/low",
            {"first_response_minutes": 1, "next_response_minutes": 1, "resolution_minutes": 1},
        ).status_code
        == 403
    )
    api = bearer(agent)
    r = send(
        api, "post", f"{S}/tickets", {"title": "退款未到账", "priority": "urgent", "assignee_id": agent.pk}
    )
    assert r.status_code == 201, r.content
    t = r.json()
    assert {c["metric"] for c in t["sla"]} == {"first_response", "resolution"}
    tid = t["id"]
    assert (
        send(api, "post", f"{S}/tickets/{tid}/comments", {"body": "已核实", "public": True}).status_code
        == 201
    )
    assert send(api, "post", f"{S}/tickets/{tid}/status", {"status": "closed"}).status_code == 200
    r = send(api, "post", f"{S}/tickets/{tid}/status", {"status": "open"})
    assert r.status_code == 409 and "关闭" in r.json()["detail"]
    assert send(api, "post", f"{S}/tickets/{tid}/comments", {"body": "x", "public": True}).status_code == 409
    listed = api.get(f"{S}/tickets", {"status": "closed"}).json()
    assert listed["count"] == 1 and listed["items"][0]["no"] == t["no"]
    # another shop sees nothing and touches nothing
    b = bearer(other_shop.owner)
    assert b.get(f"{S}/tickets").json()["count"] == 0
    assert b.get(f"{S}/tickets/{tid}").status_code == 404
    assert send(b, "post", f"{S}/tickets/{tid}/status", {"status": "open"}).status_code == 404
    assert send(b, "patch", f"{S}/tickets/{tid}", {"priority": "low"}).status_code == 404
    assert [p["first_response_minutes"] for p in b.get(f"{S}/sla").json()] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": "x", "priority": "asap"},
        {"title": "x", "source_kind": "case"},
        {"title": "x", "assignee_id": 999999},
        {"title": "x", "source_id": "12"},
        {"title": "x", "unknown": 1},
    ],
)
def test_bad_ticket_input_is_4xx_and_writes_nothing(shop, agent, body):
    r = send(bearer(agent), "post", f"{S}/tickets", body)
    assert 400 <= r.status_code < 500, r.content
    assert not Ticket.objects.exists()


def test_warehouse_staff_cannot_reach_tickets(shop, make_agent):
    api = bearer(make_agent(shop, role="warehouse"))
    assert api.get(f"{S}/tickets").status_code == 403
    assert send(api, "post", f"{S}/tickets", {"title": "x"}).status_code == 403
    assert not SlaPolicy.objects.exists()


def test_ticket_patch_reassigns(shop, agent):
    ticket = services.ticket_create(shop=shop, actor=agent, title="补发", source_kind="manual")
    api = bearer(shop.owner)
    r = send(api, "patch", f"{S}/tickets/{ticket.pk}", {"assignee_id": agent.pk, "priority": "high"})
    assert r.status_code == 200 and r.json()["assignee_id"] == agent.pk and r.json()["priority"] == "high"
    r = send(api, "patch", f"{S}/tickets/{ticket.pk}", {"assignee_id": 0})
    assert r.json()["assignee_id"] is None


def test_buyer_sees_own_ticket_status_and_public_replies_only(shop, agent, buyer, make_user):
    t = services.ticket_create(
        shop=shop, actor=agent, title="补发配件", source_kind="case", source_id=5, buyer=buyer
    )
    services.ticket_comment_add(shop=shop, actor=agent, ticket_id=t.pk, body="内部：仓库缺货", public=False)
    services.ticket_comment_add(shop=shop, actor=agent, ticket_id=t.pk, body="已为您补发", public=True)
    services.ticket_transition(shop=shop, actor=agent, ticket_id=t.pk, status="solved")
    mine = bearer(buyer).get("/api/store/tickets").json()
    assert mine["count"] == 1
    item = mine["items"][0]
    assert (item["status"], item["shop"]) == ("solved", shop.name)
    assert [r["body"] for r in item["replies"]] == ["已为您补发"]
    other = bearer(make_user())
    assert other.get("/api/store/tickets").json()["count"] == 0
    assert other.get(f"/api/store/tickets/{t.pk}").status_code == 404
    assert Client().get("/api/store/tickets").status_code == 401
