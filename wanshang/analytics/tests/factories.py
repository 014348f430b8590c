"""Hand-made event sets for the 数据中心 tests: rows written directly, so expected figures can be computed
independently in plain Python from the same list."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from wanshang.analytics.models import Event
from wanshang.analytics.rollup import rollup_pending

DAY1 = date(2026, 11, 2)
DAY2 = date(2026, 11, 3)


def local(day, hour=10, minute=0):
    """An aware datetime at a local (Asia/Shanghai) wall-clock time of `day`."""
    tz = timezone.get_current_timezone()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def add(events: list, **fields) -> Event:
    event = Event(**fields)
    events.append(event)
    return event


def save(events: list) -> list[Event]:
    Event.objects.bulk_create(events)
    return events


def minutes(ts, n):
    return ts + timedelta(minutes=n)


def expected(events, *, shop_id=None, days=None):
    """The definitions of docs/data-center.md, in plain Python over the event list."""
    mine = [
        e
        for e in events
        if (shop_id is None or e.shop_id == shop_id)
        and (days is None or timezone.localtime(e.ts).date() in days)
    ]
    pv = [e for e in mine if e.kind == "pv" and e.visitor]
    per_visitor: dict[str, int] = {}
    for e in pv:
        per_visitor[e.visitor] = per_visitor.get(e.visitor, 0) + 1
    uv = len(per_visitor)
    paid = [e for e in mine if e.kind == "paid"]
    buyers = {e.user_id for e in paid}
    return {
        "uv": uv,
        "pv": len(pv),
        "bounced": sum(1 for n in per_visitor.values() if n == 1),
        "stay_ms": sum(e.duration_ms for e in mine if e.kind == "stay"),
        "product_visitors": len({e.visitor for e in pv if e.page_type == "product"}),
        "cart_visitors": len({e.visitor for e in mine if e.kind == "cart"}),
        "fav_visitors": len({e.visitor for e in mine if e.kind == "fav"}),
        "paid_buyers": len(buyers),
        "paid_fen": sum(e.amount_fen for e in paid),
        "paid_orders": len(paid),
        "ordered_buyers": len({e.user_id for e in mine if e.kind == "order"}),
        "refund_fen": sum(e.amount_fen for e in mine if e.kind == "refund"),
    }


def small_market_events(a, b, day1=DAY1, day2=DAY2) -> list[Event]:
    """Two shops over two days. Visitor v1 comes both days (deduplicated in the 2-day UV), v2 bounces,
    v3 buys twice in shop A, v4 only looks at shop B, an API visitor u9 buys without a page view."""
    ev: list = []
    t = local(day1, 9)
    add(ev, ts=t, kind="pv", visitor="v1", page_type="home", source="direct")
    add(
        ev,
        ts=local(day1, 9, 1),
        kind="pv",
        visitor="v1",
        shop=a,
        product_id=11,
        page_type="product",
        source="search",
    )
    add(ev, ts=local(day1, 9, 2), kind="stay", visitor="v1", shop=a, product_id=11, duration_ms=30000)
    add(ev, ts=local(day1, 9, 3), kind="pv", visitor="v1", shop=a, page_type="shop", source="recommend")
    add(ev, ts=local(day1, 9, 4), kind="cart", visitor="v1", user_id=101, shop=a, product_id=11, quantity=1)
    add(
        ev,
        ts=local(day1, 23, 59),
        kind="pv",
        visitor="v2",
        shop=a,
        product_id=12,
        page_type="product",
        source="external",
        ref_host="weibo.com",
    )
    add(
        ev,
        ts=local(day1, 12),
        kind="pv",
        visitor="v3",
        user_id=103,
        shop=a,
        product_id=11,
        page_type="product",
        source="search",
    )
    add(ev, ts=local(day1, 12, 1), kind="fav", visitor="v3", user_id=103, shop=a, product_id=11)
    add(
        ev,
        ts=local(day1, 12, 2),
        kind="order",
        visitor="v3",
        user_id=103,
        shop=a,
        order_id=1,
        amount_fen=10800,
    )
    add(
        ev,
        ts=local(day1, 12, 3),
        kind="paid",
        visitor="v3",
        user_id=103,
        shop=a,
        order_id=1,
        amount_fen=10800,
    )
    add(
        ev,
        ts=local(day2, 0, 0),
        kind="pv",
        visitor="v1",
        user_id=101,
        shop=a,
        product_id=12,
        page_type="product",
        source="cart",
    )
    add(
        ev,
        ts=local(day2, 8),
        kind="pv",
        visitor="v3",
        user_id=103,
        shop=a,
        product_id=12,
        page_type="product",
        source="direct",
    )
    add(
        ev, ts=local(day2, 8, 5), kind="order", visitor="v3", user_id=103, shop=a, order_id=2, amount_fen=5000
    )
    add(ev, ts=local(day2, 8, 6), kind="paid", visitor="v3", user_id=103, shop=a, order_id=2, amount_fen=5000)
    add(ev, ts=local(day2, 9), kind="refund", visitor="v3", user_id=103, shop=a, order_id=2, amount_fen=2000)
    add(
        ev,
        ts=local(day2, 10),
        kind="pv",
        visitor="v4",
        shop=b,
        product_id=21,
        page_type="product",
        source="home",
    )
    add(ev, ts=local(day2, 10, 1), kind="pv", visitor="v4", shop=b, page_type="shop", source="recommend")
    add(ev, ts=local(day2, 11), kind="order", visitor="u9", user_id=109, shop=b, order_id=3, amount_fen=999)
    add(ev, ts=local(day2, 11, 1), kind="paid", visitor="u9", user_id=109, shop=b, order_id=3, amount_fen=999)
    save(ev)
    rollup_pending()
    return ev
