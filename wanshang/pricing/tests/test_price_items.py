"""price_items over hand-made carts: lines, shop groups, quantity and stock checks, freight per shop."""

import pytest

from wanshang.catalog.services import product_set_status
from wanshang.common.errors import ValidationError
from wanshang.pricing.engine import PricingOptions, check_quantity, price_items
from wanshang.pricing.tests.conftest import BEIJING, SHANGHAI

pytestmark = pytest.mark.django_db


def test_a_line_is_priced_at_its_skus_price(buyer, shop, make_product):
    # given a ¥30 SKU with 10 in stock
    sku = make_product(shop, prices=(3000,), stock=10).skus.get()

    # when 3 are priced without a destination
    cart = price_items(buyer=buyer, items=[(sku.pk, 3)])

    # then one valid line of ¥90, no freight, nothing to complain about
    (group,) = cart.groups
    (line,) = group.lines
    assert group.shop.pk == shop.pk
    assert (line.ok, line.unit_price_fen, line.list_price_fen, line.quantity, line.available) == (
        True,
        3000,
        3000,
        3,
        10,
    )
    assert (line.subtotal_fen, line.discount_fen, line.payable_fen) == (9000, 0, 9000)
    assert (cart.goods_fen, cart.discount_fen, cart.freight_fen, cart.payable_fen) == (9000, 0, 0, 9000)
    assert cart.problems == []


def test_the_same_sku_twice_is_one_line_and_shops_keep_the_order_they_came_in(buyer, make_shop, make_product):
    # given SKUs of two shops, B's first in the cart, one of A's listed twice
    a, b = make_shop(), make_shop()
    a1, a2 = make_product(a).skus.get(), make_product(a).skus.get()
    b1 = make_product(b).skus.get()

    # when priced
    cart = price_items(buyer=buyer, items=[(b1.pk, 1), (a1.pk, 1), (a2.pk, 2), (str(a1.pk), 2)])

    # then B's group comes first; A's group has a1 (1 + 2) then a2
    assert [g.shop.pk for g in cart.groups] == [b.pk, a.pk]
    assert [(line.sku_id, line.quantity) for line in cart.groups[1].lines] == [(a1.pk, 3), (a2.pk, 2)]
    assert [line.sku_id for line in cart.lines] == [b1.pk, a1.pk, a2.pk]


# --- quantity and SKU checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity, message",
    [
        (0, "至少为 1"),
        (-1, "至少为 1"),
        ("三", "须为整数"),
        ("1.5", "须为整数"),
        (True, "须为整数"),
        (None, "须为整数"),
        (10000, "9999"),
    ],
)
def test_price_items_refuses_a_bad_quantity(buyer, shop, make_product, quantity, message):
    sku = make_product(shop).skus.get()
    with pytest.raises(ValidationError, match=message) as exc:
        price_items(buyer=buyer, items=[(sku.pk, quantity)])
    assert exc.value.field == "quantity"


def test_the_quantity_limit_applies_to_a_sku_listed_twice(buyer, shop, make_product):
    sku = make_product(shop).skus.get()
    with pytest.raises(ValidationError, match="9999"):
        price_items(buyer=buyer, items=[(sku.pk, 5000), (sku.pk, 5000)])


def test_check_quantity_turns_text_into_a_number():
    assert check_quantity("3") == 3 and check_quantity(9999) == 9999


def test_price_items_refuses_an_unknown_or_malformed_sku(buyer, shop, make_product):
    sku = make_product(shop).skus.get()
    with pytest.raises(ValidationError, match="987654") as exc:
        price_items(buyer=buyer, items=[(sku.pk, 1), (987654, 1)])
    assert exc.value.field == "sku_id"
    for bad in ("abc", None):
        with pytest.raises(ValidationError, match="规格无效"):
            price_items(buyer=buyer, items=[(bad, 1)])


# --- lines that cannot be bought --------------------------------------------------------------------------------


