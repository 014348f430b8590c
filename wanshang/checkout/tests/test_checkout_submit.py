"""checkout_submit: one payment, one order per shop (拆单), made once per Idempotency-Key."""

import uuid

import pytest

from wanshang.catalog.services import product_set_status
from wanshang.checkout.selectors import cart_items, checkout_payment_for_key
from wanshang.checkout.services import cart_add, cart_select, checkout_preview, checkout_submit
from wanshang.common.errors import Conflict, NotFound, OutOfStock, ValidationError
from wanshang.inventory.selectors import available_by_sku

pytestmark = pytest.mark.django_db


def _orders(buyer):
    from wanshang.orders.selectors import buyer_order_list

    return list(buyer_order_list(buyer=buyer))


def _submit(buyer, address, items, key=None, **kw):
    return checkout_submit(
        user=buyer,
        items=items,
        address_id=address.pk if address else None,
        idempotency_key=key or uuid.uuid4().hex,
        **kw,
    )


# --- 拆单: one order per shop -------------------------------------------------------------------------------


def test_checkout_submit_places_one_order_per_shop_under_one_payment(buyer, address, make_shop, make_product):
    # given two SKUs of shop A and one of shop B, each cheaper than the ¥99 free-shipping threshold
    a, b = make_shop(), make_shop()
    a1, a2 = make_product(a, prices=(3000,)).skus.get(), make_product(a, prices=(2000,)).skus.get()
    b1 = make_product(b, prices=(4000,)).skus.get()

    # when the buyer checks out all three
    payment = _submit(buyer, address, [(a1.pk, 1), (b1.pk, 2), (a2.pk, 1)], from_cart=False)

    # then there are two orders, each with its shop's lines and freight (¥10 first piece, ¥5 each more),
    # and the payment is their sum
    orders = {o.shop_id: o for o in payment.orders.all()}
    assert set(orders) == {a.pk, b.pk}
    assert {line.sku_id for line in orders[a.pk].lines.all()} == {a1.pk, a2.pk}
    assert [line.sku_id for line in orders[b.pk].lines.all()] == [b1.pk]
    assert (orders[a.pk].goods_fen, orders[a.pk].freight_fen, orders[a.pk].total_fen) == (5000, 1500, 6500)
    assert (orders[b.pk].goods_fen, orders[b.pk].freight_fen, orders[b.pk].total_fen) == (8000, 1500, 9500)
    assert payment.amount_fen == 6500 + 9500
    assert {o.status for o in orders.values()} == {"pending_payment"}


def test_checkout_submit_reserves_the_stock_it_sold(buyer, address, shop, make_product):
    # given 10 in stock
    sku = make_product(shop, stock=10).skus.get()

    # when 3 are ordered
    _submit(buyer, address, [(sku.pk, 3)], from_cart=False)

    # then 7 are left to sell
    assert available_by_sku(sku_ids=[sku.pk]) == {sku.pk: 7}


def test_checkout_submit_snapshots_the_address_on_the_order(buyer, address, shop, make_product):
    sku = make_product(shop).skus.get()

    payment = _submit(buyer, address, [(sku.pk, 1)], from_cart=False, buyer_note="  请周末送  ")

    (order,) = payment.orders.all()
    assert order.address["receiver"] == "张三" and order.address["district_code"] == "110105"
    assert order.buyer_note == "请周末送"


def test_checkout_submit_from_the_cart_removes_only_the_ordered_lines(buyer, address, shop, make_product):
    # given two lines in the cart, one of them unselected
    ordered, kept = make_product(shop).skus.get(), make_product(shop).skus.get()
    cart_add(user=buyer, sku_id=ordered.pk)
    cart_add(user=buyer, sku_id=kept.pk)
    cart_select(user=buyer, sku_ids=[kept.pk], selected=False)

    # when the selected line is checked out from the cart
    _submit(buyer, address, [(ordered.pk, 1)], from_cart=True)

    # then only the unselected line stays
    assert [i.sku_id for i in cart_items(user=buyer)] == [kept.pk]


def test_checkout_submit_buy_now_leaves_the_cart_alone(buyer, address, shop, make_product):
    sku = make_product(shop).skus.get()
    cart_add(user=buyer, sku_id=sku.pk)

    _submit(buyer, address, [(sku.pk, 1)], from_cart=False)

    assert [i.sku_id for i in cart_items(user=buyer)] == [sku.pk]


# --- Idempotency-Key ----------------------------------------------------------------------------------------


def test_the_same_idempotency_key_returns_the_same_payment_and_orders(buyer, address, shop, make_product):
    # given a checkout placed with a key
    sku = make_product(shop, stock=10).skus.get()
    first = _submit(buyer, address, [(sku.pk, 2)], key="double-click-0001", from_cart=False)
    orders = _orders(buyer)

    # when the same key is submitted again, even with other items
    again = _submit(buyer, address, [(sku.pk, 5)], key="double-click-0001", from_cart=False)

    # then it answers with the first payment; nothing more is ordered or reserved
    assert again.pk == first.pk
    assert _orders(buyer) == orders
    assert available_by_sku(sku_ids=[sku.pk]) == {sku.pk: 8}


