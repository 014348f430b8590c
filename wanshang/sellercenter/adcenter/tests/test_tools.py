"""推广单元 tools in the seller center, pages and API: keyword suggestions with the one-click add, the creatives
report, the plan form's region multipliers. Another shop's group or plan is 404 and unchanged; bad input is a
form error or a clear 4xx JSON and changes nothing. Reads through the selectors (no app models here)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wanshang.ads import selectors
from wanshang.search.services import query_click, query_record

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _words(shop, group):
    return {k.word: k for k in selectors.keyword_list(shop=shop, group_id=group.pk)}


@pytest.fixture
def searched(make_product):
    """Searches for 纯棉 衬衫 that opened a product of the shop's category (the search log)."""

    def do(shop, n=3):
        product = make_product(shop, title="纯棉衬衫 白色")
        for _ in range(n):
            q = query_record(text_typed="纯棉衬衫", results=2, visitor="v1")
            query_click(query_id=q.pk, product_id=product.pk)

    return do


def test_suggestions_page_and_one_click_add(shop, login_client, ad_tree, searched):
    tree = ad_tree(shop)
    searched(shop)
    client = login_client(shop.owner)
    group = tree["group"]
    page = client.get(reverse("sellercenter:ads_suggestions", args=[group.pk]))
    assert page.status_code == 200
    assert 'data-word="纯棉 衬衫"' in page.text and "月搜索量" in page.text
    row = next(s for s in page.context["suggestions"] if s.word == "纯棉 衬衫")
    assert (row.source, row.monthly_searches) == ("search", 3)
    assert (
        reverse("sellercenter:ads_suggestions", args=[group.pk])
        in client.get(reverse("sellercenter:ads_group", args=[group.pk])).text
    )

    response = client.post(
        reverse("sellercenter:ads_suggestion_add", args=[group.pk]),
        {"word": "纯棉 衬衫", "bid": "", "match_type": "phrase"},
    )
    assert response.status_code == 302
    added = _words(shop, group)["纯棉 衬衫"]
    assert (added.bid_fen, added.match_type) == (row.suggested_bid_fen, "phrase")
    again = client.get(reverse("sellercenter:ads_suggestions", args=[group.pk]))
    assert "纯棉 衬衫" not in {s.word for s in again.context["suggestions"]}


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"word": "长" * 21, "bid": "1", "match_type": "broad"}, "超过 20 个字"),
        ({"word": "纯棉t恤", "bid": "1", "match_type": "broad"}, "已存在"),
        ({"word": "衬衫", "bid": "-1", "match_type": "broad"}, "金额"),
        ({"word": "衬衫", "bid": "9999", "match_type": "broad"}, "出价不能高于"),
        ({"word": "衬衫", "bid": "", "match_type": "fuzzy"}, "match_type"),
        ({"word": "衬衫", "bid": "60", "match_type": "broad"}, "日预算"),
    ],
)
def test_bad_suggestion_adds_are_form_errors(shop, login_client, ad_tree, post, message):
    tree = ad_tree(shop)
    before = set(_words(shop, tree["group"]))
    response = login_client(shop.owner).post(
        reverse("sellercenter:ads_suggestion_add", args=[tree["group"].pk]), post
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert message in response.text or message in form.errors
    assert set(_words(shop, tree["group"])) == before


def test_creatives_report_page(shop, login_client, ad_tree):
    tree = ad_tree(shop)
    client = login_client(shop.owner)
    page = client.get(reverse("sellercenter:ads_creative_report", args=[tree["group"].pk]), {"days": "7"})
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert (row.creative_id, row.impressions, row.clicks, row.share) == (tree["creative"].pk, 0, 0, 1.0)
    assert f'data-creative="{tree["creative"].pk}"' in page.text and "点击率" in page.text
    bad = client.get(reverse("sellercenter:ads_creative_report", args=[tree["group"].pk]), {"days": "5"})
    assert bad.status_code == 400 and "7、14 或 30" in bad.text


def test_plan_form_shows_and_saves_the_province_list(shop, login_client, ad_tree):
    tree = ad_tree(shop)
    client = login_client(shop.owner)
    page = client.get(reverse("sellercenter:ads_plan_edit", args=[tree["plan"].pk]))
    assert page.status_code == 200 and 'name="region_310000"' in page.text and "上海" in page.text
    plan = tree["plan"]
    post = {
        "name": plan.name,
        "daily_budget": "50",
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "pacing": "standard",
        "on_pc": "on",
        "on_mobile": "on",
        "region_310000": "200",
        "region_650000": "0",
        "region_110000": "100",
    }
    response = client.post(reverse("sellercenter:ads_plan_edit", args=[plan.pk]), post)
    assert response.status_code == 302
    assert selectors.plan_get(shop=shop, plan_id=plan.pk).region_multipliers == {"310000": 200, "650000": 0}
    page = client.get(reverse("sellercenter:ads_plan_edit", args=[plan.pk]))
    assert page.context["form"]["region_310000"].value() == 200


def test_another_shops_group_and_plan_are_404_and_unchanged(shop, other_shop, login_client, ad_tree):
    tree = ad_tree(other_shop)
    ad_tree(shop)
    client = login_client(shop.owner)
    group, plan = tree["group"], tree["plan"]
    assert client.get(reverse("sellercenter:ads_suggestions", args=[group.pk])).status_code == 404
    response = client.post(
        reverse("sellercenter:ads_suggestion_add", args=[group.pk]),
        {"word": "衬衫", "bid": "1", "match_type": "broad"},
    )
    assert response.status_code == 404
    assert client.get(reverse("sellercenter:ads_creative_report", args=[group.pk])).status_code == 404
    response = client.post(
        reverse("sellercenter:ads_plan_edit", args=[plan.pk]),
        {"name": "x", "daily_budget": "50", "start_date": plan.start_date.isoformat(), "pacing": "standard",
         "on_pc": "on", "region_310000": "0"},
    )  # fmt: skip
    assert response.status_code == 404
    assert set(_words(other_shop, group)) == {"纯棉t恤"}
    assert selectors.plan_get(shop=other_shop, plan_id=plan.pk).region_multipliers == {}
    # the API likewise
    assert client.get(f"/api/seller/ads/groups/{group.pk}/keyword-suggestions").status_code == 404
    response = client.post(
        f"/api/seller/ads/groups/{group.pk}/keyword-suggestions", {"word": "衬衫"}, content_type=JSON
    )
    assert response.status_code == 404
    assert client.get(f"/api/seller/ads/groups/{group.pk}/creatives/report").status_code == 404
    body = {
        "name": "x",
        "daily_budget_fen": 5000,
        "start_date": timezone.localdate().isoformat(),
        "region_multipliers": {"310000": 0},
    }
    assert client.put(f"/api/seller/ads/plans/{plan.pk}", body, content_type=JSON).status_code == 404
    assert set(_words(other_shop, group)) == {"纯棉t恤"}
    assert selectors.plan_get(shop=other_shop, plan_id=plan.pk).region_multipliers == {}


def test_api_suggestions_add_and_creatives_report(shop, login_client, ad_tree, searched):
    tree = ad_tree(shop)
    searched(shop, n=2)
    client = login_client(shop.owner)
    group = tree["group"]
    rows = client.get(f"/api/seller/ads/groups/{group.pk}/keyword-suggestions").json()
    shirt = next(r for r in rows if r["word"] == "纯棉 衬衫")
    assert shirt["source"] == "search" and shirt["monthly_searches"] == 2 and shirt["ctr"] is None
    assert shirt["suggested_bid_fen"] >= selectors.ad_settings().reserve_price_fen
    response = client.post(
        f"/api/seller/ads/groups/{group.pk}/keyword-suggestions",
        {"word": "纯棉 衬衫", "match_type": "exact"},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert (
        response.json()["bid_fen"] == shirt["suggested_bid_fen"] and response.json()["match_type"] == "exact"
    )

    report = client.get(f"/api/seller/ads/groups/{group.pk}/creatives/report", {"days": 14})
    assert report.status_code == 200
    [row] = report.json()
    assert row["creative_id"] == tree["creative"].pk and row["impressions"] == 0 and row["ctr"] is None
    bad = client.get(f"/api/seller/ads/groups/{group.pk}/creatives/report", {"days": 3})
    assert bad.status_code == 422 and bad.json()["field"] == "days"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"word": "纯棉t恤"}, 400, "word"),
        ({"word": "长" * 21}, 400, "word"),
        ({"word": "新款"}, 400, "word"),
        ({"word": "衬衫", "match_type": "fuzzy"}, 400, "match_type"),
        ({"word": "衬衫", "bid_fen": 0}, 400, "bid_fen"),
        ({"word": "衬衫", "bid_fen": 6000}, 400, "bid_fen"),
        ({"word": "衬衫", "bid_fen": "abc"}, 422, None),
        ({"word": "衬衫", "extra": 1}, 422, None),
        ({}, 422, None),
    ],
)
def test_api_bad_suggestion_adds(shop, login_client, ad_tree, body, status, field):
    tree = ad_tree(shop)
    response = login_client(shop.owner).post(
        f"/api/seller/ads/groups/{tree['group'].pk}/keyword-suggestions", body, content_type=JSON
    )
    assert response.status_code == status, response.json()
    if field:
        assert response.json()["field"] == field
    assert set(_words(shop, tree["group"])) == {"纯棉t恤"}


@pytest.mark.parametrize(
    ("regions", "message"),
    [({"999999": 120}, "未知的省级地区编码"), ({"310000": 501}, "0–500"), ({"310000": -5}, "0–500")],
)
def test_api_bad_region_multipliers(shop, login_client, ad_tree, regions, message):
    tree = ad_tree(shop)
    plan = tree["plan"]
    body = {
        "name": plan.name,
        "daily_budget_fen": 5000,
        "start_date": plan.start_date.isoformat(),
        "end_date": (plan.start_date + timedelta(days=3)).isoformat(),
        "region_multipliers": regions,
    }
    response = login_client(shop.owner).put(f"/api/seller/ads/plans/{plan.pk}", body, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["field"] == "region_multipliers" and message in response.json()["detail"]
    assert selectors.plan_get(shop=shop, plan_id=plan.pk).region_multipliers == {}
