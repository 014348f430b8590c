"""Property: under any sequence of top-ups, click charges, invalid-click refunds and platform adjustments, the
ledger sums to the balance, the balance never goes negative, every row's balance-after is the running sum, and
the plan's spend is what was charged minus what was refunded."""

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wanshang.ads import selectors, services
from wanshang.ads.models import AdLedgerEntry, AdPlan, AdPlanDay
from wanshang.common.errors import DomainError
from wanshang.payments.services import sandbox_pay

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("topup"), st.integers(min_value=100, max_value=5_000)),
        st.tuples(st.just("charge"), st.integers(min_value=1, max_value=900)),
        st.tuples(st.just("refund"), st.integers(min_value=0, max_value=30)),
        st.tuples(st.just("adjust"), st.integers(min_value=-3_000, max_value=3_000)),
    ),
    max_size=25,
)


def test_ledger_sums_to_the_balance(shop, operator, make_plan, make_group):
    plan = make_plan(shop, daily=4_000, total=9_000)
    group = make_group(shop, plan, bid=900)
    services.account_for_shop(shop=shop)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ops=OPS)
    def run(ops):
        point = transaction.savepoint()
        try:
            _apply(ops)
        finally:
            transaction.savepoint_rollback(point)

    def _apply(ops):
        charged = []
        for n, (op, value) in enumerate(ops):
            if op == "topup":
                topup = services.topup_create(shop=shop, user=shop.owner, amount_fen=value)
                sandbox_pay(buyer=shop.owner, payment_no=topup.payment_no)
            elif op == "charge":
                result = services.ad_charge(group_id=group.pk, price_fen=value, ref=f"c{n}")
                if result.charged:
                    charged.append(f"c{n}")
            elif op == "refund" and charged:
                ref = charged[value % len(charged)]
                try:
                    services.invalid_click_refund(charge_ref=ref, reason="无效点击", actor=operator)
                except DomainError:
                    pass  # refunded already
            elif op == "adjust" and value:
                try:
                    services.account_adjust(
                        shop_id=shop.pk, amount_fen=value, reason="调账", reference=f"a{n}", actor=operator
                    )
                except DomainError:
                    pass  # a debit above the balance is refused
            _check()

    def _check():
        balance = selectors.account_balance(shop=shop)
        assert balance >= 0
        rows = list(
            AdLedgerEntry.objects.for_shop(shop).order_by("pk").values_list("amount_fen", "balance_after_fen")
        )
        running = 0
        for amount, after in rows:
            running += amount
            assert after == running
        assert running == balance
        by_kind = dict(
            AdLedgerEntry.objects.for_shop(shop).values_list("kind").annotate(s=Sum("amount_fen")).order_by()
        )
        spent = -(by_kind.get("charge") or 0) - (by_kind.get("refund") or 0)
        day = AdPlanDay.objects.filter(plan=plan).aggregate(s=Sum("spend_fen"))["s"] or 0
        assert day == spent == AdPlan.objects.get(pk=plan.pk).total_spend_fen
        assert 0 <= day <= 4_000

    run()