def test_a_replayed_cart_checkout_answers_after_the_cart_was_emptied(buyer, address, shop, make_product):
    # given a checkout from the cart that emptied it
    sku = make_product(shop).skus.get()
    cart_add(user=buyer, sku_id=sku.pk)
    first = _submit(buyer, address, [(sku.pk, 1)], key="cart-replay-0001", from_cart=True)
    assert cart_items(user=buyer) == []

    # when the client replays the request (with nothing to order any more)
    again = checkout_submit(user=buyer, items=[], address_id=None, idempotency_key="cart-replay-0001")

    # then it gets the original payment
    assert again.pk == first.pk
    assert checkout_payment_for_key(user=buyer, idempotency_key=" cart-replay-0001 ").pk == first.pk


def test_a_concurrent_duplicate_still_in_flight_conflicts_and_creates_nothing(
    buyer, address, shop, make_product
):
    # given a first submit with this key that has claimed the key but not finished (no payment recorded yet)
    from wanshang.common.models import IdempotencyKey

    sku = make_product(shop).skus.get()
    IdempotencyKey.objects.create(user=buyer, scope="checkout", key="in-flight-0001")

    # when the duplicate arrives
    with pytest.raises(Conflict, match="正在处理中"):
        _submit(buyer, address, [(sku.pk, 1)], key="in-flight-0001", from_cart=False)

    # then it placed nothing
    assert _orders(buyer) == []
    assert available_by_sku(sku_ids=[sku.pk]) == {sku.pk: 10}


def test_an_idempotency_key_is_the_buyers_own(buyer, make_user, make_address, address, shop, make_product):
    # given a key another buyer already used
    sku = make_product(shop).skus.get()
    other = make_user()
    theirs = _submit(other, make_address(other), [(sku.pk, 1)], key="shared-key-0001", from_cart=False)

    # when this buyer uses the same key, then they get an order of their own
    mine = _submit(buyer, address, [(sku.pk, 1)], key="shared-key-0001", from_cart=False)
    assert mine.pk != theirs.pk and mine.buyer_id == buyer.pk
    assert len(_orders(buyer)) == 1


def test_a_refused_checkout_does_not_use_up_its_key(buyer, address, shop, make_product):
    # given a checkout refused because the buyer asked for more than in stock
    sku = make_product(shop, stock=2).skus.get()
    with pytest.raises(OutOfStock):
        _submit(buyer, address, [(sku.pk, 3)], key="retry-after-fix", from_cart=False)

    # when the buyer fixes the quantity and submits with the same key
    payment = _submit(buyer, address, [(sku.pk, 2)], key="retry-after-fix", from_cart=False)

    # then the order is placed
    assert [o.payment_id for o in _orders(buyer)] == [payment.pk]


@pytest.mark.parametrize("key", ["", "   ", "short", "k" * 101, None])
def test_checkout_submit_needs_a_usable_idempotency_key(buyer, address, shop, make_product, key):
    sku = make_product(shop).skus.get()
    with pytest.raises(ValidationError) as exc:
        checkout_submit(user=buyer, items=[(sku.pk, 1)], address_id=address.pk, idempotency_key=key)
    assert exc.value.field == "idempotency_key"
    assert _orders(buyer) == []


# --- what cannot be ordered -----------------------------------------------------------------------------------


def test_checkout_with_an_off_shelf_product_is_refused_whole(buyer, address, shop, make_product):
    # given one product on sale and one taken off the shelf after the buyer saw it
    ok, gone = make_product(shop), make_product(shop, title="下架的裙子")
    product_set_status(staff=shop.owner_staff, product_ids=[gone.pk], status="off_shelf")

    # when both are checked out
    with pytest.raises(ValidationError) as exc:
        _submit(buyer, address, [(ok.skus.get().pk, 1), (gone.skus.get().pk, 1)], from_cart=False)

    # then nothing is ordered and the message names the product and why
    assert "下架的裙子：商品已下架" in exc.value.message and exc.value.field == "items"
    assert _orders(buyer) == []
    assert available_by_sku(sku_ids=[ok.skus.get().pk]) == {ok.skus.get().pk: 10}


def test_checkout_with_a_product_of_a_suspended_shop_is_refused(buyer, address, shop, make_product):
    from wanshang.merchants.services import shop_suspend

    sku = make_product(shop).skus.get()
    shop_suspend(shop_id=shop.pk, reason="资质到期")

    with pytest.raises(ValidationError, match="店铺已暂停营业"):
        _submit(buyer, address, [(sku.pk, 1)], from_cart=False)
    assert _orders(buyer) == []


