"""消息中心 in the seller center: the bell on every page (one count query), the inbox page with its filters, mark
read / open / mark all read, the API (list, unread count, mark read, mark all read), isolation between shops (by
id too), bad input, roles, and English."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wanshang.inbox.selectors import message_get, unread_count
from wanshang.inbox.services import message_post
from wanshang.merchants.services import staff_add

pytestmark = pytest.mark.django_db
API = "/api/seller/inbox"


def post(shop, n=1, topic="health.item_opened", **params):
    params = params or {
        "title": f"延迟发货率{n}",
        "kind": "late_shipment",
        "deadline_at": "2026-03-04T09:00:00+08:00",
    }
    return message_post(
        shop_id=shop.pk if shop else None,
        topic_code=topic,
        params=params,
        dedupe_key=f"t:{topic}:{n}:{shop and shop.pk}",
        target_id=n,
    )


def rule(n=1):
    return post(
        None,
        n,
        "rule.published",
        title="退货规则",
        code="returns",
        version=n,
        effective_at="2026-03-04T00:00:00+08:00",
    )


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_bell_shows_the_unread_count_on_every_seller_page(owner_client, shop):
    post(shop, 1)
    post(shop, 2)
    rule()
    for path in ("/seller/", "/seller/health/", "/seller/inbox/"):
        html = owner_client.get(path).content.decode()
        assert 'class="sc-bell has-unread"' in html and 'data-unread="3"' in html, path


def test_the_bell_costs_one_count_query(owner_client, shop):
    owner_client.get("/seller/health/rules/")  # warm the caches of the layout
    with CaptureQueriesContext(connection) as none:
        owner_client.get("/seller/health/rules/")
    for n in range(25):
        post(shop, n)
        rule(n)
    with CaptureQueriesContext(connection) as many:
        owner_client.get("/seller/health/rules/")
    inbox_queries = [q for q in many.captured_queries if "inbox_message" in q["sql"]]
    assert len(inbox_queries) == 1 and "COUNT(" in inbox_queries[0]["sql"].upper()
    assert len(many.captured_queries) == len(none.captured_queries)  # more messages, no more queries


def test_the_page_lists_filters_and_marks_read(owner_client, shop):
    a, b = post(shop, 1), post(shop, 2, "patrol.report", day="2026-03-02", findings=3, products=10)
    rule()
    html = owner_client.get("/seller/inbox/").content.decode()
    assert html.count('class="card inbox-row unread"') == 3
    assert "体检中心发现问题：延迟发货率1" in html and "日常巡检（2026-03-02）：发现 3 个问题" in html
    html = owner_client.get("/seller/inbox/?kind=patrol").content.decode()
    assert f'data-message="{b.pk}"' in html and f'data-message="{a.pk}"' not in html
    owner_client.post(f"/seller/inbox/{a.pk}/read/")
    html = owner_client.get("/seller/inbox/?unread=1").content.decode()
    assert f'data-message="{a.pk}"' not in html and f'data-message="{b.pk}"' in html
    html = owner_client.get("/seller/inbox/?unread=0").content.decode()
    assert f'data-message="{a.pk}"' in html
    response = owner_client.post(f"/seller/inbox/{b.pk}/open/")  # read, then to the report
    assert response.status_code == 302 and response["Location"] == "/seller/patrol/?report=2"
    response = owner_client.post("/seller/inbox/read-all/", {"kind": ""})
    assert response.status_code == 302
    assert 'class="sc-bell"' in owner_client.get("/seller/inbox/").content.decode()
    assert unread_count(shop=shop) == 0
    assert message_get(shop=shop, message_id=a.pk).seen_by_id == shop.owner.pk


def test_open_leads_to_the_page_where_the_shop_acts(owner_client, shop):
    item = post(shop, 7)
    broadcast = rule(4)
    assert owner_client.post(f"/seller/inbox/{item.pk}/open/")["Location"] == "/seller/health/items/7/"
    assert (
        owner_client.post(f"/seller/inbox/{broadcast.pk}/open/")["Location"] == "/seller/health/rules/#rule-4"
    )


def test_shop_b_cannot_see_read_or_open_shop_a_messages(shop, other_shop):
    a = post(shop, 1)
    b_client = as_user(other_shop.owner)
    assert f'data-message="{a.pk}"' not in b_client.get("/seller/inbox/").content.decode()
    assert b_client.post(f"/seller/inbox/{a.pk}/read/").status_code == 404
    assert b_client.post(f"/seller/inbox/{a.pk}/open/").status_code == 404
    b_client.post("/seller/inbox/read-all/")
    assert b_client.get(f"{API}/messages").json()["count"] == 0
    assert b_client.post(f"{API}/messages/{a.pk}/read").status_code == 404
    assert b_client.get(f"{API}/unread-count").json() == {"unread": 0}
    assert message_get(shop=shop, message_id=a.pk).seen_at is None


def test_bad_input_on_the_pages(owner_client, shop):
    message = post(shop)
    assert owner_client.get("/seller/inbox/?kind=spam").status_code == 400
    assert owner_client.get("/seller/inbox/?unread=maybe").status_code == 400
    assert owner_client.post("/seller/inbox/read-all/", {"kind": "spam"}).status_code == 400
    assert owner_client.post("/seller/inbox/999999999/read/").status_code == 404
    assert owner_client.get("/seller/inbox/1/read/").status_code == 405
    assert (
        owner_client.post("/seller/inbox/read-all/", {"next": "https://evil.example/"})["Location"]
        == "/seller/inbox/"
    )
    assert message_get(shop=shop, message_id=message.pk).seen_at is not None  # the last one marked all read


def test_the_api_lists_counts_and_marks(owner_client, shop):
    a = post(shop, 1)
    rule()
    page = owner_client.get(f"{API}/messages").json()
    assert (page["count"], page["unread_count"]) == (2, 2)
    first = page["items"][0]
    assert first["read"] is False and first["target_url"]
    assert owner_client.get(f"{API}/messages", {"kind": "health"}).json()["count"] == 1
    read = owner_client.post(f"{API}/messages/{a.pk}/read").json()
    assert read["read"] is True and read["read_by_id"] == shop.owner.pk
    assert owner_client.get(f"{API}/messages", {"unread": "true"}).json()["count"] == 1
    assert owner_client.get(f"{API}/unread-count").json() == {"unread": 1}
    assert owner_client.post(f"{API}/read-all?kind=rule").json() == {"marked": 1}
    assert owner_client.get(f"{API}/unread-count").json() == {"unread": 0}


def test_bad_input_in_the_api(owner_client, shop):
    message = post(shop)
    assert owner_client.get(f"{API}/messages", {"kind": "spam"}).status_code == 422
    assert owner_client.get(f"{API}/messages", {"unread": "maybe"}).status_code == 422
    assert owner_client.get(f"{API}/messages", {"page_size": 1000}).status_code == 422
    assert owner_client.post(f"{API}/messages/abc/read").status_code == 422
    assert owner_client.post(f"{API}/messages/0/read").status_code == 404
    assert owner_client.post(f"{API}/read-all?kind=spam").status_code == 422
    assert message_get(shop=shop, message_id=message.pk).seen_at is None
    assert Client().get(f"{API}/unread-count").status_code == 401


def test_roles_through_the_permission_table(shop, make_user):
    post(shop)
    store_user, warehouse_user = make_user(), make_user()
    staff_add(shop=shop, login=store_user.phone, role="store")
    staff_add(shop=shop, login=warehouse_user.phone, role="warehouse")
    store = as_user(store_user)
    assert store.get("/seller/inbox/").status_code == 403
    assert store.get(f"{API}/unread-count").status_code == 403
    assert "sc-bell" not in store.get("/seller/pickup/verify/").content.decode()
    warehouse = as_user(warehouse_user)
    assert warehouse.get(f"{API}/unread-count").json() == {"unread": 1}
    assert 'data-unread="1"' in warehouse.get("/seller/inbox/").content.decode()


def test_the_inbox_in_english(owner_client, shop):
    post(shop)
    rule()
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = owner_client.get("/seller/inbox/").content.decode()
    assert "Health check found a problem: 延迟发货率1" in html
    assert "Platform rule published: 退货规则 (version 1)" in html
    assert "Mark all read" in html and "Inbox" in html
    item = owner_client.get(f"{API}/messages", {"kind": "health"}).json()["items"][0]
    assert item["title"].startswith("Health check") and item["kind_label"] == "Health"


def test_health_labels_are_translated(owner_client, shop):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = owner_client.get("/seller/health/").content.decode()
    assert "Late shipment rate" in html and "延迟发货率" not in html


def test_mark_all_read_in_the_api_takes_no_body_too(owner_client, shop):
    post(shop)
    rule()
    assert owner_client.post(f"{API}/read-all").json() == {"marked": 2}
    assert owner_client.get(f"{API}/unread-count").json() == {"unread": 0}
