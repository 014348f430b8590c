"""推广报表 over the hourly rollup, through the pages and the API: by hour and placement, custom periods, spend
net of invalid-click refunds, the Excel's hour sheet; shop A never sees shop B's rows; bad dates and ranges are
a 400 (page) or 400/422 (API) and change nothing."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wanshang.ads import services
from wanshang.ads.tests.spooling import ads_ingested, click_settled
from wanshang.search.selectors import query_words

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.fixture
def traffic(make_shop, make_product, django_capture_on_commit_callbacks):
    """traffic(name, word, bid, searches, clicks) → (shop, plan): a funded active plan whose ad was shown on
    `searches` search pages (each its own visitor) and clicked from the first `clicks` of them."""
    from wanshang.payments.services import sandbox_pay

    def make(name, word, bid, searches, clicks):
        shop = make_shop()
        topup = services.topup_create(shop=shop, user=shop.owner, amount_fen=50_000)
        assert sandbox_pay(buyer=shop.owner, payment_no=topup.payment_no) == "applied"
        with django_capture_on_commit_callbacks(execute=True):
            plan = services.plan_create(
                shop=shop,
                data=services.PlanInput(
                    name=name,
                    daily_budget_fen=20_000,
                    start_date=timezone.localdate(),
                    end_date=timezone.localdate() + timedelta(days=5),
                ),
            )
            product = make_product(shop, title=f"{name}{word}")
            group = services.group_create(
                shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=bid
            )
            services.keywords_add(shop=shop, group_id=group.pk, rows=[services.KeywordInput(word=word)])
            services.plan_set_status(shop=shop, plan_id=plan.pk, status="active")
        for i in range(searches):
            visitor = f"{name}-{i}".ljust(32, "x")
            served = services.search_ads_serve(
                words=query_words(word), query=word, page=1, per_page=40, visitor=visitor, terminal="pc"
            )
            ads_ingested()
            mine = [ad for ad in served if ad.plan_id == plan.pk]
            assert len(mine) == 1
            if i < clicks:
                outcome = click_settled(
                    token=mine[0].token, visitor=visitor, user_id=None, user_agent=BROWSER, terminal="pc"
                )
                assert outcome.status == "charged"
        return shop, plan

    return make


def _api_total(client, **params):
    response = client.get("/api/seller/ads/reports", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_reports_by_hour_and_placement_from_the_rollup_with_refunds(traffic, login_client):
    shop, plan = traffic("甲店计划", "羊毛围巾", 150, searches=4, clicks=2)
    client = login_client(shop.owner)
    live = _api_total(client, by="hour", days=1)
    assert len(live["rows"]) == 24
    assert (live["total"]["impressions"], live["total"]["clicks"]) == (4, 2)
    spent = live["total"]["spend_fen"]
    assert spent > 0
    # the platform refunds one click as invalid; the job rolls the hour up once it is over
    ledger = client.get("/api/seller/ads/ledger", {"kind": "charge"})
    charge_ref = ledger.json()["items"][0]["reference"] if ledger.status_code == 200 else None
    assert charge_ref and charge_ref.startswith("adclick:")
    refund = services.invalid_click_refund(charge_ref=charge_ref, reason="机器流量")
    services.rollup_run(now=timezone.now() + timedelta(hours=2))
    after = _api_total(client, by="hour", days=1)
    assert after["total"]["refunded_fen"] == refund.amount_fen
    assert after["total"]["spend_fen"] == spent - refund.amount_fen
    assert after["total"]["clicks"] == 1
    hour = timezone.localtime().hour
    assert after["rows"][hour]["impressions"] == 4 and after["rows"][hour]["key"] == str(hour)
    by_place = _api_total(client, by="placement", days=1)
    assert [(r["key"], r["impressions"]) for r in by_place["rows"]] == [("search", 4)]
    assert _api_total(client, by="day", days=1, placement="home")["total"]["impressions"] == 0

    page = client.get(reverse("sellercenter:ads_reports"), {"by": "hour", "days": "7"})
    assert page.status_code == 200
    assert len(page.context["table"].rows) == 24 and "ads-hour-chart" in page.text
    assert "花费已扣除无效点击退款" in page.text
    assert page.context["daily"].total.spend_fen == spent - refund.amount_fen
    today = timezone.localdate().isoformat()
    custom = client.get(
        reverse("sellercenter:ads_reports"), {"start": today, "end": today, "by": "placement"}
    )
    assert custom.status_code == 200 and custom.context["table"].total.impressions == 4

    export = client.get(reverse("sellercenter:ads_reports_export"), {"by": "day", "days": "7"})
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["推广报表", "分时报表", "搜索词"]
    hours = list(book["分时报表"].iter_rows(values_only=True))
    assert len(hours) == 1 + 24 + 1 and hours[-1][1] == 4  # header, 24 hours, the total


def test_shop_a_never_sees_shop_bs_rows(traffic, login_client):
    shop_a, plan_a = traffic("甲店计划", "真丝睡衣", 120, searches=2, clicks=1)
    shop_b, plan_b = traffic("乙店计划", "纯棉浴巾", 130, searches=5, clicks=3)
    services.rollup_run(now=timezone.now() + timedelta(hours=2))
    client = login_client(shop_a.owner)
    for by in ("day", "hour", "plan", "group", "keyword", "placement"):
        data = _api_total(client, by=by, days=7)
        assert (data["total"]["impressions"], data["total"]["clicks"]) == (2, 1), by
        if by == "plan":
            assert [r["key"] for r in data["rows"]] == [str(plan_a.pk)]
        page = client.get(reverse("sellercenter:ads_reports"), {"by": by, "days": "7"})
        assert page.status_code == 200
        assert page.context["table"].total.impressions == 2
        assert "乙店计划" not in page.text and "纯棉浴巾" not in page.text
    assert client.get("/api/seller/ads/reports", {"plan_id": plan_b.pk}).status_code == 404
    assert (
        client.get(reverse("sellercenter:ads_reports"), {"plan": plan_b.pk, "by": "hour"}).status_code == 404
    )
    terms = client.get("/api/seller/ads/search-terms", {"days": 7}).json()
    assert {t["query"] for t in terms["items"]} == {"真丝睡衣"}


def _bad_periods():
    today = timezone.localdate()
    return [
        {"start": "2026-13-01", "end": "2026-12-01"},
        {"start": "yesterday", "end": today.isoformat()},
        {"start": "20261201", "end": today.isoformat()},
        {"start": today.isoformat()},  # no end
        {"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()},  # reversed
        {"start": today.isoformat(), "end": (today + timedelta(days=1)).isoformat()},  # the future
        {"start": (today - timedelta(days=90)).isoformat(), "end": today.isoformat()},  # 91 days
        {"by": "minute"},
        {"placement": "moon"},
    ]


def test_bad_dates_and_ranges_are_a_400_on_the_pages(traffic, login_client):
    shop, _plan = traffic("甲店计划", "羊毛围巾", 150, searches=1, clicks=0)
    client = login_client(shop.owner)
    for params in _bad_periods():
        for name in ("sellercenter:ads_reports", "sellercenter:ads_reports_export"):
            response = client.get(reverse(name), params)
            assert response.status_code == 400, (name, params)


def test_bad_dates_and_ranges_are_refused_by_the_api(shop_owner_client):
    client = shop_owner_client
    for params in _bad_periods():
        response = client.get("/api/seller/ads/reports", params)
        assert response.status_code in (400, 422), params
        assert "detail" in response.json()
    response = client.get("/api/seller/ads/search-terms", {"start": "2026-01-05", "end": "2026-01-01"})
    assert response.status_code == 400


@pytest.fixture
def shop_owner_client(make_shop, login_client):
    return login_client(make_shop().owner)
