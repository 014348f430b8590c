"""Shipping in packages: partial shipping, units never shipped twice, the one-step ship, the waybill."""

import pytest

from wanshang.common.errors import InvalidTransition, NotFound, ValidationError
from wanshang.shipping.selectors import order_shipments, ship_plan
from wanshang.shipping.services import shipment_create

pytestmark = pytest.mark.django_db


def test_two_packages_ship_the_order_only_after_the_second(shop, order, lines):
    first = shipment_create(
        shop=shop,
        order_id=order.pk,
        carrier="SF",
        tracking_no="SF100000001",
        items=[(lines[1].pk, 2)],
        actor=shop.owner,
    )
    order.refresh_from_db()
    assert order.status == "paid" and first.package_no == 1
    assert [p.remaining for p in ship_plan(order=order)] == [1, 0]
    assert "包裹1（2件）" in order.events.last().note

    second = shipment_create(
        shop=shop,
        order_id=order.pk,
        carrier="ZTO",
        tracking_no="ZT200000002",
        items=[(lines[0].pk, 1)],
        actor=shop.owner,
    )
    order.refresh_from_db()
    assert order.status == "shipped" and order.tracking_no == "ZT200000002" and second.package_no == 2
    assert [len(s.lines.all()) for s in order_shipments(order=order)] == [1, 1]


def test_units_cannot_ship_twice(shop, order, lines):
    shipment_create(
        shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF100000001", items=[(lines[1].pk, 2)]
    )
    with pytest.raises(ValidationError, match="最多还能发 0 件"):
        shipment_create(
            shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF100000002", items=[(lines[1].pk, 1)]
        )
    shipment_create(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF100000003")  # the rest
    with pytest.raises(InvalidTransition):  # 已发货: the state machine refuses (409)
        shipment_create(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF100000004")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"carrier": "XX", "tracking_no": "SF100000001"}, "carrier"),
        ({"carrier": "SF", "tracking_no": "短"}, "tracking_no"),
        ({"carrier": "SF", "tracking_no": "SF100000001", "items": [(999999, 1)]}, "lines"),
        ({"carrier": "SF", "tracking_no": "SF100000001", "items": []}, "lines"),
        ({"carrier": "SF", "tracking_no": "SF100000001", "items": "neg"}, "lines"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(shop, order, lines, kwargs, field):
    from wanshang.shipping.models import Shipment

    if kwargs.get("items") == "neg":
        kwargs["items"] = [(lines[0].pk, -1)]
    with pytest.raises(ValidationError) as err:
        shipment_create(shop=shop, order_id=order.pk, **kwargs)
    assert err.value.field == field
    order.refresh_from_db()
    assert (
        order.status == "paid" and not Shipment.objects.exists() and order.events.last().to_status == "paid"
    )


def test_another_shops_order_is_not_found(other_shop, order):
    with pytest.raises(NotFound):
        shipment_create(shop=other_shop, order_id=order.pk, carrier="SF", tracking_no="SF100000001")


def test_unpaid_or_shipped_order_refused(shop, order):
    shipment_create(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF100000001")
    with pytest.raises((InvalidTransition, ValidationError)):
        shipment_create(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF100000002")


def test_waybill_from_the_sandbox_account(shop, order, sandbox_account):
    shipment = shipment_create(shop=shop, order_id=order.pk, waybill=True, actor=shop.owner)
    assert shipment.waybill and shipment.carrier == "ZTO" and shipment.tracking_no.startswith("SB")
    assert shipment.provider == "sandbox"
    order.refresh_from_db()
    assert order.status == "shipped"


def test_waybill_without_account_is_refused(shop, order):
    with pytest.raises(ValidationError, match="物流账户"):
        shipment_create(shop=shop, order_id=order.pk, waybill=True)
