"""到店自提 through the services: checkout with pickup, the code when paid, the store's 核销, expiry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.errors import Conflict, InvalidTransition, NotFound, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(shop, make_product, make_store, store_clerk, buyer):
    product = make_product(shop, title="手冲咖啡壶", prices=(12900,), stock=5, weight_g=2000)
    store = make_store(shop, name="望京店")
    clerk = store_clerk(shop, store)
    return product, store, clerk


def test_pickup_order_has_no_freight_and_a_code_when_paid(scene, buyer, pickup_order):
    from wanshang.stores.selectors import pickup_of_order, qr_svg

    product, store, _clerk = scene
    order = pickup_order(buyer, product, store, pay=False)
    assert order.is_pickup and order.freight_fen == 0 and order.total_fen == 12900
    assert pickup_of_order(order_id=order.pk).code == ""  # no code before payment
    order = pickup_order(buyer, product, store)
    pickup = pickup_of_order(order_id=order.pk)
    assert order.status == "paid" and order.ship_deadline is None  # never 延迟发货
    assert pickup.status == "waiting" and len(pickup.code) == 8 and pickup.code.isdigit()
    assert pickup.expires_at > timezone.now() + timedelta(days=6)
    assert qr_svg(pickup.code).startswith("<svg")


def test_delivery_of_the_same_goods_pays_freight(scene, buyer, place, make_address):
    product, _store, _clerk = scene
    payment = place(buyer, make_address(buyer), [(product.skus.get().pk, 1)])
    order = payment.orders.get()
    assert not order.is_pickup  # the shop's template charges freight for delivery; pickup is 0 (above)


def test_stock_comes_from_the_store_warehouse(shop, buyer, make_product, make_store, pickup_order):
    from wanshang.inventory.services import stock_adjust, warehouse_create

    product = make_product(shop, stock=5)
    sku = product.skus.get()
    other = warehouse_create(shop=shop, name="门店仓", district_code="110105", detail="x")
    stock_adjust(shop=shop, sku_id=sku.pk, warehouse_id=other.pk, on_hand=2, actor=shop.owner, reason="t")
    store = make_store(shop, warehouse=other)
    order = pickup_order(buyer, product, store, qty=2)
    assert order.lines.get().allocations == [[other.pk, 2]]
    with pytest.raises(Conflict):  # the store's warehouse has none left, the default one still has 5
        pickup_order(buyer, product, store, qty=1)


def test_verify_completes_the_order_once(scene, buyer, pickup_order):
    from wanshang.stores.selectors import pickup_of_order
    from wanshang.stores.services import pickup_verify

    product, store, clerk = scene
    order = pickup_order(buyer, product, store)
    code = pickup_of_order(order_id=order.pk).code
    pickup = pickup_verify(staff=clerk, store_id=store.pk, code=code)
    order.refresh_from_db()
    assert pickup.status == "picked_up" and order.status == "completed" and order.received_at
    assert order.events.filter(to_status="received", note__contains="门店核销").exists()
    with pytest.raises(Conflict, match="已于"):
        pickup_verify(staff=clerk, store_id=store.pk, code=code)


def test_code_of_another_store_or_shop_is_refused(
    scene, buyer, pickup_order, make_store, store_clerk, other_shop, make_product
):
    from wanshang.stores.selectors import pickup_of_order
    from wanshang.stores.services import pickup_verify

    product, store, clerk = scene
    second = make_store(store.shop, name="国贸店")
    second_clerk = store_clerk(store.shop, second)
    code = pickup_of_order(order_id=pickup_order(buyer, product, store).pk).code
    with pytest.raises(Conflict, match="望京店"):
        pickup_verify(staff=second_clerk, store_id=second.pk, code=code)
    far = make_store(other_shop, name="外店")
    far_clerk = store_clerk(other_shop, far)
    with pytest.raises(ValidationError, match="不正确"):
        pickup_verify(staff=far_clerk, store_id=far.pk, code=code)
    with pytest.raises(NotFound):  # a clerk cannot pick a store they are not assigned to
        pickup_verify(staff=second_clerk, store_id=store.pk, code=code)
    assert pickup_of_order(order_id=pickup_of_order(order_id=0) or 0) is None
    assert pickup_verify(staff=clerk, store_id=store.pk, code=code).status == "picked_up"


def test_wrong_codes_lock_the_clerk(scene, buyer, pickup_order):
    from wanshang.stores.selectors import pickup_of_order
    from wanshang.stores.services import MAX_WRONG_TRIES, TooManyAttempts, pickup_verify

    product, store, clerk = scene
    code = pickup_of_order(order_id=pickup_order(buyer, product, store).pk).code
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    for _ in range(MAX_WRONG_TRIES):
        with pytest.raises(ValidationError, match="提货码不正确"):
            pickup_verify(staff=clerk, store_id=store.pk, code=wrong)
    with pytest.raises(TooManyAttempts):  # even the right code now waits
        pickup_verify(staff=clerk, store_id=store.pk, code=code)
    later = timezone.now() + timedelta(minutes=16)
    assert pickup_verify(staff=clerk, store_id=store.pk, code=code, now=later).status == "picked_up"


@pytest.mark.parametrize("bad", ["", "1234567", "123456789", "abcdefgh", None, "1234 567x"])
def test_malformed_code(scene, bad):
    from wanshang.stores.services import pickup_verify

    _product, store, clerk = scene
    with pytest.raises(ValidationError, match="8 位数字"):
        pickup_verify(staff=clerk, store_id=store.pk, code=bad)


def test_pickup_order_cannot_be_shipped_or_self_confirmed(scene, buyer, pickup_order, shop):
    from wanshang.orders.services import order_confirm_receipt, order_ship

    product, store, _clerk = scene
    order = pickup_order(buyer, product, store)
    with pytest.raises(InvalidTransition, match="到店自提"):
        order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    with pytest.raises(InvalidTransition, match="核销"):
        order_confirm_receipt(buyer=buyer, order_id=order.pk)


def test_late_shipment_and_auto_receive_skip_pickups(scene, buyer, pickup_order):
    from wanshang.orders.services import late_shipments_flag, orders_auto_receive

    product, store, _clerk = scene
    order = pickup_order(buyer, product, store)
    far = timezone.now() + timedelta(days=60)
    assert late_shipments_flag(now=far) == 0
    assert orders_auto_receive(now=far) == 0
    order.refresh_from_db()
    assert order.status == "paid"


def test_expiry_refunds_once_and_restores_stock(
    scene, buyer, pickup_order, django_capture_on_commit_callbacks
):
    from wanshang.inventory.selectors import available_by_sku
    from wanshang.stores.selectors import pickup_of_order
    from wanshang.stores.services import pickup_verify, pickups_expire

    product, store, clerk = scene
    sku = product.skus.get()
    order = pickup_order(buyer, product, store, qty=2)
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 3
    code = pickup_of_order(order_id=order.pk).code
    late = timezone.now() + timedelta(days=8)
    assert pickups_expire(now=timezone.now()) == 0  # not due yet
    with django_capture_on_commit_callbacks(execute=True):
        assert pickups_expire(now=late) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert pickups_expire(now=late) == 0  # a second run finds nothing
    order.refresh_from_db()
    assert order.status == "refunded"
    assert order.refunds.count() == 1 and order.refunds.get().status == "refunded"
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 5
    assert pickup_of_order(order_id=order.pk).status == "expired"
    with pytest.raises(Conflict, match="超过自提期限"):
        pickup_verify(staff=clerk, store_id=store.pk, code=code)


def test_expiry_handler_replayed_refunds_once(scene, buyer, pickup_order, django_capture_on_commit_callbacks):
    """The after-commit handler may run twice (outbox retry): the second finds the order refunded."""
    from wanshang.aftersales.subscribers import on_pickup_expired
    from wanshang.common.domain_events import PickupExpired
    from wanshang.orders.selectors import order_facts

    product, store, _clerk = scene
    order = pickup_order(buyer, product, store)
    event = PickupExpired(order=order_facts(order), store_id=store.pk, pickup_id=1)
    on_pickup_expired(event)
    on_pickup_expired(event)
    order.refresh_from_db()
    assert order.status == "refunded" and order.refunds.count() == 1


def test_buyer_refund_closes_the_pickup(scene, buyer, pickup_order, shop):
    from wanshang.aftersales.services import refund_approve, refund_request
    from wanshang.stores.selectors import pickup_of_order
    from wanshang.stores.services import pickup_verify

    product, store, clerk = scene
    order = pickup_order(buyer, product, store)
    code = pickup_of_order(order_id=order.pk).code
    refund = refund_request(buyer=buyer, order_id=order.pk, reason="不想要了")
    with pytest.raises(Conflict, match="退款"):  # an open refund request blocks the handover, as shipping
        pickup_verify(staff=clerk, store_id=store.pk, code=code)
    refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
    assert pickup_of_order(order_id=order.pk).status == "cancelled"
    with pytest.raises(Conflict, match="已取消"):
        pickup_verify(staff=clerk, store_id=store.pk, code=code)


def test_checkout_refuses_bad_pickup_choices(scene, buyer, place, make_address, make_store, other_shop):
    product, store, _clerk = scene
    address = make_address(buyer)
    sku = product.skus.get()
    closed = make_store(store.shop, name="装修中", pickup=False)
    foreign = make_store(other_shop, name="别家店")
    for pickup, message in [
        ({store.shop_id: closed.pk}, "暂不支持"),
        ({store.shop_id: foreign.pk}, "不属于"),
        ({store.shop_id: 999999}, "不存在"),
        ({store.shop_id: "x"}, "不存在"),
        ({other_shop.pk: foreign.pk}, "不在本次结算"),
    ]:
        with pytest.raises(ValidationError, match=message):
            place(buyer, address, [(sku.pk, 1)], pickup=pickup)
    assert not buyer.orders.exists()


def test_codes_are_unique_among_waiting_pickups(scene, buyer, pickup_order, monkeypatch):
    from wanshang.stores import services
    from wanshang.stores.selectors import pickup_of_order

    product, store, _clerk = scene
    first = pickup_of_order(order_id=pickup_order(buyer, product, store).pk).code
    draws = iter([first, first, "87654321"])
    monkeypatch.setattr(services, "new_code", lambda: next(draws))
    second = pickup_of_order(order_id=pickup_order(buyer, product, store).pk).code
    assert second == "87654321"


def test_freight_is_charged_for_delivery_and_not_for_pickup(scene, buyer, make_address, make_product, shop):
    from wanshang.checkout.services import checkout_preview

    _product, store, _clerk = scene
    cheap = make_product(shop, prices=(3000,), stock=5)  # under the default template's ¥99 free threshold
    make_address(buyer, is_default=True)
    items = [(cheap.skus.get().pk, 2)]
    delivered, _ = checkout_preview(user=buyer, items=items)
    collected, _ = checkout_preview(user=buyer, items=items, pickup={store.shop_id: store.pk})
    assert delivered.freight_fen == 1500  # ¥10 first piece + ¥5 the next
    assert collected.freight_fen == 0
    assert collected.payable_fen == delivered.payable_fen - delivered.freight_fen
