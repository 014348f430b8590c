"""The marketplace simulator on a small marketplace: two shops with a few products each and one buyer (the
simulator registers the rest). The end of the window is fixed, so every run of the suite sees the same days."""

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from wanshang.demo.simulator import Incident, SimOptions, incident_parse, market_simulate

pytestmark = pytest.mark.slow  # simulates days of a marketplace; make test-fast skips it

END = datetime(2026, 3, 6, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Friday night
START = END - timedelta(days=2)
TITLES = {
    "apparel": [
        "青禾 纯棉 短袖T恤 透气",
        "青禾 宽松 连帽卫衣 加厚",
        "青禾 直筒 牛仔裤 显瘦",
        "青禾 纯棉 睡衣套装 柔软",
    ],
    "digital": [
        "澜芯 快充 充电器 65W",
        "澜芯 降噪 蓝牙耳机 长续航",
        "澜芯 磁吸 手机壳 防摔",
        "澜芯 快充 数据线 编织",
    ],
}


def _quiet(line):
    pass


@pytest.fixture
def market(make_shop, make_product, make_category, buyer, make_address):
    make_address(buyer, is_default=True)
    apparel = make_shop(name="Qinghe Test")
    digital = make_shop(name="Lanxin Test", category=make_category(("数码", "手机配件", "充电器")))
    for shop, titles in ((apparel, TITLES["apparel"]), (digital, TITLES["digital"])):
        for title in titles:
            make_product(shop, title=title, prices=(5900, 8900), stock=400)
    return {"apparel": apparel, "digital": digital, "buyer": buyer}


def _run(*, visitors=150, seed=7, incidents=()):
    return market_simulate(
        options=SimOptions(days=2, seed=seed, visitors_per_day=visitors, end=END, incidents=incidents),
        log=_quiet,
    )


def _local_hour(ts) -> int:
    return ts.astimezone(END.tzinfo).hour


@pytest.mark.django_db(transaction=True)
def test_two_days_leave_page_cart_order_and_paid_events_at_simulated_times_by_the_daily_rhythm(market):
    from wanshang.analytics.models import Event
    from wanshang.orders.models import Order

    report = _run(
        visitors=400
    )  # enough visits that some checkouts happen whatever ids the database hands out

    events = list(Event.objects.all())
    kinds = Counter(e.kind for e in events)
    assert kinds["pv"] == report.page_views > 0
    assert kinds["stay"] == report.stays > 0
    assert kinds["cart"] == report.carts > 0
    assert kinds["order"] == report.orders > 0
    assert kinds["paid"] == report.paid_orders > 0
    assert all(START <= e.ts <= END for e in events)  # simulated time, not the time the test ran
    # carts are recorded after their commit: still the visit's clock and cookie, not the buyer's stand-in
    assert all(len(e.visitor) == 32 and e.session for e in events if e.kind in ("cart", "pv", "order"))
    by_hour = Counter(_local_hour(e.ts) for e in events if e.kind == "pv")
    assert by_hour[20] + by_hour[21] > 5 * (by_hour[3] + by_hour[4] + 1)
    assert by_hour[12] > by_hour[4]
    # each order's 下单 event is at the order's (back-dated) creation
    placed = {e.order_id: e.ts for e in events if e.kind == "order"}
    for order in Order.objects.all():
        assert START <= order.created_at <= END
        assert placed[order.pk] == order.created_at
    sources = Counter(e.source for e in events if e.kind == "pv")
    assert {"direct", "search", "external"} <= set(sources)
    assert all(e.query for e in events if e.kind == "pv" and e.page_type == "search")
    assert {e.terminal for e in events if e.kind == "pv"} == {"pc", "h5"}


def _snapshot(report) -> dict:
    from wanshang.analytics.models import Event
    from wanshang.orders.models import Order

    logins = {}

    def who(user_id):
        from wanshang.accounts.models import User

        if user_id not in logins:
            logins[user_id] = User.objects.filter(pk=user_id).values_list("username", flat=True).first()
        return logins[user_id]

    return {
        "report": (
            report.visits,
            report.page_views,
            report.stays,
            report.carts,
            report.orders,
            report.placed_fen,
            report.paid_orders,
            report.paid_fen,
            report.expired,
            report.refunds,
            report.refunded_fen,
        ),
        "events": sorted(
            (
                e.kind,
                e.ts,
                e.visitor,
                who(e.user_id),
                e.shop_id,
                e.product_id,
                e.page_type,
                e.source,
                e.query,
                e.terminal,
                e.amount_fen,
                e.quantity,
                e.duration_ms,
            )
            for e in Event.objects.all()
        ),
        "orders": sorted(
            (who(o.buyer_id), o.shop_id, o.status, o.total_fen, o.created_at, o.paid_at, o.no)
            for o in Order.objects.all()
        ),
    }


def test_the_same_seed_gives_the_same_events_orders_and_amounts(market, settings, tmp_path):
    runs = []
    for n in range(2):
        # each run on the same starting database, with a spool folder of its own (a rolled-back cursor would
        # otherwise read the first run's lines again)
        settings.WANSHANG = {**settings.WANSHANG, "ANALYTICS_SPOOL_DIR": str(tmp_path / f"run{n}")}
        with transaction.atomic():
            report = _run(visitors=100, seed=11)
            runs.append(_snapshot(report))
            transaction.set_rollback(True)
    first, second = runs
    assert first["report"][4] > 0 and first["events"]
    assert first == second
    assert _snapshot_of_seed(12, tmp_path, settings)["report"] != first["report"]


def _snapshot_of_seed(seed, tmp_path, settings):
    settings.WANSHANG = {**settings.WANSHANG, "ANALYTICS_SPOOL_DIR": str(tmp_path / f"seed{seed}")}
    with transaction.atomic():
        snapshot = _snapshot(_run(visitors=100, seed=seed))
        transaction.set_rollback(True)
    return snapshot


def test_an_incident_leaves_the_shop_with_placed_but_no_paid_orders_in_its_window(market):
    from wanshang.analytics.models import Event
    from wanshang.orders.models import Order

    shop = market["apparel"]
    incident = Incident(shop_slug=shop.slug, day=date(2026, 3, 5), hour=8, hours=14)
    start, end = incident.window()

    report = _run(visitors=500, incidents=(incident,))

    in_window = Order.objects.filter(shop=shop, created_at__gte=start, created_at__lt=end)
    assert in_window.exists()
    assert not in_window.filter(paid_at__isnull=False).exists()
    assert not Event.objects.filter(shop=shop, kind="paid", ts__gte=start, ts__lt=end).exists()
    for order in in_window:  # the order timeout cancelled them, at the simulated deadline
        assert order.status == "cancelled"
        assert order.pay_deadline <= order.cancelled_at <= order.pay_deadline + timedelta(seconds=30)
    [tally] = report.incidents
    assert (tally.placed, tally.paid) == (in_window.count(), 0)
    # outside the window the shop is paid as usual, and the other shop's payments never broke
    assert (
        Order.objects.filter(shop=shop, paid_at__isnull=False)
        .exclude(paid_at__gte=start, paid_at__lt=end)
        .exists()
    )
    assert Order.objects.filter(shop=market["digital"], paid_at__isnull=False).exists()


def test_every_paid_event_matches_a_paid_order_and_its_lines(market):
    """An independent check of the money events against the orders, payments and refunds themselves."""
    from wanshang.aftersales.models import Refund
    from wanshang.analytics.models import Event
    from wanshang.orders.models import Order
    from wanshang.payments.models import Payment

    report = _run(visitors=300, seed=3)

    paid = list(Event.objects.filter(kind="paid"))
    assert len(paid) == report.paid_orders > 0
    assert sum(e.amount_fen for e in paid) == report.paid_fen
    assert sorted(e.order_id for e in paid) == sorted(
        Order.objects.filter(paid_at__isnull=False).values_list("pk", flat=True)
    )
    for event in paid:
        order = Order.objects.get(pk=event.order_id)
        assert (event.amount_fen, event.shop_id, event.user_id, event.ts) == (
            order.total_fen,
            order.shop_id,
            order.buyer_id,
            order.paid_at,
        )
        lines = Event.objects.filter(kind="item_paid", order_id=order.pk)
        assert sum(e.amount_fen for e in lines) == sum(line.payable_fen for line in order.lines.all())
        assert all(e.ts == order.paid_at for e in lines)
    for payment in Payment.objects.filter(status="paid"):
        assert payment.amount_fen == sum(o.total_fen for o in payment.orders.all())
    refunds = list(Event.objects.filter(kind="refund"))
    assert len(refunds) == Refund.objects.filter(status="refunded").count() == report.refunds
    for event in refunds:
        refund = Refund.objects.get(order_id=event.order_id, status="refunded")
        assert (event.amount_fen, event.ts) == (refund.amount_fen, refund.refunded_at)
        assert refund.refunded_at > refund.order.paid_at


def test_incident_text_names_a_shop_a_day_an_hour_and_a_length():
    today = date(2026, 3, 7)
    assert incident_parse("qinghe-apparel:2:18:4", today=today) == Incident(
        "qinghe-apparel", date(2026, 3, 5), 18, 4
    )
    assert incident_parse("lanxin:2026-03-01:0:24", today=today).day == date(2026, 3, 1)
    for bad in (
        "qinghe-apparel:2:18",
        "qinghe-apparel:x:18:4",
        "qinghe-apparel:2:24:4",
        ":2:18:4",
        "qinghe-apparel:2:18:0",
    ):
        with pytest.raises(ValueError):
            incident_parse(bad, today=today)


def test_an_incident_in_an_unknown_shop_is_refused(market):
    with pytest.raises(ValueError):
        _run(visitors=5, incidents=(Incident("no-such-shop", date(2026, 3, 5), 8, 2),))


def test_without_the_sandbox_gateway_nothing_is_simulated(market, settings):
    from wanshang.analytics.models import Event

    settings.WANSHANG = {**settings.WANSHANG, "PAYMENT_GATEWAYS": ["alipay", "wechat"]}
    with pytest.raises(ValueError, match="沙箱"):
        _run(visitors=5)
    assert not Event.objects.exists()