def test_lines_over_stock_or_sold_out_are_flagged_and_left_out_of_the_totals(buyer, shop, make_product):
    # given a ¥30 SKU with 10 in stock, one with 2, one sold out
    ok = make_product(shop, prices=(3000,), stock=10, title="有货").skus.get()
    short = make_product(shop, prices=(3000,), stock=2, title="少货").skus.get()
    gone = make_product(shop, prices=(3000,), stock=0, title="无货").skus.get()

    # when 3 of each are priced
    cart = price_items(buyer=buyer, items=[(ok.pk, 3), (short.pk, 3), (gone.pk, 3)])

    # then two lines are flagged with what the buyer can do, and only the first counts
    by_sku = {line.sku_id: line for line in cart.lines}
    assert (by_sku[short.pk].ok, by_sku[short.pk].problem) == (False, "库存不足，仅剩 2 件")
    assert (by_sku[gone.pk].ok, by_sku[gone.pk].problem) == (False, "已售罄")
    assert [line.sku_id for line in cart.valid_lines] == [ok.pk]
    assert cart.goods_fen == cart.payable_fen == 9000
    assert cart.problems == ["少货：库存不足，仅剩 2 件", "无货：已售罄"]


@pytest.fixture
def product_dropped_sku(shop):
    """A SKU (黑色) the seller dropped from its product's matrix; the product stays on sale with 红色."""
    from wanshang.catalog.services import ProductInput, SkuInput, product_save

    def data(colours):
        return ProductInput(
            title="双色T恤",
            category_id=shop.test_category.pk,
            spec_axes=[{"name": "颜色", "values": colours}],
            skus=[SkuInput(spec_values=[c], price_fen=5000, stock=5) for c in colours],
        )

    product = product_save(staff=shop.owner_staff, data=data(["红色", "黑色"]))
    product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="on_sale")
    product_save(staff=shop.owner_staff, product_id=product.pk, data=data(["红色"]))
    return product.skus.get(spec_key="黑色")


def test_off_shelf_suspended_and_dropped_skus_are_flagged_with_why(
    buyer, shop, make_shop, make_product, product_dropped_sku
):
    # given an off-shelf product, a product of a suspended shop and a SKU dropped from its matrix
    from wanshang.merchants.services import shop_suspend

    off = make_product(shop)
    product_set_status(staff=shop.owner_staff, product_ids=[off.pk], status="off_shelf")
    closed_shop = make_shop()
    closed = make_product(closed_shop).skus.get()
    shop_suspend(shop_id=closed_shop.pk, reason="资质到期")

    cart = price_items(
        buyer=buyer, items=[(off.skus.get().pk, 1), (closed.pk, 1), (product_dropped_sku.pk, 1)]
    )

    assert {line.sku_id: (line.ok, line.problem) for line in cart.lines} == {
        off.skus.get().pk: (False, "商品已下架"),
        closed.pk: (False, "店铺已暂停营业"),
        product_dropped_sku.pk: (False, "该规格已失效"),
    }
    assert cart.valid_lines == [] and cart.payable_fen == 0


def test_a_wholesale_line_below_its_minimum_is_flagged(buyer, shop, make_product):
    sku = make_product(shop, stock=100, is_wholesale=True, min_order_qty=10).skus.get()

    below = price_items(buyer=buyer, items=[(sku.pk, 9)]).lines[0]
    enough = price_items(buyer=buyer, items=[(sku.pk, 10)]).lines[0]

    assert (below.ok, below.problem) == (False, "批发商品 10 件起批")
    assert enough.ok


# --- freight ------------------------------------------------------------------------------------------------


def test_freight_is_charged_per_shop_from_its_template(buyer, make_shop, make_product):
    # given two shops with the default template (¥10 the first piece, ¥5 each further piece, free from ¥99)
    a, b = make_shop(), make_shop()
    a1 = make_product(a, prices=(2000,)).skus.get()
    a2 = make_product(a, prices=(1000,)).skus.get()
    b1 = make_product(b, prices=(3000,)).skus.get()

    # when priced to Beijing: 3 pieces (¥50) from A, 1 piece (¥30) from B
    cart = price_items(buyer=buyer, items=[(a1.pk, 2), (a2.pk, 1), (b1.pk, 1)], district_code=BEIJING)

    # then A pays 10 + 5 + 5, B pays 10, and the total adds them to the goods
    assert [g.freight_fen for g in cart.groups] == [2000, 1000]
    assert (cart.goods_fen, cart.freight_fen, cart.payable_fen) == (8000, 3000, 11000)
    assert [g.total_fen for g in cart.groups] == [7000, 4000]


