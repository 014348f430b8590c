"""Property: whatever packages staff try, in any order and size, no unit ships twice, every accepted package
is what was asked, and the order is 已发货 exactly when every unit has shipped (and only then)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wanshang.common.errors import DomainError
from wanshang.shipping.models import ShipmentLine
from wanshang.shipping.services import shipment_create

pytestmark = pytest.mark.django_db

TRIES = st.lists(
    st.lists(st.tuples(st.integers(0, 1), st.integers(-1, 3)), min_size=0, max_size=2), min_size=1, max_size=6
)


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(tries=TRIES)
def test_no_unit_ships_twice_and_the_order_ships_with_its_last_unit(tries, shop, order, lines):
    try:
        with transaction.atomic():
            shipped = {line.pk: 0 for line in lines}
            for n, package in enumerate(tries):
                items = [(lines[i].pk, q) for i, q in dict(package).items()]
                try:
                    shipment_create(
                        shop=shop, order_id=order.pk, carrier="SF", tracking_no=f"SF70000000{n}", items=items
                    )
                except DomainError:
                    continue
                for line_id, q in items:
                    shipped[line_id] += q
            for line in lines:
                assert shipped[line.pk] <= line.quantity
                stored = sum(ShipmentLine.objects.filter(order_line=line).values_list("quantity", flat=True))
                assert stored == shipped[line.pk]
            order.refresh_from_db()
            assert (order.status == "shipped") == all(shipped[line.pk] == line.quantity for line in lines)
            raise Rollback
    except Rollback:
        pass
