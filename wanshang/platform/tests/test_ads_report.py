"""The platform's 推广中心 report (page and API): ad revenue by day net of invalid-click refunds, the top
advertisers, the invalid-click rate; the settings form still works on the same page; bad periods are a 400/422;
operators only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wanshang.ads import selectors, services
from wanshang.ads.tests.spooling import click_settled
from wanshang.search.selectors import query_words

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.fixture
def traffic(make_shop, make_product, django_capture_on_commit_callbacks):
    """traffic(name, word, bid, clicks, bots=0) → shop: an active ad clicked `clicks` times by browsers and
    `bots` times by a robot (each click from its own search page and visitor)."""
    from wanshang.payments.services import sandbox_pay

    def make(name, word, bid, clicks, bots=0):
        shop = make_shop(name=name)
        topup = services.topup_create(shop=shop, user=shop.owner, amount_fen=50_000)
        assert sandbox_pay(buyer=shop.owner, payment_no=topup.payment_no) == "applied"
        with django_capture_on_commit_callbacks(execute=True):
            plan = services.plan_create(
                shop=shop,
                data=services.PlanInput(
                    name=f"{word}计划",
                    daily_budget_fen=20_000,
                    start_date=timezone.localdate(),
                    end_date=timezone.localdate() + timedelta(days=5),
                ),
            )
            product = make_product(shop, title=f"优选{word}")
            group = services.group_create(
                shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=bid
            )
            services.keywords_add(shop=shop, group_id=group.pk, rows=[services.KeywordInput(word=word)])
            services.plan_set_status(shop=shop, plan_id=plan.pk, status="active")
        for i in range(clicks + bots):
            visitor = f"{word}-{i}".ljust(32, "x")
            served = services.search_ads_serve(
                words=query_words(word), query=word, page=1, per_page=40, visitor=visitor, terminal="pc"
            )
            [ad] = [ad for ad in served if ad.plan_id == plan.pk]
            agent = BROWSER if i < clicks else "Baiduspider/2.0"
            click_settled(token=ad.token, visitor=visitor, user_id=None, user_agent=agent, terminal="pc")
        return shop

    return make


def test_revenue_top_advertisers_and_invalid_click_rate(traffic, op_client):
    big = traffic("大店", "蓝牙耳机", 200, clicks=3, bots=1)
    small = traffic("小店", "手机支架", 100, clicks=1)
    charge = selectors.ledger_list(shop=big, kind="charge").first()
    refund = services.invalid_click_refund(charge_ref=charge.reference, reason="异常点击")
    services.rollup_run(now=timezone.now() + timedelta(hours=2))

    api = op_client.get("/api/platform/ads/report", {"days": 7})
    assert api.status_code == 200
    data = api.json()
    gross = sum(-e.amount_fen for s in (big, small) for e in selectors.ledger_list(shop=s, kind="charge"))
    assert data["total"]["gross_fen"] == gross
    assert data["total"]["refunded_fen"] == refund.amount_fen
    assert data["total"]["revenue_fen"] == gross - refund.amount_fen
    assert (data["total"]["invalid_clicks"], data["total"]["all_clicks"]) == (1, 5)
    assert data["total"]["invalid_rate"] == pytest.approx(0.2)
    today = data["days"][-1]
    assert (
        today["day"] == timezone.localdate().isoformat() and today["revenue_fen"] == gross - refund.amount_fen
    )
    assert [s["shop_id"] for s in data["shops"]] == [big.pk, small.pk]
    assert data["shops"][0]["shop_name"] == big.name and data["advertisers"] == 2
    assert (
        op_client.get("/api/platform/ads/report", {"days": 7, "top": 1}).json()["shops"][0]["shop_id"]
        == big.pk
    )

    page = op_client.get(reverse("platform:ads"), {"days": "7"})
    assert page.status_code == 200
    assert page.context["report"].total.revenue_fen == gross - refund.amount_fen
    assert "ads-revenue-chart" in page.text and "无效点击率" in page.text and "20.00%" in page.text
    assert big.name in page.text and small.name in page.text
    assert "推广设置" in page.text and 'name="reserve_price_fen"' in page.text  # the settings are still here


def test_settings_still_save_from_the_report_page(op_client):
    data = {
        "reserve_price_fen": "0.30",
        "max_bid_fen": "50",
        "slot_positions": "1,6",
        "click_dedup_minutes": "30",
        "attribution_days": "15",
        "max_keywords_per_group": "200",
        "min_topup_fen": "10",
        "max_topup_fen": "10000",
        "trust_words": "官方,正品",
    }
    assert op_client.post(reverse("platform:ads"), data).status_code == 302
    assert selectors.ad_settings().slot_positions == [1, 6]
    assert selectors.ad_settings().reserve_price_fen == 30


@pytest.mark.parametrize(
    "params",
    [
        {"days": "5"},
        {"days": "x"},
        {"start": "2026-02-30", "end": "2026-03-01"},
        {"start": "2026-03-01"},
        {"start": "2026-03-05", "end": "2026-03-01"},
        {"start": "2020-01-01", "end": "2020-01-02"},
    ],
)
def test_bad_periods_are_a_400_page(op_client, params):
    assert op_client.get(reverse("platform:ads"), params).status_code == 400


def test_bad_periods_are_refused_by_the_api(op_client):
    today = timezone.localdate()
    for params in (
        {"days": 0},
        {"days": 91},
        {"start": "2026-02-30", "end": "2026-03-01"},
        {"start": today.isoformat(), "end": (today + timedelta(days=1)).isoformat()},
        {"start": (today - timedelta(days=100)).isoformat(), "end": today.isoformat()},
        {"top": 0},
    ):
        assert op_client.get("/api/platform/ads/report", params).status_code in (400, 422), params


def test_the_report_needs_a_platform_login(client, make_shop, login_client):
    page = client.get(reverse("platform:ads"))
    assert page.status_code == 302 and "login" in page["Location"]
    assert client.get("/api/platform/ads/report").status_code in (401, 403)
    seller = login_client(make_shop().owner)
    assert seller.get(reverse("platform:ads")).status_code == 403
    assert seller.get("/api/platform/ads/report").status_code in (401, 403)
