"""推广报表 pages and API: another shop's plan, group or keyword id is 404 everywhere; bad filters are a 400 (page)
or 422 (API) with the reason; a buyer gets no report."""

import pytest
from django.urls import reverse

from wanshang.ads import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_shop):
    return make_shop()


@pytest.fixture
def other_tree(make_shop, make_product):
    """Shop B's plan, group and keyword (made through the services)."""
    from datetime import timedelta

    from django.utils import timezone

    shop_b = make_shop()
    plan = services.plan_create(
        shop=shop_b,
        data=services.PlanInput(
            name="B 的计划",
            daily_budget_fen=5000,
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + timedelta(days=5),
        ),
    )
    product = make_product(shop_b, title="B 的连衣裙")
    group = services.group_create(shop=shop_b, plan_id=plan.pk, product_id=product.pk, default_bid_fen=100)
    [keyword] = services.keywords_add(
        shop=shop_b, group_id=group.pk, rows=[services.KeywordInput(word="连衣裙")]
    )
    return {"plan": plan, "group": group, "keyword": keyword}


def test_report_pages_answer_for_the_own_shop(shop, login_client):
    client = login_client(shop.owner)
    for by in ("day", "hour", "plan", "group", "keyword", "placement"):
        page = client.get(reverse("sellercenter:ads_reports"), {"by": by, "days": "30"})
        assert page.status_code == 200 and "推广报表" in page.text
    assert len(client.get(reverse("sellercenter:ads_reports")).context["daily"].rows) == 7
    export = client.get(reverse("sellercenter:ads_reports_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_another_shops_ids_are_404_on_every_page(shop, login_client, other_tree):
    client = login_client(shop.owner)
    url = reverse("sellercenter:ads_reports")
    assert client.get(url, {"plan": other_tree["plan"].pk}).status_code == 404
    assert client.get(url, {"group": other_tree["group"].pk}).status_code == 404
    export = reverse("sellercenter:ads_reports_export")
    assert client.get(export, {"plan": other_tree["plan"].pk}).status_code == 404
    quality = reverse("sellercenter:ads_keyword_quality", args=[other_tree["keyword"].pk])
    assert client.get(quality).status_code == 404
    assert other_tree["keyword"].word not in client.get(url, {"by": "keyword"}).text


def test_another_shops_ids_are_404_in_the_api(shop, login_client, other_tree):
    client = login_client(shop.owner)
    assert client.get("/api/seller/ads/reports", {"plan_id": other_tree["plan"].pk}).status_code == 404
    assert client.get("/api/seller/ads/reports", {"group_id": other_tree["group"].pk}).status_code == 404
    terms = client.get("/api/seller/ads/search-terms", {"keyword_id": other_tree["keyword"].pk})
    assert terms.status_code == 404
    quality = client.get(f"/api/seller/ads/keywords/{other_tree['keyword'].pk}/quality")
    assert quality.status_code == 404 and "关键词不存在" in quality.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"days": "5"},
        {"days": "abc"},
        {"by": "minute"},
        {"plan": "abc"},
        {"group": "-1"},
        {"plan": "9" * 30},
        {"plan": "²"},  # str.isdigit() is true for it, int() refuses it
        {"group": "١٢"},  # Arabic-Indic digits: int() would read 12
    ],
)
def test_bad_filters_are_a_400_with_the_reason(shop, login_client, params):
    client = login_client(shop.owner)
    for name in ("sellercenter:ads_reports", "sellercenter:ads_reports_export"):
        response = client.get(reverse(name), params)
        assert response.status_code == 400


@pytest.mark.parametrize(
    "params", [{"days": "0"}, {"days": "91"}, {"by": "minute"}, {"plan_id": "x"}, {"group_id": "0"}]
)
def test_bad_api_filters_are_refused(shop, login_client, params):
    client = login_client(shop.owner)
    response = client.get("/api/seller/ads/reports", params)
    assert response.status_code in (400, 422)


def test_a_buyer_gets_no_report(buyer, login_client):
    client = login_client(buyer)
    assert client.get("/api/seller/ads/reports").status_code in (401, 403)
    assert client.get(reverse("sellercenter:ads_reports")).status_code in (302, 403)


def test_the_dimension_choices_read_in_english(shop, login_client):
    client = login_client(shop.owner)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("sellercenter:ads_reports"), {"by": "placement"})
    assert page.status_code == 200 and "By placement" in page.text and "按广告位" not in page.text
