"""The cart: add, change, select and remove lines, with the quantity and availability checks of pricing."""

import pytest

from wanshang.catalog.services import product_set_status
from wanshang.checkout.selectors import cart_count, cart_items, cart_priced
from wanshang.checkout.services import cart_add, cart_remove, cart_select, cart_set_quantity
from wanshang.common.errors import ValidationError

pytestmark = pytest.mark.django_db


def _quantities(user):
    return {i.sku_id: i.quantity for i in cart_items(user=user)}


def test_cart_add_puts_a_line_in_the_cart(buyer, shop, make_product):
    # given a product on sale
    sku = make_product(shop).skus.get()

    # when the buyer adds two
    item = cart_add(user=buyer, sku_id=sku.pk, quantity=2)

    # then the cart holds one selected line of two
    assert (item.sku_id, item.quantity, item.selected) == (sku.pk, 2, True)
    assert cart_count(user=buyer) == 1


def test_cart_add_of_the_same_sku_adds_to_the_line_and_selects_it_again(buyer, shop, make_product):
    # given a line of two, unselected
    sku = make_product(shop).skus.get()
    cart_add(user=buyer, sku_id=sku.pk, quantity=2)
    cart_select(user=buyer, sku_ids=[sku.pk], selected=False)

    # when three more are added (the id as text, as a form sends it)
    cart_add(user=buyer, sku_id=str(sku.pk), quantity="3")

    # then the one line has five and is selected
    (item,) = cart_items(user=buyer)
    assert (item.quantity, item.selected) == (5, True)


def test_cart_add_refuses_more_than_in_stock_counting_what_is_already_in_the_cart(buyer, shop, make_product):
    # given 5 in stock and 4 in the cart
    sku = make_product(shop, stock=5).skus.get()
    cart_add(user=buyer, sku_id=sku.pk, quantity=4)

    # when 2 more are added
    with pytest.raises(ValidationError) as exc:
        cart_add(user=buyer, sku_id=sku.pk, quantity=2)

    # then it is refused with what is left, and the line keeps 4
    assert exc.value.message == "库存不足，仅剩 5 件" and exc.value.field == "sku_id"
    assert _quantities(buyer) == {sku.pk: 4}


def test_cart_add_refuses_a_sold_out_sku(buyer, shop, make_product):
    sku = make_product(shop, stock=0).skus.get()
    with pytest.raises(ValidationError, match="已售罄"):
        cart_add(user=buyer, sku_id=sku.pk)
    assert cart_items(user=buyer) == []


def test_cart_add_refuses_an_off_shelf_product_and_a_suspended_shop(buyer, shop, make_shop, make_product):
    # given a product taken off the shelf, and a product of a suspended shop
    from wanshang.merchants.services import shop_suspend

    off = make_product(shop)
    product_set_status(staff=shop.owner_staff, product_ids=[off.pk], status="off_shelf")
    closed_shop = make_shop()
    closed = make_product(closed_shop)
    shop_suspend(shop_id=closed_shop.pk, reason="资质到期")

    # when the buyer adds either, then each is refused with its reason
    with pytest.raises(ValidationError, match="商品已下架"):
        cart_add(user=buyer, sku_id=off.skus.get().pk)
    with pytest.raises(ValidationError, match="店铺已暂停营业"):
        cart_add(user=buyer, sku_id=closed.skus.get().pk)
    assert cart_items(user=buyer) == []


def test_cart_add_refuses_an_unknown_sku(buyer, db):
    for sku_id in (987654, "abc"):
        with pytest.raises(ValidationError):
            cart_add(user=buyer, sku_id=sku_id)
    assert cart_items(user=buyer) == []


@pytest.mark.parametrize(
    "quantity, message",
    [
        (0, "至少为 1"),
        (-2, "至少为 1"),
        ("两件", "须为整数"),
        (True, "须为整数"),
        (None, "须为整数"),
        (10000, "最多购买 9999 件"),
    ],
)
def test_cart_add_refuses_a_bad_quantity(buyer, shop, make_product, quantity, message):
    sku = make_product(shop).skus.get()
    with pytest.raises(ValidationError, match=message) as exc:
        cart_add(user=buyer, sku_id=sku.pk, quantity=quantity)
    assert exc.value.field == "quantity"
    assert cart_items(user=buyer) == []


def test_cart_add_takes_a_wholesale_sku_below_its_minimum_and_pricing_flags_it(buyer, shop, make_product):
    # given a wholesale product sold from 10 pieces
    sku = make_product(shop, stock=100, is_wholesale=True, min_order_qty=10).skus.get()

    # when the buyer adds 3 (they may add more later)
    cart_add(user=buyer, sku_id=sku.pk, quantity=3)

    # then the line is in the cart, flagged with the minimum until it reaches it
    (line,) = cart_priced(user=buyer).lines
    assert not line.ok and line.problem == "批发商品 10 件起批"
    cart_add(user=buyer, sku_id=sku.pk, quantity=7)
    (line,) = cart_priced(user=buyer).lines
    assert line.ok and line.quantity == 10


