"""延迟发货: the deadline set at payment, the idempotent job (clock moved forward, worker down for days), once
per order, the shop charged in its ledger and the buyer's points, the compensation rule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.marketing.models import PointsAccount, PointsEntry
from wanshang.orders.models import LateShipment, Order, OrderEvent
from wanshang.orders.services import late_compensation_fen, late_shipments_flag, order_ship
from wanshang.payments.models import SettlementEntry

pytestmark = pytest.mark.django_db

LATE = SettlementEntry.Kind.LATE_SHIPMENT


def _points(user) -> int:
    account = PointsAccount.objects.filter(user=user).first()
    return account.balance if account else 0


def test_payment_sets_the_deadline_from_the_longest_promise(buyer, make_shop, make_product, place_paid):
    shop = make_shop()
    order = place_paid(buyer, make_product(shop))
    assert order.ship_within_hours == 48  # the shop's default
    assert order.ship_deadline == order.paid_at + timedelta(hours=48)

    quick = make_product(shop, ship_within_hours=24)
    assert place_paid(buyer, quick).ship_within_hours == 24  # the listing's own promise

    shop.ship_within_hours = 72
    shop.save(update_fields=["ship_within_hours"])
    assert place_paid(buyer, make_product(shop)).ship_within_hours == 72


def test_job_flags_a_late_order_once_charges_the_shop_and_pays_the_buyer_points(
    buyer, make_shop, make_product, place_paid
):
    shop = make_shop()
    order = place_paid(buyer, make_product(shop, prices=(30000,)))  # ¥300 goods, free freight or not
    goods = order.total_fen - order.freight_fen
    before = _points(buyer)

    assert late_shipments_flag(now=order.ship_deadline - timedelta(minutes=1)) == 0
    assert late_shipments_flag(now=order.ship_deadline + timedelta(minutes=1)) == 1
    assert late_shipments_flag(now=order.ship_deadline + timedelta(days=3)) == 0  # never twice

    late = LateShipment.objects.get(order=order)
    assert late.amount_fen == late_compensation_fen(goods) == 3000  # 10% of ¥300, inside ¥5–¥100
    assert late.points == 3000
    entry = SettlementEntry.objects.for_shop(shop).get(order=order, kind=LATE)
    assert (entry.net_fen, entry.gross_fen, entry.pk) == (-3000, 0, late.settlement_entry_id)
    assert _points(buyer) - before == 3000
    assert PointsEntry.objects.filter(user=buyer, reason="compensate").count() == 1
    assert OrderEvent.objects.filter(order=order, note__startswith="延迟发货").count() == 1
    order.refresh_from_db()
    assert order.status == "paid"  # flagged, not moved: the shop still ships it


def test_an_order_shipped_in_time_is_never_flagged(buyer, make_shop, make_product, place_paid):
    shop = make_shop()
    order = place_paid(buyer, make_product(shop))
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    assert late_shipments_flag(now=order.ship_deadline + timedelta(days=30)) == 0
    assert not LateShipment.objects.exists()


def test_worker_down_for_days_catches_up_with_every_late_order(buyer, make_shop, make_product, place_paid):
    """The job did not run for five days: the unshipped order and the one shipped after its deadline (during
    the outage) are both compensated when it comes back; the one shipped in time is not."""
    shop = make_shop()
    product = make_product(shop, stock=50)
    unshipped, shipped_late, in_time = (place_paid(buyer, product) for _ in range(3))
    now = timezone.now()
    Order.objects.filter(pk__in=[unshipped.pk, shipped_late.pk]).update(ship_deadline=now - timedelta(days=4))
    for order in (shipped_late, in_time):  # shipped now: after the first one's deadline, before the other's
        order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)

    assert late_shipments_flag(now=now + timedelta(days=1)) == 2
    assert set(LateShipment.objects.values_list("order_id", flat=True)) == {unshipped.pk, shipped_late.pk}
    assert late_shipments_flag(now=now + timedelta(days=5)) == 0


def test_one_failing_order_does_not_hold_up_the_others(
    buyer, make_shop, make_product, place_paid, monkeypatch
):
    from wanshang.orders import lateship

    shop = make_shop()
    product = make_product(shop, stock=10)
    first, second = place_paid(buyer, product), place_paid(buyer, product)
    real = lateship.settlement_charge

    def broken(**kw):
        if kw["order_id"] == first.pk:
            raise RuntimeError("ledger down")
        return real(**kw)

    monkeypatch.setattr(lateship, "settlement_charge", broken)
    later = second.ship_deadline + timedelta(hours=1)
    assert late_shipments_flag(now=later) == 1
    assert list(LateShipment.objects.values_list("order_id", flat=True)) == [second.pk]  # first rolled back
    monkeypatch.setattr(lateship, "settlement_charge", real)
    assert late_shipments_flag(now=later) == 1  # retried on the next run
    assert LateShipment.objects.count() == 2


@pytest.mark.parametrize(
    ("goods", "rate", "floor", "cap", "expected"),
    [
        (30000, 1000, 500, 10000, 3000),  # 10%
        (1000, 1000, 500, 10000, 500),  # the floor
        (0, 1000, 500, 10000, 500),  # paid entirely with points: still the floor
        (5_000_000, 1000, 500, 10000, 10000),  # the cap
        (5_000_000, 3000, 0, 50000, 50000),  # the other published rule: 30%, ¥500 cap
        (30000, 1000, 20000, 10000, 10000),  # a floor above the cap: the cap wins
        (12345, 1000, 0, 10000, 1235),  # rounded half up to the fen
    ],
)
def test_compensation_rule(goods, rate, floor, cap, expected):
    assert late_compensation_fen(goods, rate_bps=rate, floor_fen=floor, cap_fen=cap) == expected


def test_compensation_rounds_down_to_whole_points(settings):
    settings.WANSHANG = {**settings.WANSHANG, "POINTS_PER_YUAN": 10}  # 1 point = 10 fen
    assert late_compensation_fen(12345, rate_bps=1000, floor_fen=0, cap_fen=10000) == 1230


def test_a_subscriber_may_exempt_an_order_once_and_nobody_is_charged(
    buyer, make_shop, make_product, place_paid, monkeypatch
):
    """LateShipmentDue lets the app that knows why the shop could not ship (after-sales: the buyer asked for a
    refund first) exempt the order: recorded once with the reason, no ledger entry, no points, no event."""
    from wanshang.common import events
    from wanshang.common.domain_events import LateShipmentDue
    from wanshang.common.errors import Conflict

    shop = make_shop()
    exempt, paid = place_paid(buyer, make_product(shop)), place_paid(buyer, make_product(shop))

    def refuse(event):
        if event.order.order_id == exempt.pk:
            raise Conflict("买家在最晚发货时间前申请了退款")

    monkeypatch.setattr(events, "_subscriptions", {k: list(v) for k, v in events._subscriptions.items()})
    events.subscribe(LateShipmentDue, refuse, phase=events.IN_TRANSACTION)
    later = max(exempt.ship_deadline, paid.ship_deadline) + timedelta(hours=1)
    before = _points(buyer)
    assert late_shipments_flag(now=later) == 2
    assert late_shipments_flag(now=later + timedelta(days=1)) == 0  # the exemption is final, not re-asked

    row = LateShipment.objects.get(order=exempt)
    assert (row.amount_fen, row.points, row.settlement_entry_id) == (0, 0, None)
    assert row.exempt_reason == "买家在最晚发货时间前申请了退款"
    assert not SettlementEntry.objects.filter(order=exempt).exists()
    assert SettlementEntry.objects.filter(order=paid, kind=LATE).count() == 1
    assert _points(buyer) - before == LateShipment.objects.get(order=paid).points
