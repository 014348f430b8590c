"""Property tests: the commission arithmetic, and random sequences of pay / receive / refund / settle / cancel /
withdraw events on a few orders. Invariants: a settled row never changes; each settled commission minus its
clawbacks is the commission of what the buyer finally kept; Σ paid out + available = Σ settled − Σ clawed back."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wanshang.affiliates.models import Commission, Withdrawal
from wanshang.affiliates.rules import fee_split, kept_base, line_commission
from wanshang.affiliates.selectors import promoter_balance
from wanshang.affiliates.services import (
    click_record,
    commission_attribute,
    commission_cancel,
    commission_confirm,
    commission_refund,
    commissions_settle,
    link_create,
    withdrawal_request,
    withdrawal_review,
)
from wanshang.common.errors import ValidationError
from wanshang.orders.selectors import order_facts


@given(amount=st.integers(0, 10**9), fee=st.integers(0, 10_000))
def test_fee_split_sums_to_the_commission(amount, fee):
    split = fee_split(amount_fen=amount, fee_bps=fee)
    assert split.fee_fen + split.earning_fen == amount
    assert 0 <= split.fee_fen <= amount


@given(
    a=st.integers(0, 10**8), b=st.integers(0, 10**8), rate=st.integers(0, 10_000), fee=st.integers(0, 10_000)
)
def test_smaller_base_never_pays_more_in_any_part(a, b, rate, fee):
    """Monotone in the base: a clawback (a difference of two results) is never negative in any part."""
    low, high = sorted((a, b))
    lo = fee_split(amount_fen=line_commission(base_fen=low, rate_bps=rate), fee_bps=fee)
    hi = fee_split(amount_fen=line_commission(base_fen=high, rate_bps=rate), fee_bps=fee)
    assert lo.amount_fen <= hi.amount_fen and lo.fee_fen <= hi.fee_fen and lo.earning_fen <= hi.earning_fen


OPS = st.lists(
    st.tuples(
        st.sampled_from(["pay", "receive", "refund", "settle", "cancel", "withdraw", "review"]),
        st.integers(0, 2),  # which order
        st.integers(0, 2),  # which line
        st.integers(1, 100),  # refund share in percent / withdrawal share
        st.booleans(),  # approve a withdrawal?
    ),
    max_size=25,
)
LINES = st.lists(st.lists(st.integers(1, 500_000), min_size=1, max_size=3), min_size=3, max_size=3)


@pytest.fixture
def scene(settings, shop, aff_product, promoter, make_user, place_paid, operator):
    settings.WANSHANG = {**settings.WANSHANG, "AFFILIATE_WITHDRAW_MIN_FEN": 1}
    buyer = make_user()
    orders = [place_paid(buyer, aff_product) for _ in range(3)]  # paid before any click: no commission yet
    link = link_create(promoter=promoter, product_id=aff_product.pk)
    click_record(
        code=link.code,
        visitor="",
        user_id=buyer.pk,
        product_id=aff_product.pk,
        shop_id=shop.pk,
        now=timezone.now() - timedelta(hours=1),
    )
    return {"orders": orders, "promoter": promoter, "operator": operator, "product": aff_product}


def _facts(order, payables):
    base = order_facts(order)
    line = base.lines[0]
    lines = tuple(
        replace(line, line_id=900 + i, payable_fen=p, refunded_fen=0) for i, p in enumerate(payables)
    )
    return replace(base, lines=lines)


def _refund(facts, line_no, percent):
    lines = list(facts.lines)
    line = lines[line_no % len(lines)]
    left = line.payable_fen - line.refunded_fen
    more = max(1, left * percent // 100) if left else 0
    lines[line_no % len(lines)] = replace(line, refunded_fen=line.refunded_fen + more)
    return replace(facts, lines=tuple(lines))


def _kept_split(commission, facts):
    rates = {line.line_id: line.rate_bps for line in commission.lines.all()}
    amount = sum(
        line_commission(
            base_fen=kept_base(payable_fen=f.payable_fen, refunded_fen=f.refunded_fen),
            rate_bps=rates[f.line_id],
        )
        for f in facts.lines
    )
    return fee_split(amount_fen=amount, fee_bps=commission.fee_bps)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payables=LINES, ops=OPS)
def test_random_event_sequences_keep_the_ledger_whole(scene, payables, ops):
    with transaction.atomic():
        _run(scene, payables, ops)
        transaction.set_rollback(True)


def _run(scene, payables, ops):  # noqa: C901 - one interpreter of the generated events
    promoter, clock = scene["promoter"], timezone.now()
    facts = [_facts(order, p) for order, p in zip(scene["orders"], payables, strict=True)]
    paid, settled_rows, refunds = set(), {}, 0
    for op, k, line_no, share, approve in ops:
        clock += timedelta(days=1)
        order = scene["orders"][k]
        if op == "pay" and k not in paid:
            paid.add(k)
            commission_attribute(order=facts[k], at=clock)
        elif op == "receive" and k in paid:
            commission_confirm(order_id=order.pk, at=clock)
        elif op == "refund" and k in paid:
            refunds += 1
            facts[k] = _refund(facts[k], line_no, share)
            full = all(f.refunded_fen >= f.payable_fen for f in facts[k].lines)
            commission_refund(order=facts[k], refund_no=f"R{refunds}", is_full=full, at=clock)
        elif op == "settle":
            clock += timedelta(days=30)
            commissions_settle(now=clock)
        elif op == "cancel" and k in paid:
            commission_cancel(order_id=order.pk, reason="订单已取消")
        elif op == "withdraw":
            available = promoter_balance(promoter=promoter)["available_fen"]
            try:
                withdrawal_request(
                    promoter=promoter, amount_fen=max(1, available * share // 100), account="a@b.cn"
                )
            except ValidationError:
                assert available * share // 100 < 1 or available <= 0
        elif op == "review":
            pending = Withdrawal.objects.filter(promoter=promoter, status="pending").first()
            if pending:
                withdrawal_review(
                    operator=scene["operator"], withdrawal_id=pending.pk, approve=approve, reason="核对不符"
                )
        for row in Commission.objects.filter(status="settled").values():
            assert settled_rows.setdefault(row["id"], row) == row  # a settled row never changes
        assert promoter_balance(promoter=promoter)["pending_fen"] >= 0
    _check_final(scene, facts, promoter)


def _check_final(scene, facts, promoter):
    by_order = {order.pk: f for order, f in zip(scene["orders"], facts, strict=True)}
    settled_total = clawed_total = 0
    for commission in Commission.objects.filter(promoter=promoter):
        kept = _kept_split(commission, by_order[commission.order_id])
        clawed = sum(c.earning_fen for c in commission.clawbacks.all())
        if commission.status == "settled":
            settled_total += commission.earning_fen
            clawed_total += clawed
            assert commission.earning_fen - clawed == kept.earning_fen
            assert (
                commission.amount_fen - sum(c.amount_fen for c in commission.clawbacks.all())
                == kept.amount_fen
            )
        elif commission.status != "invalid":
            assert (commission.amount_fen, commission.earning_fen) == (kept.amount_fen, kept.earning_fen)
            assert clawed == 0
    balance = promoter_balance(promoter=promoter)
    if balance["available_fen"] > 0:  # pay everything out
        row = withdrawal_request(promoter=promoter, amount_fen=balance["available_fen"], account="a@b.cn")
        withdrawal_review(operator=scene["operator"], withdrawal_id=row.pk, approve=True)
    for row in Withdrawal.objects.filter(promoter=promoter, status="pending"):
        withdrawal_review(operator=scene["operator"], withdrawal_id=row.pk, approve=True)
    balance = promoter_balance(promoter=promoter)
    paid_out = sum(
        Withdrawal.objects.filter(promoter=promoter, status="approved").values_list("amount_fen", flat=True)
    )
    assert paid_out + balance["available_fen"] == settled_total - clawed_total
    assert balance["available_fen"] <= 0  # nothing left, or a debt from a clawback after a payout
