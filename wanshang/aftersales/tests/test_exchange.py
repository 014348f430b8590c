"""换货: another SKU of the same product, its stock reserved at approval, sent after the return is received."""

import pytest

from wanshang.aftersales.services import (
    case_approve,
    case_cancel,
    case_open,
    case_reship,
    case_return_receive,
    case_return_ship,
)
from wanshang.common.errors import Conflict, ValidationError
from wanshang.inventory.selectors import available_by_sku

pytestmark = pytest.mark.django_db


@pytest.fixture
def dress_order(shop, make_product, make_order, receive):
    product = make_product(shop, title="棉麻长裙", prices=(19900, 19900), stock=5)
    small, large = product.skus.order_by("pk")
    order = make_order(items=[(small.pk, 2)])
    receive(order)
    return order, small, large


def _avail(sku):
    return available_by_sku(sku_ids=[sku.pk]).get(sku.pk, 0)


def test_exchange_reserves_at_approval_and_ships_after_the_return(dress_order, shop, reason, address_book):
    order, small, large = dress_order
    line = order.lines.get()
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="exchange",
        lines=[(line.pk, 1)],
        reason_id=reason("尺码/规格不合适").pk,
        replacement_sku_id=large.pk,
    )
    assert case.amount_fen == 0 and case.replacement_sku_id == large.pk
    large_before, small_before = _avail(large), _avail(small)
    case = case_approve(shop=shop, case_id=case.pk, actor=shop.owner)
    assert case.status == "awaiting_return" and _avail(large) == large_before - 1
    case_return_ship(buyer=order.buyer, case_id=case.pk, carrier="SF", tracking_no="SF11223344")
    case = case_return_receive(shop=shop, case_id=case.pk, actor=shop.owner)
    assert case.status == "reshipping" and _avail(small) == small_before + 1
    with pytest.raises(ValidationError, match="运单号"):
        case_reship(shop=shop, case_id=case.pk, actor=shop.owner, carrier="SF", tracking_no="?")
    case = case_reship(shop=shop, case_id=case.pk, actor=shop.owner, carrier="JD", tracking_no="JD0099887766")
    assert case.status == "done" and case.reship_tracking_no == "JD0099887766"
    assert _avail(large) == large_before - 1  # left on-hand stock, reservation confirmed
    assert not case.refunds.exists()
    line.refresh_from_db()
    assert line.refunded_qty == 0


def test_cancelled_exchange_gives_the_reserved_unit_back(dress_order, shop, reason, address_book):
    order, small, large = dress_order
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="exchange",
        lines=[(order.lines.get().pk, 1)],
        reason_id=reason("质量问题").pk,
        replacement_sku_id=large.pk,
    )
    before = _avail(large)
    case_approve(shop=shop, case_id=case.pk, actor=shop.owner)
    case_cancel(buyer=order.buyer, case_id=case.pk)
    assert _avail(large) == before


def test_replacement_must_be_the_same_product_and_in_stock(
    dress_order, shop, make_product, reason, address_book
):
    order, small, large = dress_order
    other = make_product(shop, title="别的商品", prices=(100,), stock=1).skus.get()
    line = order.lines.get()
    with pytest.raises(ValidationError, match="同一商品"):
        case_open(
            buyer=order.buyer,
            order_id=order.pk,
            case_type="exchange",
            lines=[(line.pk, 1)],
            reason_id=reason("质量问题").pk,
            replacement_sku_id=other.pk,
        )
    from wanshang.inventory.services import stock_set_default_warehouse

    stock_set_default_warehouse(shop=shop, sku=large, on_hand=0, actor=shop.owner, reason="售罄")
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="exchange",
        lines=[(line.pk, 1)],
        reason_id=reason("质量问题").pk,
        replacement_sku_id=large.pk,
    )
    with pytest.raises(Conflict):
        case_approve(shop=shop, case_id=case.pk, actor=shop.owner)
    case.refresh_from_db()
    assert case.status == "requested"


def test_a_replacement_never_sent_is_refunded_by_the_timer(dress_order, shop, reason, address_book):
    from datetime import timedelta

    from django.utils import timezone

    from wanshang.aftersales.services import cases_due

    order, small, large = dress_order
    line = order.lines.get()
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="exchange",
        lines=[(line.pk, 1)],
        reason_id=reason("尺码/规格不合适").pk,
        replacement_sku_id=large.pk,
    )
    large_before = _avail(large)
    case_approve(shop=shop, case_id=case.pk, actor=shop.owner)
    case_return_ship(buyer=order.buyer, case_id=case.pk, carrier="SF", tracking_no="SF11223344")
    case = case_return_receive(shop=shop, case_id=case.pk, actor=shop.owner)
    small_after_return = _avail(small)
    assert case.status == "reshipping" and case.deadline_at is not None
    assert cases_due(now=timezone.now() + timedelta(days=4)) == 0  # not yet due
    assert cases_due(now=timezone.now() + timedelta(days=6)) == 1
    case.refresh_from_db()
    assert case.status == "done" and case.refunds.get().status == "refunded"
    assert case.refunds.get().amount_fen == 19900
    assert _avail(large) == large_before  # the reserved replacement is free again
    assert _avail(small) == small_after_return  # the returned unit was restocked once, not twice
    line.refresh_from_db()
    assert (line.refunded_qty, line.refunded_fen) == (1, 19900)
    assert cases_due(now=timezone.now() + timedelta(days=30)) == 0  # idempotent
