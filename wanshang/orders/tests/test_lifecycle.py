"""The order state machine through the real services: place, pay, ship, receive, complete, cancel, refund."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.aftersales.models import Refund
from wanshang.aftersales.services import refund_approve, refund_reject, refund_request
from wanshang.common.errors import Conflict, InvalidTransition, NotFound, OutOfStock, ValidationError
from wanshang.inventory.models import Stock, StockMovement
from wanshang.orders.models import Order, OrderEvent
from wanshang.orders.services import (
    order_cancel,
    order_confirm_receipt,
    order_ship,
    orders_auto_receive,
    orders_cancel_expired,
)
from wanshang.payments.models import Payment, SettlementEntry
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


def stock_of(sku):
    row = Stock.objects.get(sku=sku)
    return row.on_hand, row.reserved


def ledger_matches(sku):
    row = Stock.objects.get(sku=sku)
    moves = StockMovement.objects.filter(sku=sku)
    return (sum(m.on_hand_delta for m in moves), sum(m.reserved_delta for m in moves)) == (
        row.on_hand,
        row.reserved,
    )


def test_checkout_splits_orders_per_shop_under_one_payment(buyer, address, make_shop, make_product, place):
    a, b = make_shop(), make_shop()
    pa, pb = make_product(a, prices=(12900,)), make_product(b, prices=(5000,))
    payment = place(buyer, address, [(pa.skus.first().pk, 1), (pb.skus.first().pk, 2)])
    orders = list(payment.orders.order_by("shop_id"))
    assert [o.shop_id for o in orders] == sorted([a.pk, b.pk])
    assert payment.amount_fen == sum(o.total_fen for o in orders)
    assert all(o.status == "pending_payment" for o in orders)


def test_full_lifecycle_writes_settlement_with_commission(buyer, address, shop, make_product, place):
    product = make_product(shop, prices=(20000,), stock=5)
    sku = product.skus.first()
    payment = place(buyer, address, [(sku.pk, 2)])
    order = payment.orders.get()
    assert stock_of(sku) == (5, 2)

    assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
    order.refresh_from_db()
    assert order.status == "paid"
    assert stock_of(sku) == (3, 0)

    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == "completed"
    entry = SettlementEntry.objects.get(order=order)
    # default commission 5% on goods (40000), freight not commissioned
    assert entry.commission_fen == 2000
    assert entry.net_fen == order.total_fen - 2000
    assert list(OrderEvent.objects.filter(order=order).values_list("to_status", flat=True)) == [
        "pending_payment",
        "paid",
        "shipped",
        "received",
        "completed",
    ]
    assert ledger_matches(sku)


def test_illegal_transition_is_refused_with_message(buyer, address, shop, make_product, place):
    product = make_product(shop)
    order = place(buyer, address, [(product.skus.first().pk, 1)]).orders.get()
    with pytest.raises(InvalidTransition, match="待付款"):
        order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    with pytest.raises(InvalidTransition):
        order_confirm_receipt(buyer=buyer, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == "pending_payment"


def test_cancel_releases_stock_and_closes_payment(buyer, address, shop, make_product, place):
    product = make_product(shop, stock=3)
    sku = product.skus.first()
    payment = place(buyer, address, [(sku.pk, 3)])
    assert stock_of(sku) == (3, 3)
    order_cancel(
        order_id=payment.orders.get().pk, buyer=buyer, actor=buyer, actor_kind="buyer", reason="不想要了"
    )
    assert stock_of(sku) == (3, 0)
    payment.refresh_from_db()
    assert payment.status == "closed"
    assert ledger_matches(sku)


def test_buyer_cannot_cancel_another_buyers_order(buyer, make_user, address, shop, make_product, place):
    product = make_product(shop)
    order = place(buyer, address, [(product.skus.first().pk, 1)]).orders.get()
    with pytest.raises(NotFound):
        order_cancel(order_id=order.pk, buyer=make_user(), actor_kind="buyer", reason="x")


def test_unpaid_orders_expire_idempotently_and_catch_up(buyer, address, shop, make_product, place):
    product = make_product(shop, stock=4)
    sku = product.skus.first()
    p1 = place(buyer, address, [(sku.pk, 1)])
    p2 = place(buyer, address, [(sku.pk, 1)])
    later = timezone.now() + timedelta(minutes=31)
    assert orders_cancel_expired(now=timezone.now()) == 0
    # the worker was down for hours: one run catches up on everything past its deadline
    assert orders_cancel_expired(now=later + timedelta(hours=5)) == 2
    assert orders_cancel_expired(now=later + timedelta(hours=5)) == 0
    assert set(Order.objects.filter(payment__in=[p1, p2]).values_list("status", flat=True)) == {"cancelled"}
    assert stock_of(sku) == (4, 0)


def test_payment_after_timeout_cancel_is_refunded_not_applied(buyer, address, shop, make_product, place):
    product = make_product(shop, stock=2)
    payment = place(buyer, address, [(product.skus.first().pk, 1)])
    orders_cancel_expired(now=timezone.now() + timedelta(minutes=31))
    payment.refresh_from_db()
    assert payment.status == "closed"
    from wanshang.payments.gateways import get_gateway
    from wanshang.payments.services import payment_notify

    body = get_gateway("sandbox").build_notification(payment.no, payment.amount_fen)
    assert (
        payment_notify(
            gateway_code="sandbox", body=body, content_type="application/x-www-form-urlencoded", headers={}
        )
        == "paid_after_cancel"
    )
    payment.refresh_from_db()
    assert payment.refunded_fen == payment.amount_fen
    assert payment.orders.get().status == "cancelled"


def test_payment_past_the_deadline_is_refunded_even_when_the_timeout_job_never_ran(
    buyer, address, shop, make_product, place
):
    # given an unpaid order whose deadline passed while the worker was down (no orders_cancel_expired run)
    product = make_product(shop, stock=2)
    sku = product.skus.first()
    payment = place(buyer, address, [(sku.pk, 1)])
    order = payment.orders.get()
    Order.objects.filter(pk=order.pk).update(pay_deadline=timezone.now() - timedelta(minutes=1))
    # when the buyer's money arrives
    assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "paid_after_cancel"
    # then the order is cancelled as timed out, its stock is back, and the money goes back in full
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == "cancelled" and "超时" in order.cancel_reason
    assert payment.refunded_fen == payment.amount_fen
    assert stock_of(sku) == (2, 0)
    assert ledger_matches(sku)


def test_shipped_orders_auto_confirm_after_n_days(buyer, address, shop, make_product, place, settings):
    product = make_product(shop)
    payment = place(buyer, address, [(product.skus.first().pk, 1)])
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order = payment.orders.get()
    order_ship(shop=shop, order_id=order.pk, carrier="ZTO", tracking_no="ZT00000001", actor=shop.owner)
    days = settings.WANSHANG["ORDER_AUTO_RECEIVE_DAYS"]
    assert orders_auto_receive(now=timezone.now() + timedelta(days=days - 1)) == 0
    assert orders_auto_receive(now=timezone.now() + timedelta(days=days, minutes=1)) == 1
    assert orders_auto_receive(now=timezone.now() + timedelta(days=days, minutes=1)) == 0
    order.refresh_from_db()
    assert order.status == "completed"
    assert SettlementEntry.objects.filter(order=order).count() == 1


def test_refund_approved_returns_money_and_stock(buyer, address, shop, make_product, place):
    product = make_product(shop, stock=5)
    sku = product.skus.first()
    payment = place(buyer, address, [(sku.pk, 2)])
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order = payment.orders.get()
    refund = refund_request(buyer=buyer, order_id=order.pk, reason="拍错了规格")
    with pytest.raises(Conflict, match="退款"):
        order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    refund = refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
    assert refund.status == Refund.Status.REFUNDED
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == "refunded"
    assert payment.refunded_fen == order.total_fen
    assert stock_of(sku) == (5, 0)
    assert ledger_matches(sku)
    with pytest.raises(Conflict):
        refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)


def test_refund_reject_needs_reason_and_keeps_order_paid(buyer, address, shop, make_product, place):
    product = make_product(shop)
    payment = place(buyer, address, [(product.skus.first().pk, 1)])
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order = payment.orders.get()
    refund = refund_request(buyer=buyer, order_id=order.pk, reason="不想要了")
    with pytest.raises(ValidationError):
        refund_reject(shop=shop, refund_id=refund.pk, actor=shop.owner, note="")
    refund_reject(shop=shop, refund_id=refund.pk, actor=shop.owner, note="已联系买家，买家同意继续发货")
    order.refresh_from_db()
    assert order.status == "paid"


def test_other_shop_cannot_touch_refund_or_ship(buyer, address, make_shop, make_product, place):
    a, b = make_shop(), make_shop()
    product = make_product(a)
    payment = place(buyer, address, [(product.skus.first().pk, 1)])
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order = payment.orders.get()
    with pytest.raises(NotFound):
        order_ship(shop=b, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=b.owner)
    refund = refund_request(buyer=buyer, order_id=order.pk, reason="不想要了")
    with pytest.raises(NotFound):
        refund_approve(shop=b, refund_id=refund.pk, actor=b.owner)


def test_out_of_stock_creates_nothing(buyer, address, shop, make_product, place):
    product = make_product(shop, stock=1)
    with pytest.raises(OutOfStock):
        place(buyer, address, [(product.skus.first().pk, 2)])
    assert Order.objects.count() == 0
    assert Payment.objects.count() == 0


def test_same_idempotency_key_places_once(buyer, address, shop, make_product, place):
    product = make_product(shop, stock=5)
    first = place(buyer, address, [(product.skus.first().pk, 1)], key="same-key-123")
    again = place(buyer, address, [(product.skus.first().pk, 1)], key="same-key-123")
    assert first.pk == again.pk
    assert Order.objects.count() == 1


def test_forged_and_mismatched_notifications_change_nothing(buyer, address, shop, make_product, place):
    from wanshang.payments.gateways import get_gateway
    from wanshang.payments.models import PaymentNotification
    from wanshang.payments.services import payment_notify

    product = make_product(shop)
    payment = place(buyer, address, [(product.skus.first().pk, 1)])
    forged = (
        get_gateway("sandbox")
        .build_notification(payment.no, payment.amount_fen)
        .replace(b"sign=", b"sign=00")
    )
    with pytest.raises(ValidationError):
        payment_notify(
            gateway_code="sandbox", body=forged, content_type="application/x-www-form-urlencoded", headers={}
        )
    cheap = get_gateway("sandbox").build_notification(payment.no, 1)
    with pytest.raises(ValidationError):
        payment_notify(
            gateway_code="sandbox", body=cheap, content_type="application/x-www-form-urlencoded", headers={}
        )
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert list(PaymentNotification.objects.values_list("outcome", flat=True).order_by("id")) == [
        "bad_signature",
        "amount_mismatch",
    ]


def test_duplicate_notification_applies_once(buyer, address, shop, make_product, place):
    from wanshang.payments.gateways import get_gateway
    from wanshang.payments.services import payment_notify

    product = make_product(shop, stock=5)
    sku = product.skus.first()
    payment = place(buyer, address, [(sku.pk, 1)])
    body = get_gateway("sandbox").build_notification(payment.no, payment.amount_fen, gateway_trade_no="T1")
    kw = dict(gateway_code="sandbox", body=body, content_type="application/x-www-form-urlencoded", headers={})
    assert payment_notify(**kw) == "applied"
    assert payment_notify(**kw) == "duplicate"
    assert stock_of(sku) == (4, 0)
    assert OrderEvent.objects.filter(order__payment=payment, to_status="paid").count() == 1
