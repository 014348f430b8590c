"""数据中心 付费流量 from real paid visits, through the web: a buyer clicks a 直通车 ad in the search results, or
opens a promoter's `?aff=` link, and the shop's source report (API and page) counts the landing under 付费流量 /
直通车 or 淘宝客. A URL with a made-up marker or an unknown code counts as what its referrer says."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"


def _sources(shop) -> dict[str, dict]:
    from wanshang.analytics.services import events_ingest

    events_ingest()
    seller = Client()
    seller.force_login(shop.owner)
    body = seller.get("/api/seller/data/overview?period=today").json()
    return {r["code"]: r for r in body["sources"]["level2"]} | {
        f"L1:{g['code']}": g for g in body["sources"]["level1"]
    }


@pytest.fixture
def keyword_ad(shop, make_product, django_capture_on_commit_callbacks):
    """An active, funded 直通车 plan of `shop` promoting a dress on the keyword 连衣裙 (through the services)."""
    from wanshang.ads.services import (
        KeywordInput,
        PlanInput,
        group_create,
        keywords_add,
        plan_create,
        plan_set_status,
        topup_create,
    )
    from wanshang.payments.services import sandbox_pay

    product = make_product(shop, title="夏季碎花连衣裙", prices=(15900,), stock=20)
    make_product(shop, title="碎花连衣裙 长款")  # an organic result beside the ad
    topup = topup_create(shop=shop, user=shop.owner, amount_fen=10_000)
    sandbox_pay(buyer=shop.owner, payment_no=topup.payment_no)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        plan = plan_create(
            shop=shop,
            data=PlanInput(
                name="连衣裙推广",
                daily_budget_fen=5000,
                start_date=today,
                end_date=today + timedelta(days=10),
            ),
        )
        group = group_create(shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=120)
        keywords_add(shop=shop, group_id=group.pk, rows=[KeywordInput(word="连衣裙", match_type="broad")])
        plan_set_status(shop=shop, plan_id=plan.pk, status="active")
    return product


def _ad_href(client) -> str:
    page = client.get(reverse("storefront:search"), {"q": "连衣裙"}, HTTP_USER_AGENT=BROWSER)
    html = page.text
    card = html[html.index('class="goods-card ad-card"') :][:1500]
    return unescape(re.search(r'href="([^"]+)"', card).group(1))


def test_a_click_on_a_keyword_ad_lands_as_paid_traffic_under_zhitongche(shop, keyword_ad):
    buyer = Client()
    href = _ad_href(buyer)
    assert href.startswith(reverse("storefront:ad_click"))
    landing = buyer.get(href, HTTP_USER_AGENT=BROWSER, follow=True)
    assert landing.status_code == 200 and landing.redirect_chain
    rows = _sources(shop)
    assert rows["ads_kw"]["visitors"] == 1 and rows["ads_kw"]["level1"] == "paid"
    assert rows["ads_kw"]["label"] == "直通车"
    assert rows["L1:paid"]["visitors"] == 1
    assert "search" not in rows  # the landing, not the search page, is the shop's entry
    seller = Client()
    seller.force_login(shop.owner)
    page = seller.get("/seller/data/traffic/?period=today").content.decode()
    assert 'data-source="ads_kw"' in page and "直通车" in page


def test_a_made_up_ad_marker_is_not_paid_traffic(shop, keyword_ad):
    visitor = Client()
    url = reverse("storefront:product", args=[keyword_ad.pk])
    assert visitor.get(f"{url}?ad=ads_kw", HTTP_REFERER="https://www.baidu.com/s?wd=x").status_code == 200
    assert visitor.get(f"{url}?ad=1").status_code == 200
    rows = _sources(shop)
    assert "ads_kw" not in rows and "ads" not in rows and rows.get("L1:paid", {}).get("visitors", 0) == 0
    assert rows["external"]["visitors"] == 1


def test_a_promoters_link_lands_as_paid_traffic_under_taobaoke(shop, product, make_user, operator):
    from wanshang.affiliates.selectors import promoter_summary
    from wanshang.affiliates.services import link_create, promoter_apply, promoter_review, shop_rate_set

    shop_rate_set(shop=shop, rate_bps=1000)
    user = make_user()
    promoter = promoter_apply(user=user, name="穿搭小鹿", channels="小红书", audience="女装", contact="x")
    promoter = promoter_review(operator=operator, promoter_id=promoter.pk, approve=True)
    link = link_create(promoter=promoter, product_id=product.pk)
    url = reverse("storefront:product", args=[product.pk])
    # from outside, through the link: 淘宝客 wins over the external referrer
    assert (
        Client().get(f"{url}?aff={link.code}", HTTP_REFERER="https://www.xiaohongshu.com/").status_code == 200
    )
    # an unknown code is shown the page but is not paid traffic (the referrer decides)
    assert Client().get(f"{url}?aff=nosuchcode", HTTP_REFERER="https://weibo.com/").status_code == 200
    rows = _sources(shop)
    assert rows["affiliate"]["visitors"] == 1 and rows["affiliate"]["label"] == "淘宝客"
    assert rows["affiliate"]["level1"] == "paid" and rows["external"]["visitors"] == 1
    assert promoter_summary(promoter=promoter)["clicks"] == 1