def test_checkout_of_a_wholesale_sku_below_its_minimum_is_refused(buyer, address, shop, make_product):
    sku = make_product(shop, stock=100, is_wholesale=True, min_order_qty=10).skus.get()

    with pytest.raises(ValidationError, match="10 件起批"):
        _submit(buyer, address, [(sku.pk, 9)], from_cart=False)
    assert _orders(buyer) == []
    assert len(_submit(buyer, address, [(sku.pk, 10)], from_cart=False).orders.all()) == 1


def test_checkout_of_an_unknown_sku_or_no_items_is_refused(buyer, address, db):
    with pytest.raises(ValidationError, match="商品规格不存在"):
        _submit(buyer, address, [(987654, 1)], from_cart=False)
    with pytest.raises(ValidationError, match="请选择要结算的商品"):
        _submit(buyer, address, [], from_cart=False)


def test_checkout_refuses_when_the_price_changed_since_the_buyer_saw_it(buyer, address, shop, make_product):
    # given the buyer saw ¥99 (free shipping) and the seller then lowered the price to ¥95
    from wanshang.catalog.services import sku_price_update

    sku = make_product(shop, prices=(9900,)).skus.get()
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=9500)

    # when the buyer submits expecting ¥99, then refused with the new amount (¥95 + ¥10 freight)
    with pytest.raises(Conflict, match="105.00"):
        _submit(buyer, address, [(sku.pk, 1)], from_cart=False, expected_payable_fen=9900)
    assert _orders(buyer) == []

    # and with the right amount it goes through
    assert (
        _submit(buyer, address, [(sku.pk, 1)], from_cart=False, expected_payable_fen=10500).amount_fen
        == 10500
    )


def test_checkout_requiring_a_promotion_price_is_refused_without_one(buyer, address, shop, make_product):
    sku = make_product(shop).skus.get()
    with pytest.raises(Conflict):
        _submit(buyer, address, [(sku.pk, 1)], from_cart=False, require_item_kind="flash_sale")
    assert _orders(buyer) == []


# --- the address ----------------------------------------------------------------------------------------------


def test_checkout_needs_an_address(buyer, shop, make_product):
    sku = make_product(shop).skus.get()
    for address_id in (None, ""):
        with pytest.raises(ValidationError) as exc:
            checkout_submit(
                user=buyer, items=[(sku.pk, 1)], address_id=address_id, idempotency_key=uuid.uuid4().hex
            )
        assert exc.value.field == "address_id"
    assert _orders(buyer) == []


def test_checkout_to_another_buyers_address_is_not_found(buyer, make_user, make_address, shop, make_product):
    sku = make_product(shop).skus.get()
    theirs = make_address(make_user())

    with pytest.raises(NotFound):
        _submit(buyer, theirs, [(sku.pk, 1)], from_cart=False)
    assert _orders(buyer) == []


def test_checkout_to_a_region_the_shop_does_not_deliver_to_is_refused(buyer, address, shop, make_product):
    # given the shop's default template excludes 北京 (the buyer's address is in 北京朝阳)
    from wanshang.fulfillment.selectors import freight_template_list
    from wanshang.fulfillment.services import freight_template_save

    (tpl,) = freight_template_list(shop=shop)
    freight_template_save(
        shop=shop,
        template_id=tpl.pk,
        name=tpl.name,
        mode=tpl.mode,
        first_units=1,
        first_fen=1000,
        additional_units=1,
        additional_fen=500,
        excluded_regions=["110000"],
        is_default=True,
    )
    sku = make_product(shop).skus.get()

    # when the buyer checks out, then refused naming the shop
    with pytest.raises(ValidationError, match="不支持配送") as exc:
        _submit(buyer, address, [(sku.pk, 1)], from_cart=False)
    assert shop.name in exc.value.message
    assert _orders(buyer) == []


def test_checkout_preview_prices_to_the_default_address(buyer, make_address, shop, make_product):
    # given two addresses, the second the default, and a ¥30 product
    make_address(buyer)
    default = make_address(buyer, district_code="310101", is_default=True)
    sku = make_product(shop, prices=(3000,)).skus.get()

    # when previewed without choosing an address
    cart, address = checkout_preview(user=buyer, items=[(sku.pk, 1)])

    # then it is priced to the default address, with freight
    assert address.pk == default.pk and cart.district_code == "310101"
    assert (cart.goods_fen, cart.freight_fen, cart.payable_fen) == (3000, 1000, 4000)


def test_checkout_preview_without_any_address_prices_without_freight(buyer, shop, make_product):
    sku = make_product(shop, prices=(3000,)).skus.get()

    cart, address = checkout_preview(user=buyer, items=[(sku.pk, 1)])

    assert address is None and cart.freight_fen == 0 and cart.payable_fen == 3000
