"""Applying a payment notification: the refund rows it reads, and money for orders cancelled before it arrived."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wanshang.orders.models import Order
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


def refund_table_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "payments_gatewayrefund" in q["sql"]]


def test_an_applied_payment_reads_the_refund_rows_once(buyer, address, shop, make_product, place):
    # given an unpaid order
    payment = place(buyer, address, [(make_product(shop).skus.get().pk, 1)])
    # when its payment arrives
    with CaptureQueriesContext(connection) as ctx:
        assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
    # then the refund rows are read once (to find money that paid for no order), not before and after
    assert len(refund_table_queries(ctx)) == 1
    assert not payment.refunds.exists()


def test_money_for_an_order_cancelled_before_payment_goes_back(
    buyer, address, make_shop, make_product, place
):
    # given one payment for two shops' orders, one of them past its payment deadline
    late_shop, kept_shop = make_shop(), make_shop()
    late_sku = make_product(late_shop, prices=(3000,)).skus.get()
    kept_sku = make_product(kept_shop, prices=(5000,)).skus.get()
    payment = place(buyer, address, [(late_sku.pk, 1), (kept_sku.pk, 1)])
    late = payment.orders.get(shop=late_shop)
    Order.objects.filter(pk=late.pk).update(pay_deadline=timezone.now())
    # when the money arrives
    with CaptureQueriesContext(connection) as ctx:
        assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "paid_after_cancel"
    # then the late order is cancelled and exactly its total goes back through the gateway; the other is paid
    statuses = dict(payment.orders.values_list("shop_id", "status"))
    assert statuses == {late_shop.pk: "cancelled", kept_shop.pk: "paid"}
    [refund] = payment.refunds.all()
    assert (refund.amount_fen, refund.status, refund.order_refund_id) == (late.total_fen, "succeeded", None)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_fen) == ("paid", late.total_fen)
    assert refund_table_queries(ctx)  # the row was written and sent
