"""The whole path through the web: a seller's plan with a keyword (seller pages) → a buyer searches → the ad in
its slot labelled 广告 → the click charged at the GSP price ≤ the bid → the order paid → attributed → the
seller's report (page, Excel, API) shows it."""

import io
import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wanshang.ads.models import AdClick, AdConversion, AdLedgerEntry
from wanshang.ads.tests.spooling import ads_ingested

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"


def _plan_post(**changes):
    today = timezone.localdate()
    return {
        "name": "连衣裙推广",
        "daily_budget": "50",
        "total_budget": "",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=10)).isoformat(),
        "pacing": "standard",
        "on_pc": "on",
        "on_mobile": "on",
        "hours": "",
        "regions": "",
        **changes,
    }


def test_seller_plan_to_buyer_click_to_attributed_order_to_report(
    client, make_shop, make_product, make_user, make_address, fund, django_capture_on_commit_callbacks
):
    from wanshang.ads import selectors

    shop = make_shop()
    fund(shop, 10_000)
    product = make_product(shop, title="夏季碎花连衣裙 雪纺", prices=(15900,))
    make_product(shop, title="碎花连衣裙 长款")  # an organic result beside the ad
    # the seller builds the plan in the seller center
    client.force_login(shop.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sellercenter:ads_plan_create"), _plan_post())
        assert response.status_code == 302
        [plan] = list(selectors.plan_list(shop=shop))
        client.post(
            reverse("sellercenter:ads_group_create", args=[plan.pk]),
            {"product_id": product.pk, "default_bid": "1.20"},
        )
        [group] = list(selectors.group_list(shop=shop, plan_id=plan.pk))
        client.post(
            reverse("sellercenter:ads_keywords_add", args=[group.pk]),
            {"lines": "连衣裙,1.50,广泛", "match_type": "broad"},
        )
        client.post(reverse("sellercenter:ads_plan_status", args=[plan.pk]), {"status": "active"})
    [keyword] = list(selectors.keyword_list(shop=shop, group_id=group.pk))
    assert keyword.bid_fen == 150

    # a buyer searches: the ad is the first card, labelled 广告, linking through the click URL
    buyer = make_user()
    client.force_login(buyer)
    page = client.get(reverse("storefront:search"), {"q": "连衣裙"}, HTTP_USER_AGENT=BROWSER)
    assert page.status_code == 200
    html = page.text
    grid = html[html.index("data-search-results") :]
    first_card = grid[grid.index("<a class=") :][:1500]
    assert 'class="goods-card ad-card"' in first_card and "广告" in first_card
    assert f'data-ad="{group.pk}"' in first_card
    href = unescape(re.search(r'href="([^"]+)"', first_card).group(1))
    assert href.startswith(reverse("storefront:ad_click"))

    # the click: charged at the GSP price (alone: the reserve ÷ QS), never above the 1.50 bid
    response = client.get(href, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    location = response["Location"]  # the product page, with the signed marker of a 直通车 landing
    assert location.startswith(f"{reverse('storefront:product', args=[product.pk])}?ad=ads_kw%3A")
    ads_ingested()  # the ads.ingest job records and charges it
    charge = AdLedgerEntry.objects.get(kind="charge")
    click = AdClick.objects.get()
    assert click.status == "charged" and click.user_id == buyer.pk and click.query == "连衣裙"
    assert 1 <= -charge.amount_fen == click.charged_fen <= 150
    # the same link again is not charged
    assert client.get(href, HTTP_USER_AGENT=BROWSER).status_code == 302
    ads_ingested()
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1

    # the buyer pays an order of the product: attributed to the click
    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    address = make_address(buyer)
    sku = product.skus.filter(is_active=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        payment = checkout_submit(
            user=buyer,
            items=[(sku.pk, 2)],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )
        assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
    conversion = AdConversion.objects.get()
    assert (conversion.keyword_id, conversion.quantity) == (keyword.pk, 2)
    gmv = conversion.amount_fen
    assert gmv > 0

    # the seller's report shows it: page, search terms, quality, Excel and API
    client.force_login(shop.owner)
    report = client.get(reverse("sellercenter:ads_reports"), {"by": "keyword", "days": "7"})
    assert report.status_code == 200
    row = report.context["table"].rows[0]
    assert (row.key, row.impressions, row.clicks, row.orders, row.gmv_fen) == (keyword.pk, 1, 1, 1, gmv)
    assert row.spend_fen == click.charged_fen and row.roas == gmv / click.charged_fen
    assert "投产比" in report.text and "ads-daily-chart" in report.text
    [term] = report.context["terms"]
    assert term.extra["query"] == "连衣裙" and term.clicks == 1
    quality = client.get(reverse("sellercenter:ads_keyword_quality", args=[keyword.pk]))
    assert quality.status_code == 200 and "相关性" in quality.text
    export = client.get(reverse("sellercenter:ads_reports_export"), {"by": "keyword"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content))["推广报表"]
    assert sheet["A2"].value == "连衣裙" and sheet["G2"].value == 1
    api = client.get("/api/seller/ads/reports", {"by": "day"})
    assert api.status_code == 200
    assert api.json()["total"]["gmv_fen"] == gmv and api.json()["total"]["clicks"] == 1
    terms = client.get("/api/seller/ads/search-terms").json()
    assert terms["items"][0]["query"] == "连衣裙"
    q = client.get(f"/api/seller/ads/keywords/{keyword.pk}/quality").json()
    assert 1 <= q["score"] <= 10 and {c["code"] for c in q["components"]} == {
        "ctr",
        "relevance",
        "experience",
    }


def test_the_search_api_returns_the_ads_marked_apart(client, live_ad):
    _shop, _plan, group, _kws = live_ad(words=("连衣裙",))
    body = client.get("/api/store/search", {"q": "连衣裙"}).json()
    [ad] = body["ads"]
    assert ad["is_ad"] is True and ad["label"] == "广告" and ad["position"] == 1
    assert ad["product"]["id"] == group.product_id
    assert ad["click_url"].startswith(reverse("storefront:ad_click"))


def test_a_forged_click_link_is_a_400_and_records_nothing(client):
    response = client.get(reverse("storefront:ad_click"), {"t": "forged:token"}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 400
    assert "广告链接无效" in response.text
    assert client.get(reverse("storefront:ad_click"), HTTP_USER_AGENT=BROWSER).status_code == 400
    assert not AdClick.objects.exists()
