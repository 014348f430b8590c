"""The pipeline's plug-in steps (what promotions hook into) and how a discount is spread over lines."""

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wanshang.pricing.engine import (
    Adjustment,
    PricedLine,
    ShopGroup,
    apply_discount,
    apply_group_discount,
    price_items,
    summarise,
)
from wanshang.pricing.tests.conftest import BEIJING


def _line(price_fen, quantity=1, sku_id=1):
    return PricedLine(
        sku=SimpleNamespace(pk=sku_id),
        product=None,
        quantity=quantity,
        unit_price_fen=price_fen,
        list_price_fen=price_fen,
    )


# --- registered steps -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_registered_steps_run_item_then_shop_then_platform_each_by_its_order(
    buyer, shop, make_product, own_steps
):
    # given steps registered out of order
    sku = make_product(shop).skus.get()
    ran = []
    for stage, order, name in [
        ("platform", 1, "p"),
        ("shop", 20, "s20"),
        ("item", 50, "i50"),
        ("shop", 5, "s5"),
        ("item", 10, "i10b"),
        ("item", 10, "i10a"),
    ]:
        own_steps(stage=stage, order=order, name=name)(lambda cart, now, name=name: ran.append(name))

    # when a cart is priced
    price_items(buyer=buyer, items=[(sku.pk, 1)])

    # then they ran stage by stage, by order within a stage, by name on a tie, once each
    assert ran == ["i10a", "i10b", "i50", "s5", "s20", "p"]


def test_a_step_of_an_unknown_stage_is_refused(own_steps):
    with pytest.raises(ValueError):
        own_steps(stage="freight")


@pytest.mark.django_db
def test_steps_get_the_pricing_time_and_registration_returns_the_function(
    buyer, shop, make_product, own_steps
):
    from django.utils import timezone

    sku = make_product(shop).skus.get()
    seen = []

    def step(cart, now):
        seen.append(now)

    assert own_steps(stage="item")(step) is step
    at = timezone.now() - timezone.timedelta(days=1)
    price_items(buyer=buyer, items=[(sku.pk, 1)], now=at)
    assert seen == [at]


@pytest.mark.django_db
def test_item_steps_run_before_the_stock_check_and_later_steps_after_it(buyer, shop, make_product, own_steps):
    # given 2 in stock, an item step that brings 3 units set aside (as a flash sale does), and a shop step
    sku = make_product(shop, stock=2).skus.get()
    seen_by_shop_step = []

    @own_steps(stage="item")
    def set_aside(cart, now):
        for line in cart.valid_lines:
            line.available += 3

    @own_steps(stage="shop")
    def look(cart, now):
        seen_by_shop_step.extend((line.quantity, line.ok) for line in cart.lines)

    # when 5 and then 6 are priced
    five = price_items(buyer=buyer, items=[(sku.pk, 5)])
    six = price_items(buyer=buyer, items=[(sku.pk, 6)])

    # then 5 fit with the units set aside, 6 do not; the shop step saw the outcome of the stock check
    assert five.lines[0].ok and not six.lines[0].ok and six.lines[0].problem == "库存不足，仅剩 5 件"
    assert seen_by_shop_step == [(5, True), (6, False)]


@pytest.mark.django_db
def test_a_shop_discount_is_spread_over_the_lines_and_freight_follows_the_discounted_amount(
    buyer, shop, make_product, own_steps
):
    # given ¥60 + ¥40 from one shop (free shipping from ¥99) and a shop step taking ¥10 off the group
    a = make_product(shop, prices=(6000,)).skus.get()
    b = make_product(shop, prices=(4000,)).skus.get()

    @own_steps(stage="shop")
    def ten_off(cart, now):
        for group in cart.groups:
            apply_group_discount(
                group, Adjustment(code="test:1", label="立减10元", amount_fen=1000, stage="shop")
            )

    # when priced to Beijing
    cart = price_items(buyer=buyer, items=[(a.pk, 1), (b.pk, 1)], district_code=BEIJING)

    # then the lines share the ¥10 by their amounts, the group lists the discount once, and at ¥90 the shop
    # no longer ships free (¥10 the first piece, ¥5 the second)
    (group,) = cart.groups
    assert [line.discount_fen for line in group.lines] == [600, 400]
    assert [(adj.code, adj.amount_fen) for adj in group.adjustments] == [("test:1", 1000)]
    assert [(adj.label, adj.amount_fen) for adj in group.breakdown] == [("立减10元", 1000)]
    assert (cart.goods_fen, cart.discount_fen, cart.freight_fen) == (10000, 1000, 1500)
    assert cart.payable_fen == 10000 - 1000 + 1500


