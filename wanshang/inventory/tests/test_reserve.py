"""Reservation across warehouses: default first, then others, split when no single warehouse suffices."""

import uuid

import pytest

from wanshang.checkout.services import checkout_submit
from wanshang.common.errors import OutOfStock
from wanshang.inventory.models import Stock, StockMovement
from wanshang.inventory.services import stock_set, warehouse_create
from wanshang.orders.services import order_cancel
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def split_sku(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, stock=3).skus.get()
    east = warehouse_create(shop=shop, name="华东仓", district_code="310115", detail="张江路 1 号")
    stock_set(shop=shop, sku=sku, warehouse=east, on_hand=3, actor=shop.owner, reason="入库")
    return shop, sku, east


def rows(sku):
    return {
        s.warehouse.name: (s.on_hand, s.reserved)
        for s in Stock.objects.filter(sku=sku).select_related("warehouse")
    }


def test_line_larger_than_any_warehouse_is_split_default_first(split_sku, buyer, make_address):
    shop, sku, east = split_sku
    address = make_address(buyer)
    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 5)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    line = payment.orders.get().lines.get()
    assert sorted(q for _, q in line.allocations) == [2, 3]
    assert rows(sku) == {"默认仓": (3, 3), "华东仓": (3, 2)}
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    assert rows(sku) == {"默认仓": (0, 0), "华东仓": (1, 0)}


def test_cancel_releases_every_warehouse_share(split_sku, buyer, make_address):
    shop, sku, east = split_sku
    address = make_address(buyer)
    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 6)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    order_cancel(
        order_id=payment.orders.get().pk, buyer=buyer, actor=buyer, actor_kind="buyer", reason="不要了"
    )
    assert rows(sku) == {"默认仓": (3, 0), "华东仓": (3, 0)}
    moves = StockMovement.objects.filter(sku=sku)
    assert sum(m.reserved_delta for m in moves) == 0


def test_more_than_all_warehouses_hold_is_refused(split_sku, buyer, make_address):
    shop, sku, east = split_sku
    address = make_address(buyer)
    with pytest.raises(OutOfStock, match="库存不足，仅剩 6 件"):
        checkout_submit(
            user=buyer,
            items=[(sku.pk, 7)],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )
    assert rows(sku) == {"默认仓": (3, 0), "华东仓": (3, 0)}
