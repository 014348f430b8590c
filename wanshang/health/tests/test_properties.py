"""The item state machine under any order of events: job runs at any times (repeated, out of order, days
late), the shop marking fixed, operators verifying, appeals decided. Whatever happens, an item has at most
one point row, points are dated at its deadline, only an item left open past its deadline is penalised, and
the shop's sanctions after a final run are exactly those its live points call for."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wanshang.common.errors import DomainError
from wanshang.health.models import HealthItem, PenaltyPoint
from wanshang.health.services import (
    appeal_decide,
    appeal_submit,
    deadlines_run,
    item_mark_fixed,
    item_open,
    item_verify,
)
from wanshang.health.snapshot import live_points
from wanshang.health.standing import sanctions_for
from wanshang.merchants.selectors import shop_sanctions

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
KINDS = ("late_shipment", "not_as_described", "refund_rate", "dispute_loss")

HOURS = st.integers(min_value=0, max_value=24 * 30)
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("run"), HOURS),
        st.tuples(st.just("fix"), st.integers(0, 3), HOURS),
        st.tuples(st.just("verify"), st.integers(0, 3), st.booleans()),
        st.tuples(st.just("appeal"), st.integers(0, 3), st.booleans()),
    ),
    max_size=10,
)


def test_items_are_penalised_at_most_once_and_sanctions_follow_points(shop, operator, points_rule):
    points_rule("late_shipment", 7)
    points_rule("not_as_described", 6)

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ops=OPS)
    def run(ops):
        point = transaction.savepoint()
        try:
            _check(ops)
        finally:
            transaction.savepoint_rollback(point)

    def _apply(op, items, fixed_in_time):
        kind, n, *rest = op
        if kind == "run":
            deadlines_run(now=T0 + timedelta(hours=n))
            return
        item = items[n]
        try:
            if kind == "fix":
                at = T0 + timedelta(hours=rest[0])
                item_mark_fixed(shop=shop, actor=shop.owner, item_id=item.pk, note="已整改", now=at)
                fixed_in_time.add(item.pk)
            elif kind == "verify":
                item_verify(actor=operator, item_id=item.pk, passed=rest[0], note="核验说明", now=T0)
            else:
                appeal = appeal_submit(shop=shop, actor=shop.owner, item_id=item.pk, reason="申诉理由说明")
                appeal_decide(
                    actor=operator,
                    appeal_id=appeal.pk,
                    decision="overturn" if rest[0] else "uphold",
                    note="处理理由",
                )
        except DomainError:
            pass  # refused in this state: nothing changed

    def _check(ops):
        items = [item_open(shop_id=shop.pk, kind=k, title=k, now=T0) for k in KINDS]
        fixed_in_time: set[int] = set()
        for op in ops:
            _apply(op, items, fixed_in_time)
        end = T0 + timedelta(days=31)
        deadlines_run(now=end)
        for item in HealthItem.objects.filter(pk__in=[i.pk for i in items]):
            penalties = list(PenaltyPoint.objects.filter(item=item))
            assert len(penalties) <= 1
            if penalties:
                assert penalties[0].given_at == item.deadline_at
            if item.status == "penalised":
                assert len(penalties) == 1
            assert item.status != "open"  # the final run, after every deadline, left nothing open
        live = live_points(shop_ids=[shop.pk], now=end).get(shop.pk, 0)
        assert shop_sanctions(shop_id=shop.pk) == sanctions_for(live)

    run()