@pytest.mark.django_db
def test_an_item_step_lowering_the_unit_price_counts_as_an_item_discount(
    buyer, shop, make_product, own_steps
):
    # given a ¥50 SKU and an item step selling it at ¥45 (a member price, say)
    sku = make_product(shop, prices=(5000,)).skus.get()

    @own_steps(stage="item")
    def member_price(cart, now):
        for line in cart.valid_lines:
            line.unit_price_fen = 4500

    # when 2 are priced to Beijing
    cart = price_items(buyer=buyer, items=[(sku.pk, 2)], district_code=BEIJING)

    # then the line keeps its list price, the saving is an item discount (not an order discount), and the goods
    # amount is at the lowered price, under the ¥99 free-shipping threshold
    (line,) = cart.lines
    assert (line.list_price_fen, line.unit_price_fen, line.item_discount_fen) == (5000, 4500, 1000)
    assert (cart.goods_fen, cart.discount_fen, cart.item_discount_fen) == (9000, 0, 1000)
    assert cart.freight_fen == 1500


@pytest.mark.django_db
def test_a_step_that_finds_nothing_to_discount_adds_no_adjustment(buyer, shop, make_product, own_steps):
    # given a sold-out line only, and a shop step offering ¥10 off
    sku = make_product(shop, stock=0).skus.get()

    @own_steps(stage="shop")
    def ten_off(cart, now):
        for group in cart.groups:
            apply_group_discount(
                group, Adjustment(code="test:1", label="立减10元", amount_fen=1000, stage="shop")
            )

    cart = price_items(buyer=buyer, items=[(sku.pk, 1)])

    assert cart.groups[0].adjustments == [] and cart.discount_fen == 0


# --- allocate, through apply_discount ---------------------------------------------------------------------------


def test_apply_discount_splits_by_what_each_line_still_costs_and_the_parts_sum_to_the_whole():
    # given lines of ¥100, ¥50 and ¥50, the first already ¥50 off
    lines = [_line(10000), _line(5000), _line(5000)]
    lines[0].discount_fen = 5000

    # when ¥10 is spread, then by payable 50:50:50 with the odd fen to the first
    applied = apply_discount(lines, Adjustment("c", "券", 1000, "shop"))
    assert applied == 1000
    assert [line.discount_fen - d for line, d in zip(lines, [5000, 0, 0], strict=True)] == [334, 333, 333]


def test_apply_discount_never_makes_the_lines_free_and_skips_lines_already_free():
    # given a ¥5.00 line, a ¥0.01 line and a line already fully discounted
    lines = [_line(500), _line(1), _line(300)]
    lines[2].discount_fen = 300

    # when ¥100 off is offered
    adjustment = Adjustment("c", "券", 10000, "shop")
    applied = apply_discount(lines, adjustment)

    # then it is capped at one fen short of what they cost; the free line gets nothing
    assert applied == adjustment.amount_fen == 500
    assert sum(line.payable_fen for line in lines) == 1
    assert lines[2].adjustments == []


def test_apply_discount_of_nothing_or_on_nothing_applies_nothing():
    assert apply_discount([_line(100)], Adjustment("c", "券", 0, "shop")) == 0
    assert apply_discount([_line(1)], Adjustment("c", "券", 50, "shop")) == 0
    assert apply_discount([], Adjustment("c", "券", 50, "shop")) == 0


def test_apply_discount_records_the_platforms_share():
    lines = [_line(7000), _line(3000)]
    apply_discount(lines, Adjustment("pc", "平台券", 1000, "platform"), platform_bps=5000)
    assert [line.platform_fen for line in lines] == [350, 150]
    assert [line.discount_fen for line in lines] == [700, 300]


@given(
    payables=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=8),
    amount=st.integers(min_value=0, max_value=10**8),
    platform_bps=st.integers(min_value=0, max_value=10000),
)
def test_apply_discount_parts_always_sum_to_the_amount_applied(payables, amount, platform_bps):
    lines = [_line(p, sku_id=i) for i, p in enumerate(payables)]
    before = sum(payables)

    applied = apply_discount(lines, Adjustment("c", "券", amount, "shop"), platform_bps=platform_bps)

    assert applied == max(0, min(amount, before - 1))
    assert sum(line.discount_fen for line in lines) == applied
    assert all(line.payable_fen >= 0 for line in lines)
    assert sum(line.platform_fen for line in lines) == applied * platform_bps // 10000
    assert all(0 <= line.platform_fen <= line.discount_fen for line in lines)


def test_summarise_adds_up_each_promotion_over_the_lines():
    group = ShopGroup(shop=None, lines=[_line(6000, sku_id=1), _line(4000, sku_id=2)])
    apply_group_discount(group, Adjustment("full:1", "满100减10", 1000, "shop"))
    apply_discount(group.lines, Adjustment("pc:2", "平台券", 500, "platform"), platform_bps=10000)

    assert [(a.code, a.amount_fen, a.platform_fen) for a in summarise(group.lines)] == [
        ("full:1", 1000, 0),
        ("pc:2", 500, 500),
    ]
