"""数据中心 pages and API for a shop: the figures shown equal an independent count of the raw events,
the shop sees only its own data, and roles without data.view are refused."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.analytics.tests.factories import add, expected, local, save, small_market_events
from wanshang.insights.tests.factories import make_alert
from wanshang.merchants.services import staff_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(make_shop):
    a, b = make_shop(), make_shop()
    today = timezone.localdate()
    ev = small_market_events(a, b, today - timedelta(days=2), today - timedelta(days=1))
    return a, b, ev


def _value(html: str, key: str) -> str:
    match = re.search(rf'data-testid="value-{key}">([^<]*)<', html)
    assert match, key
    return match.group(1)


def test_seven_day_overview_shows_the_figures_of_the_raw_events(market, login_client):
    a, _b, ev = market
    today = timezone.localdate()
    want = expected(ev, shop_id=a.pk, days={today - timedelta(days=2), today - timedelta(days=1)})
    html = login_client(a.owner).get("/seller/data/?period=7d").content.decode()
    assert _value(html, "uv") == str(want["uv"])
    assert _value(html, "pv") == str(want["pv"])
    assert _value(html, "paid_buyers") == str(want["paid_buyers"])
    assert _value(html, "paid_fen") == "¥158.00"
    assert _value(html, "per_buyer_fen") == "¥158.00"
    assert _value(html, "pay_conversion") == f"{want['paid_buyers'] / want['uv'] * 100:.2f}%"
    assert _value(html, "bounce_rate") == f"{want['bounced'] / want['uv'] * 100:.2f}%"
    assert "只浏览了一个页面" in html  # the page says which 跳失率 definition it uses
    assert "同行平均" in html and "少于 3 家" in html


def test_today_is_counted_live_from_the_events(market, login_client):
    a, _b, _ev = market
    now = timezone.now()
    more = []
    for i in range(3):
        add(
            more,
            ts=now - timedelta(minutes=i + 1),
            kind="pv",
            visitor=f"t{i}",
            shop=a,
            page_type="shop",
            source="direct",
        )
    add(
        more,
        ts=now - timedelta(minutes=1),
        kind="paid",
        visitor="t0",
        user_id=900,
        shop=a,
        order_id=9,
        amount_fen=1234,
    )
    save(more)
    html = login_client(a.owner).get("/seller/data/").content.decode()
    assert _value(html, "uv") == "3"
    assert _value(html, "paid_fen") == "¥12.34"


def test_traffic_page_lists_funnel_and_sources(market, login_client):
    a, _b, _ev = market
    html = login_client(a.owner).get("/seller/data/traffic/?period=7d").content.decode()
    assert 'data-source="search"' in html and 'data-source="external"' in html
    assert 'data-echarts="funnel-chart"' in html and 'id="funnel-chart"' in html


def test_api_overview_matches_the_page(market, login_client):
    a, _b, ev = market
    today = timezone.localdate()
    want = expected(ev, shop_id=a.pk, days={today - timedelta(days=2), today - timedelta(days=1)})
    body = login_client(a.owner).get("/api/seller/data/overview?period=7d").json()
    values = {m["key"]: m["value"] for m in body["metrics"]}
    assert values["uv"] == want["uv"] and values["paid_fen"] == want["paid_fen"]
    assert values["paid_orders"] == want["paid_orders"] and values["refund_fen"] == want["refund_fen"]
    assert [s["count"] for s in body["funnel"]][0] == want["uv"]
    assert body["period"]["key"] == "7d" and body["category_peers"] == 0
    assert len(body["trend"]) == 7


def test_api_rejects_an_unknown_period(market, login_client):
    a, _b, _ev = market
    response = login_client(a.owner).get("/api/seller/data/overview?period=year")
    assert response.status_code == 422
    assert "period" in response.json()["detail"]


def test_shop_sees_only_its_own_events(market, login_client):
    _a, b, ev = market
    today = timezone.localdate()
    want = expected(ev, shop_id=b.pk, days={today - timedelta(days=2), today - timedelta(days=1)})
    body = login_client(b.owner).get("/api/seller/data/overview?period=7d").json()
    values = {m["key"]: m["value"] for m in body["metrics"]}
    assert values["uv"] == want["uv"] == 1 and values["paid_fen"] == 999


def test_role_without_data_view_is_refused(market, make_user, client):
    a, _b, _ev = market
    clerk = make_user()
    staff_add(shop=a, login=clerk.phone or clerk.email, role="service")
    client.force_login(clerk)
    assert client.get("/seller/data/").status_code == 403
    assert client.get("/api/seller/data/overview").status_code == 403


def test_products_page_ranks_by_paid_amount_and_flags_high_intent(make_shop, make_product, login_client):
    shop = make_shop()
    products = [make_product(shop) for _ in range(4)]
    day = timezone.localdate() - timedelta(days=1)
    ev: list = []
    # 20 visitors each; carts 10/2/2/2; buyers 1/5/3/2 → product 0 has the top cart rate and the lowest conversion
    for p, (carts, buyers) in zip(products, [(10, 1), (2, 5), (2, 3), (2, 2)], strict=True):
        for v in range(20):
            visitor = f"p{p.pk}v{v}"
            add(
                ev,
                ts=local(day, 10, v),
                kind="pv",
                visitor=visitor,
                shop=shop,
                product_id=p.pk,
                page_type="product",
                source="search",
            )
            if v < carts:
                add(
                    ev,
                    ts=local(day, 11, v),
                    kind="cart",
                    visitor=visitor,
                    shop=shop,
                    product_id=p.pk,
                    quantity=1,
                )
            if v < buyers:
                add(
                    ev,
                    ts=local(day, 12, v),
                    kind="item_paid",
                    visitor=visitor,
                    user_id=5000 + v,
                    shop=shop,
                    product_id=p.pk,
                    quantity=1,
                    amount_fen=1000,
                )
    save(ev)
    from wanshang.analytics.rollup import rollup_pending

    rollup_pending()
    body = login_client(shop.owner).get("/api/seller/data/products?period=7d").json()
    rows = {r["product_id"]: r for r in body["products"]}
    assert [r["product_id"] for r in body["products"]] == [products[i].pk for i in (1, 2, 3, 0)]
    assert rows[products[0].pk]["uv"] == 20 and rows[products[0].pk]["cart_rate"] == pytest.approx(0.5)
    assert (
        rows[products[1].pk]["conversion"] == pytest.approx(0.25) and rows[products[1].pk]["paid_fen"] == 5000
    )
    assert [pid for pid, r in rows.items() if r["flag"]] == [products[0].pk]
    html = login_client(shop.owner).get("/seller/data/products/?period=7d").content.decode()
    assert html.count('data-testid="flag"') == 1


def test_competition_needs_three_peers_and_shows_only_pooled_figures(make_shop, make_category, login_client):
    category = make_category()
    shops = [make_shop(category=category) for _ in range(5)]
    day = timezone.localdate() - timedelta(days=1)
    ev: list = []
    for i, shop in enumerate(shops):
        for v in range(10):
            add(
                ev,
                ts=local(day, 9, v),
                kind="pv",
                visitor=f"s{i}v{v}",
                shop=shop,
                page_type="shop",
                source="search" if v < 5 + i else "direct",
                user_id=7000 + 100 * i + v,
            )
        for v in range(i + 1):
            add(
                ev,
                ts=local(day, 10, v),
                kind="paid",
                visitor=f"s{i}v{v}",
                user_id=7000 + 100 * i + v,
                shop=shop,
                order_id=100 * i + v,
                amount_fen=1000,
            )
    save(ev)
    from wanshang.analytics.rollup import rollup_pending

    rollup_pending()
    me = shops[0]
    body = login_client(me.owner).get("/api/seller/data/competition?period=7d").json()
    assert body["top_n"] == 4
    # the four others pooled: 40 visitors; 'free' (search) 6+7+8+9 = 30 of 40 visitor-entries; buyers 2+3+4+5 = 14
    mix = {r["code"]: r for r in body["source_mix"]}
    assert mix["free"]["top"] == pytest.approx(30 / 40)
    assert mix["free"]["mine"] == pytest.approx(5 / 10)
    assert body["top"]["conversion"] == pytest.approx(14 / 40)
    assert body["mine"]["conversion"] == pytest.approx(1 / 10)
    html = login_client(me.owner).get("/seller/data/competition/?period=7d").content.decode()
    for other in shops[1:]:
        assert other.name not in html


def test_platform_sees_the_marketplace(market, operator, client):
    _a, _b, ev = market
    today = timezone.localdate()
    want = expected(ev, days={today - timedelta(days=2), today - timedelta(days=1)})
    client.force_login(operator)
    body = client.get("/api/platform/data/overview?period=7d").json()
    values = {m["key"]: m["value"] for m in body["metrics"]}
    assert values["uv"] == want["uv"] and values["paid_fen"] == want["paid_fen"]
    html = client.get("/platform/data/?period=7d").content.decode()
    assert _value(html, "uv") == str(want["uv"])
    shops = client.get("/api/platform/data/shops?period=7d").json()["items"]
    assert [s["paid_fen"] for s in shops] == sorted((s["paid_fen"] for s in shops), reverse=True)


def test_non_operator_cannot_read_platform_figures(market, buyer, client):
    client.force_login(buyer)
    assert client.get("/api/platform/data/overview").status_code == 403
    assert client.get("/platform/data/").status_code == 403


def test_payment_gap_alert_shows_on_the_overview(market, login_client):
    a, b, _ev = market
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    make_alert(
        shop=a,
        kind="payment_gap",
        hour=hour,
        observed=0,
        expected=12.0,
        detail="支付订单 0 笔，同期通常约 12 笔",
    )
    html = login_client(a.owner).get("/seller/data/").content.decode()
    assert 'data-testid="alerts"' in html and "通常约 12 笔" in html
    assert 'data-testid="alerts-unread">1<' in html
    other = login_client(b.owner).get("/seller/data/").content.decode()
    assert "通常约 12 笔" not in other


def test_category_average_shows_with_three_peers(make_shop, make_category, login_client):
    category = make_category()
    shops = [make_shop(category=category) for _ in range(4)]
    day = timezone.localdate() - timedelta(days=1)
    ev: list = []
    for i, shop in enumerate(shops):  # shop i has 2 + i visitors
        for v in range(2 + i):
            add(
                ev,
                ts=local(day, 9, v),
                kind="pv",
                visitor=f"c{i}v{v}",
                shop=shop,
                page_type="shop",
                source="direct",
            )
    save(ev)
    from wanshang.analytics.rollup import rollup_pending

    rollup_pending()
    html = login_client(shops[0].owner).get("/seller/data/?period=7d").content.decode()
    assert 'data-testid="avg-uv">4<' in html  # (3 + 4 + 5) / 3 peers
    assert "3 家店铺各自指标的平均值" in html
