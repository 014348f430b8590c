"""The funnel counts the same people through the steps, so no step is larger than the one before."""

import pytest

from wanshang.analytics.rollup import day_bounds, rollup_pending
from wanshang.analytics.tests.factories import DAY1, add, local, save
from wanshang.insights.funnel import funnel, funnel_counts
from wanshang.insights.metrics import Period

pytestmark = [pytest.mark.django_db, pytest.mark.sql]


@pytest.fixture
def shop_events(make_shop):
    shop, other = make_shop(), make_shop()
    ev: list = []

    def pv(visitor, page_type="product", minute=0, s=shop):
        add(
            ev,
            ts=local(DAY1, 10, minute),
            kind="pv",
            visitor=visitor,
            shop=s,
            page_type=page_type,
            product_id=7 if page_type == "product" else None,
            source="search",
        )

    def money(kind, visitor, order_id, user_id, s=shop):
        add(
            ev,
            ts=local(DAY1, 11, order_id),
            kind=kind,
            visitor=visitor,
            user_id=user_id,
            shop=s,
            order_id=order_id,
            amount_fen=1000,
        )

    pv("a")
    add(ev, ts=local(DAY1, 10, 1), kind="cart", visitor="a", shop=shop, product_id=7, quantity=1)
    money("order", "a", 1, 101)
    money("paid", "a", 1, 101)
    pv("b")  # 立即购买: ordered without the cart, not paid
    money("order", "b", 2, 102)
    pv("c", page_type="shop")  # only the shop page
    pv("d")
    add(ev, ts=local(DAY1, 10, 2), kind="cart", visitor="d", shop=shop, product_id=7, quantity=1)
    pv("e", page_type="shop")  # ordered from the shop page, paid
    money("order", "e", 3, 105)
    money("paid", "e", 3, 105)
    money("order", "u9", 4, 109)  # through the API with no page view: not in the funnel
    money("paid", "u9", 4, 109)
    pv("f", s=other)  # another shop's visitor
    money("order", "f", 5, 106, s=other)
    save(ev)
    rollup_pending()
    return shop


def test_each_step_counts_visitors_who_got_at_least_that_far(shop_events):
    period = Period("7d", "", DAY1, DAY1)
    assert funnel_counts(shop_events, period) == {"visit": 5, "product": 4, "cart": 4, "order": 3, "pay": 2}


def test_live_and_rolled_up_funnels_agree(shop_events):
    rolled = funnel_counts(shop_events, Period("7d", "", DAY1, DAY1))
    live = funnel_counts(shop_events, Period("today", "", DAY1, DAY1, live_end=day_bounds(DAY1)[1]))
    assert live == rolled


def test_steps_never_grow_and_drop_off_is_the_complement(shop_events):
    steps = funnel(shop_events, Period("7d", "", DAY1, DAY1))
    counts = [s["count"] for s in steps]
    assert counts == sorted(counts, reverse=True)
    assert steps[3]["of_previous"] == pytest.approx(3 / 4) and steps[3]["drop_off"] == pytest.approx(1 / 4)
    assert steps[4]["of_visitors"] == pytest.approx(2 / 5)