def test_freight_is_free_from_the_threshold(buyer, shop, make_product):
    sku = make_product(shop, prices=(3300,)).skus.get()

    under = price_items(buyer=buyer, items=[(sku.pk, 2)], district_code=BEIJING)  # ¥66
    at = price_items(buyer=buyer, items=[(sku.pk, 3)], district_code=BEIJING)  # ¥99

    assert (under.freight_fen, at.freight_fen) == (1500, 0)


def test_a_region_rule_overrides_the_templates_prices(buyer, shop, make_product, set_default_freight):
    # given ¥20 + ¥10 for 上海 and the usual ¥10 + ¥5 elsewhere
    set_default_freight(rules=[{"regions": ["310000"], "first_fen": 2000, "additional_fen": 1000}])
    sku = make_product(shop, prices=(1000,)).skus.get()

    shanghai = price_items(buyer=buyer, items=[(sku.pk, 2)], district_code=SHANGHAI)
    beijing = price_items(buyer=buyer, items=[(sku.pk, 2)], district_code=BEIJING)

    assert (shanghai.freight_fen, beijing.freight_fen) == (3000, 1500)


def test_a_product_with_its_own_weight_template_is_charged_apart_from_the_rest(buyer, shop, make_product):
    # given a by-weight template (¥8 the first kg, ¥3 each further started 500 g) on one product
    from wanshang.fulfillment.services import freight_template_save

    heavy_tpl = freight_template_save(
        shop=shop,
        name="按重量",
        mode="weight",
        first_units=1000,
        first_fen=800,
        additional_units=500,
        additional_fen=300,
    )
    heavy = make_product(shop, prices=(2000,), weight_g=700, freight_template_id=heavy_tpl.pk).skus.get()
    light = make_product(shop, prices=(1000,)).skus.get()

    # when 2 heavy (1.4 kg) and 1 light are priced
    cart = price_items(buyer=buyer, items=[(heavy.pk, 2), (light.pk, 1)], district_code=BEIJING)

    # then the shop's freight is 8 + 3 for the heavy ones plus 10 for the light one
    assert cart.freight_fen == 800 + 300 + 1000


def test_a_shop_that_does_not_deliver_there_makes_the_group_a_problem(
    buyer, shop, make_product, set_default_freight
):
    # given a template that excludes 北京
    set_default_freight(excluded_regions=["110000"])
    sku = make_product(shop, prices=(3000,)).skus.get()

    # when priced to Beijing, then the group says so; to Shanghai it ships
    cart = price_items(buyer=buyer, items=[(sku.pk, 1)], district_code=BEIJING)
    assert cart.groups[0].problem == "部分商品不支持配送到该地区"
    assert cart.problems == [f"{shop.name}：部分商品不支持配送到该地区"]
    assert price_items(buyer=buyer, items=[(sku.pk, 1)], district_code=SHANGHAI).problems == []


def test_a_shop_whose_lines_are_all_invalid_pays_no_freight_and_counts_for_nothing(
    buyer, make_shop, make_product
):
    # given one shop's SKU sold out and another's buyable
    a, b = make_shop(), make_shop()
    gone = make_product(a, prices=(3000,), stock=0).skus.get()
    ok = make_product(b, prices=(3000,)).skus.get()

    cart = price_items(buyer=buyer, items=[(gone.pk, 1), (ok.pk, 1)], district_code=BEIJING)

    assert [g.freight_fen for g in cart.groups] == [0, 1000]
    assert cart.payable_fen == 4000


# --- options ------------------------------------------------------------------------------------------------


def test_pricing_options_default_to_the_engine_choosing_and_are_not_shared():
    first, second = PricingOptions(), PricingOptions()
    first.group_buy[1] = 0
    assert (second.coupon_ids, second.use_points, second.group_buy) == (None, False, {})


def test_price_items_keeps_the_buyers_options_on_the_cart(buyer, shop, make_product):
    sku = make_product(shop).skus.get()
    chosen = PricingOptions(coupon_ids=[], use_points=False)

    assert price_items(buyer=buyer, items=[(sku.pk, 1)], options=chosen).options is chosen
    assert price_items(buyer=buyer, items=[(sku.pk, 1)]).options == PricingOptions()
