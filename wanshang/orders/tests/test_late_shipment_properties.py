"""延迟发货 money property (hypothesis): whatever the goods amounts and the platform's rule (rate, floor, cap,
points per yuan), what the shops are charged in their ledgers sums to what the buyers got in points, each order
is compensated once, and every amount keeps to the rule."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

rules = st.fixed_dictionaries(
    {
        "LATE_SHIPMENT_RATE_BPS": st.integers(0, 10000),
        "LATE_SHIPMENT_FLOOR_FEN": st.integers(0, 2000),
        "LATE_SHIPMENT_CAP_FEN": st.integers(0, 60000),
        "POINTS_PER_YUAN": st.sampled_from([100, 10, 1000, 50]),
    }
)


@hypothesis_settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prices=st.lists(st.integers(1, 2_000_000), min_size=1, max_size=3), rule=rules, runs=st.integers(1, 3))
def test_ledger_charges_sum_to_what_buyers_got(
    prices, rule, runs, buyer, address, shop, make_product, place_paid, settings
):
    from django.db import transaction

    from wanshang.common.money import percent_of
    from wanshang.marketing.models import PointsEntry
    from wanshang.orders.lateship import points_to_fen
    from wanshang.orders.models import LateShipment
    from wanshang.orders.services import late_shipments_flag
    from wanshang.payments.models import SettlementEntry

    with transaction.atomic():  # each example starts from the same shop and buyer
        settings.WANSHANG = {**settings.WANSHANG, **rule}
        orders = [place_paid(buyer, make_product(shop, prices=(p,)), address=address) for p in prices]
        later = max(o.ship_deadline for o in orders) + timedelta(minutes=1)
        flagged = sum(late_shipments_flag(now=later + timedelta(hours=i)) for i in range(runs))

        assert flagged == len(orders)  # once each, however often the job runs
        charged = -sum(
            SettlementEntry.objects.filter(kind="late", shop=shop).values_list("net_fen", flat=True)
        )
        points = list(
            PointsEntry.objects.filter(user=buyer, reason="compensate").values_list("delta", flat=True)
        )
        recorded = list(
            LateShipment.objects.filter(shop=shop).values_list("amount_fen", "goods_fen", "points")
        )
        assert charged == sum(a for a, _, _ in recorded) == sum(points_to_fen(p) for p in points)
        assert sorted(points) == sorted(p for _, _, p in recorded if p > 0)
        unit = max(1, 100 // rule["POINTS_PER_YUAN"])  # a point's worth of fen: amounts round down to it
        for amount, goods, _ in recorded:
            raw = min(
                max(percent_of(goods, rule["LATE_SHIPMENT_RATE_BPS"]), rule["LATE_SHIPMENT_FLOOR_FEN"]),
                rule["LATE_SHIPMENT_CAP_FEN"],
            )
            assert raw - unit < amount <= raw
        transaction.set_rollback(True)