@pytest.mark.parametrize("stock, quantity, message", [(0, 1, "已售罄"), (5, 8, "库存不足，仅剩 5 件")])
def test_cart_add_refuses_a_wholesale_sku_below_its_minimum_that_is_also_out_of_stock(
    buyer, shop, make_product, stock, quantity, message
):
    # given a wholesale product sold from 10 pieces, with fewer in stock than the buyer adds
    sku = make_product(shop, stock=stock, is_wholesale=True, min_order_qty=10).skus.get()

    # when the buyer adds them, then the stock is checked like for any product (not only the minimum)
    with pytest.raises(ValidationError) as exc:
        cart_add(user=buyer, sku_id=sku.pk, quantity=quantity)
    assert exc.value.message == message and exc.value.field == "sku_id"
    assert cart_items(user=buyer) == []


def test_cart_keeps_at_most_the_line_limit(buyer, shop, make_product, monkeypatch):
    # given a cart limit of two lines (lowered to keep the test small) and a full cart
    from wanshang.checkout import services

    monkeypatch.setattr(services, "MAX_CART_LINES", 2)
    a, b, c = (make_product(shop).skus.get() for _ in range(3))
    cart_add(user=buyer, sku_id=a.pk)
    cart_add(user=buyer, sku_id=b.pk)

    # when a third SKU is added, it is refused; adding to a line already there still works
    with pytest.raises(ValidationError, match="最多 2 种"):
        cart_add(user=buyer, sku_id=c.pk)
    cart_add(user=buyer, sku_id=a.pk)
    assert _quantities(buyer) == {a.pk: 2, b.pk: 1}


def test_cart_set_quantity_changes_a_line(buyer, shop, make_product):
    sku = make_product(shop).skus.get()
    cart_add(user=buyer, sku_id=sku.pk, quantity=2)

    cart_set_quantity(user=buyer, sku_id=sku.pk, quantity=7)

    assert _quantities(buyer) == {sku.pk: 7}


def test_cart_set_quantity_refuses_a_bad_quantity_and_a_line_not_in_the_cart(buyer, shop, make_product):
    # given a line of two and a SKU not in the cart
    sku, absent = make_product(shop).skus.get(), make_product(shop).skus.get()
    cart_add(user=buyer, sku_id=sku.pk, quantity=2)

    # then a bad quantity and the absent line are refused; the cart is unchanged
    for quantity in (0, 10000, "x"):
        with pytest.raises(ValidationError):
            cart_set_quantity(user=buyer, sku_id=sku.pk, quantity=quantity)
    with pytest.raises(ValidationError, match="没有这个商品"):
        cart_set_quantity(user=buyer, sku_id=absent.pk, quantity=1)
    assert _quantities(buyer) == {sku.pk: 2}


def test_cart_set_quantity_above_stock_is_kept_and_flagged_by_pricing(buyer, shop, make_product):
    # given 3 in stock and a line of 1
    sku = make_product(shop, stock=3).skus.get()
    cart_add(user=buyer, sku_id=sku.pk)

    # when the buyer types 5
    cart_set_quantity(user=buyer, sku_id=sku.pk, quantity=5)

    # then the cart keeps 5 and shows why it cannot be bought
    (line,) = cart_priced(user=buyer).lines
    assert line.quantity == 5 and not line.ok and line.problem == "库存不足，仅剩 3 件"


def test_cart_remove_takes_out_only_the_named_lines_of_this_buyer(buyer, make_user, shop, make_product):
    # given two lines in this buyer's cart and one of them in another buyer's
    a, b = make_product(shop).skus.get(), make_product(shop).skus.get()
    other = make_user()
    for sku in (a, b):
        cart_add(user=buyer, sku_id=sku.pk)
    cart_add(user=other, sku_id=a.pk)

    # when this buyer removes a (and an id not in the cart)
    removed = cart_remove(user=buyer, sku_ids=[a.pk, 987654])

    # then one line went, from this cart only
    assert removed == 1
    assert _quantities(buyer) == {b.pk: 1} and _quantities(other) == {a.pk: 1}


def test_cart_priced_flags_invalid_lines_and_can_keep_only_selected_ones(buyer, shop, make_product):
    # given a buyable line, an unselected one, and one whose product went off the shelf
    ok, unselected, gone = (make_product(shop, prices=(3000,)) for _ in range(3))
    for product in (ok, unselected, gone):
        cart_add(user=buyer, sku_id=product.skus.get().pk)
    cart_select(user=buyer, sku_ids=[unselected.skus.get().pk], selected=False)
    product_set_status(staff=shop.owner_staff, product_ids=[gone.pk], status="off_shelf")

    # when priced for the cart page, and for checkout (selected only)
    page = cart_priced(user=buyer)
    chosen = cart_priced(user=buyer, selected_only=True)

    # then the page shows all three, the gone one flagged and outside the total; checkout sees the two selected
    assert {line.product.pk: (line.ok, line.selected) for line in page.lines} == {
        ok.pk: (True, True),
        unselected.pk: (True, False),
        gone.pk: (False, True),
    }
    assert page.goods_fen == 6000
    assert {line.product.pk for line in chosen.lines} == {ok.pk, gone.pk}
    assert chosen.goods_fen == 3000


def test_cart_count_is_zero_for_a_visitor(db):
    from django.contrib.auth.models import AnonymousUser

    assert cart_count(user=AnonymousUser()) == 0
