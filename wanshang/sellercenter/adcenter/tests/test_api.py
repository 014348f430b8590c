"""/api/seller/ads/…: the account and a top-up end to end, the plan structure, bad input as clear 4xx JSON with
nothing changed, and another shop's ids as 404 on every route."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.ads import selectors

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _plan_body(**changes):
    today = timezone.localdate()
    body = {
        "name": "API 计划",
        "daily_budget_fen": 5000,
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=7)).isoformat(),
        "region_multipliers": {"110000": 150},
    }
    body.update(changes)
    return body


def test_top_up_and_structure_through_the_api(shop, login_client, make_product):
    client = login_client(shop.owner)
    response = client.post("/api/seller/ads/topups", {"amount_fen": 20_000}, content_type=JSON)
    assert response.status_code == 201, response.json()
    payment_no = response.json()["payment_no"]
    response = client.post(f"/api/seller/ads/topups/{payment_no}/sandbox-pay")
    assert response.status_code == 200 and response.json()["status"] == "credited"
    assert client.post(f"/api/seller/ads/topups/{payment_no}/sandbox-pay").status_code == 409
    account = client.get("/api/seller/ads/account").json()
    assert account["balance_fen"] == 20_000 and account["topup_fen"] == 20_000
    ledger = client.get("/api/seller/ads/ledger").json()
    assert ledger["count"] == 1 and ledger["items"][0]["kind"] == "topup"

    plan = client.post("/api/seller/ads/plans", _plan_body(), content_type=JSON).json()
    assert plan["status"] == "draft" and plan["region_multipliers"] == {"110000": 150}
    product = make_product(shop, title="蓝牙耳机 降噪", images=["/media/p.jpg"])
    group = client.post(
        f"/api/seller/ads/plans/{plan['id']}/groups",
        {"product_id": product.pk, "default_bid_fen": 80},
        content_type=JSON,
    ).json()
    response = client.post(
        f"/api/seller/ads/groups/{group['id']}/keywords",
        {"keywords": [{"word": "蓝牙耳机", "bid_fen": 120, "match_type": "exact"}, {"word": "降噪耳机"}]},
        content_type=JSON,
    )
    assert response.status_code == 201
    words = response.json()
    assert [(k["word"], k["effective_bid_fen"]) for k in words] == [("蓝牙耳机", 120), ("降噪耳机", 80)]
    response = client.patch(
        f"/api/seller/ads/keywords/{words[0]['id']}", {"inherit": True, "status": "paused"}, content_type=JSON
    )
    assert response.json()["bid_fen"] is None and response.json()["status"] == "paused"
    response = client.post(
        f"/api/seller/ads/groups/{group['id']}/creatives",
        {"title": "一副超长超长超长超长超长超长超长超长的好耳机标题", "image_url": "/media/p.jpg"},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert {w["code"] for w in response.json()["warnings"]} >= {"too_long", "no_brand", "no_trust_word"}
    assert (
        client.post(
            f"/api/seller/ads/plans/{plan['id']}/negatives", {"word": "二手"}, content_type=JSON
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/seller/ads/groups/{group['id']}/negatives",
            {"word": "有线", "match_type": "exact"},
            content_type=JSON,
        ).json()["group_id"]
        == group["id"]
    )
    response = client.post(
        f"/api/seller/ads/plans/{plan['id']}/status", {"status": "active"}, content_type=JSON
    )
    assert response.json()["status"] == "active"
    assert client.delete(f"/api/seller/ads/keywords/{words[1]['id']}").status_code == 204


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"daily_budget_fen": -100}, "daily_budget"),
        ({"daily_budget_fen": 1}, "daily_budget"),
        ({"daily_budget_fen": 10**20}, "daily_budget"),
        ({"end_date": "2001-01-01"}, "end_date"),
        ({"hour_multipliers": [100] * 23}, "hour_multipliers"),
        ({"hour_multipliers": [1000] * 24}, "hour_multipliers"),
        ({"region_multipliers": {"110105": 100}}, "region_multipliers"),
        ({"on_pc": False, "on_mobile": False}, "terminals"),
        ({"pacing": "fast"}, "pacing"),
        ({"name": "  "}, "name"),
    ],
)
def test_bad_plans_are_400_with_the_field(shop, login_client, body, field):
    client = login_client(shop.owner)
    response = client.post("/api/seller/ads/plans", _plan_body(**body), content_type=JSON)
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field and response.json()["detail"]
    assert not list(selectors.plan_list(shop=shop))


def test_bad_bids_keywords_and_products(shop, other_shop, login_client, make_product, ad_tree):
    tree = ad_tree(shop)
    client = login_client(shop.owner)
    plan, group = tree["plan"], tree["group"]
    url = f"/api/seller/ads/plans/{plan.pk}/groups"
    foreign = make_product(other_shop)
    assert (
        client.post(url, {"product_id": foreign.pk, "default_bid_fen": 50}, content_type=JSON).status_code
        == 404
    )
    off = make_product(shop, on_sale=False)
    response = client.post(url, {"product_id": off.pk, "default_bid_fen": 50}, content_type=JSON)
    assert response.status_code == 400 and "出售中" in response.json()["detail"]
    for bid in (-1, 0, 10**12, 6000):
        response = client.post(
            url, {"product_id": make_product(shop).pk, "default_bid_fen": bid}, content_type=JSON
        )
        assert response.status_code == 400, bid
    assert client.post(url, {"product_id": 1, "default_bid_fen": "abc"}, content_type=JSON).status_code == 422

    url = f"/api/seller/ads/groups/{group.pk}/keywords"
    for rows, message in (
        ([{"word": "x" * 21}], "超过 20 个字"),
        ([{"word": "纯棉T恤"}], "已存在"),
        ([{"word": "甲"}, {"word": "甲"}], "第 2 行"),
        ([{"word": "乙", "bid_fen": -5}], "出价必须大于 0"),
        ([{"word": "乙", "match_type": "fuzzy"}], "匹配方式"),
        ([], "至少"),
    ):
        response = client.post(url, {"keywords": rows}, content_type=JSON)
        assert response.status_code == 400 and message in response.json()["detail"], (rows, response.json())
    assert len(list(selectors.keyword_list(shop=shop, group_id=group.pk))) == 1
    response = client.patch(
        f"/api/seller/ads/keywords/{tree['keyword'].pk}", {"bid_fen": 10**9}, content_type=JSON
    )
    assert response.status_code == 400
    response = client.put(
        f"/api/seller/ads/plans/{plan.pk}", _plan_body(daily_budget_fen=100), content_type=JSON
    )
    assert response.status_code == 400 and "一次点击" in response.json()["detail"]
    assert selectors.plan_get(shop=shop, plan_id=plan.pk).daily_budget_fen == 5000
    assert client.post("/api/seller/ads/topups", {"amount_fen": -1}, content_type=JSON).status_code == 400


def test_another_shops_ids_are_404(shop, other_shop, login_client, ad_tree):
    tree = ad_tree(other_shop)
    [topup] = selectors.topup_list(shop=other_shop)
    client = login_client(shop.owner)
    plan, group = tree["plan"].pk, tree["group"].pk
    calls = [
        ("get", f"/api/seller/ads/plans/{plan}", None),
        ("put", f"/api/seller/ads/plans/{plan}", _plan_body()),
        ("post", f"/api/seller/ads/plans/{plan}/status", {"status": "active"}),
        ("get", f"/api/seller/ads/plans/{plan}/groups", None),
        (
            "post",
            f"/api/seller/ads/plans/{plan}/groups",
            {"product_id": tree["product"].pk, "default_bid_fen": 50},
        ),
        ("get", f"/api/seller/ads/plans/{plan}/negatives", None),
        ("post", f"/api/seller/ads/plans/{plan}/negatives", {"word": "x"}),
        ("get", f"/api/seller/ads/groups/{group}", None),
        ("patch", f"/api/seller/ads/groups/{group}", {"default_bid_fen": 50}),
        ("get", f"/api/seller/ads/groups/{group}/keywords", None),
        ("post", f"/api/seller/ads/groups/{group}/keywords", {"keywords": [{"word": "x"}]}),
        ("get", f"/api/seller/ads/groups/{group}/negatives", None),
        ("post", f"/api/seller/ads/groups/{group}/negatives", {"word": "x"}),
        ("get", f"/api/seller/ads/groups/{group}/creatives", None),
        (
            "post",
            f"/api/seller/ads/groups/{group}/creatives",
            {"title": "x", "image_url": "/media/demo/a.jpg"},
        ),
        ("patch", f"/api/seller/ads/keywords/{tree['keyword'].pk}", {"bid_fen": 50}),
        ("delete", f"/api/seller/ads/keywords/{tree['keyword'].pk}", None),
        ("delete", f"/api/seller/ads/negatives/{tree['plan_negative'].pk}", None),
        ("delete", f"/api/seller/ads/creatives/{tree['creative'].pk}", None),
        ("post", f"/api/seller/ads/topups/{topup.payment_no}/sandbox-pay", None),
    ]
    for method, url, body in calls:
        kwargs = {"content_type": JSON, "data": body} if body is not None else {}
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 404, (method, url, response.status_code)
    assert client.get("/api/seller/ads/ledger").json()["count"] == 0
    assert client.get("/api/seller/ads/plans").json()["count"] == 0
    assert client.get("/api/seller/ads/topups").json()["count"] == 0
    assert client.get("/api/seller/ads/account").json()["balance_fen"] == 0
    assert selectors.account_balance(shop=other_shop) == 9_900
    assert len(list(selectors.keyword_list(shop=other_shop, group_id=group))) == 1


def test_roles_without_ads_manage_get_403(shop, make_staff, login_client):
    client = login_client(make_staff(shop, "finance"))
    assert client.get("/api/seller/ads/plans").status_code == 403
    assert client.post("/api/seller/ads/topups", {"amount_fen": 100}, content_type=JSON).status_code == 403
