"""Commission states through the real order flow: paid → received → settled (the shop charged once);
refunds before settlement lower or void it; refunds after settlement claw back; cancellations void it."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.affiliates.models import Clawback, Commission
from wanshang.affiliates.selectors import promoter_balance
from wanshang.affiliates.services import commission_cancel, commission_refund, commissions_settle
from wanshang.orders.selectors import order_facts
from wanshang.payments.models import SettlementEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def attributed(buyer, aff_product, promoter, click_for, place_paid):
    click_for(promoter, aff_product, buyer=buyer)
    return place_paid(buyer, aff_product, qty=2)


def test_receipt_confirms_and_the_job_settles_after_the_freeze(settings, attributed, receive, promoter):
    settings.WANSHANG = {**settings.WANSHANG, "AFFILIATE_FREEZE_DAYS": 15}
    receive(attributed)
    commission = Commission.objects.get(order=attributed)
    assert commission.status == Commission.Status.CONFIRMED
    assert commission.settle_due_at == commission.confirmed_at + timedelta(days=15)

    assert commissions_settle(now=timezone.now() + timedelta(days=14)) == 0
    later = timezone.now() + timedelta(days=16)
    assert commissions_settle(now=later) == 1
    assert commissions_settle(now=later) == 0  # idempotent
    commission.refresh_from_db()
    assert commission.status == Commission.Status.SETTLED
    charge = SettlementEntry.objects.get(order=attributed, kind="aff")
    assert charge.net_fen == -commission.amount_fen == -1980
    assert promoter_balance(promoter=promoter)["available_fen"] == commission.earning_fen


def test_unreceived_commission_never_settles(attributed):
    assert commissions_settle(now=timezone.now() + timedelta(days=365)) == 0
    assert Commission.objects.get(order=attributed).status == Commission.Status.ESTIMATED


def test_full_refund_before_settlement_voids_it(shop, attributed, buyer, django_capture_on_commit_callbacks):
    from wanshang.aftersales.services import refund_approve, refund_request

    refund = refund_request(buyer=buyer, order_id=attributed.pk, reason="不想要了")
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
    commission = Commission.objects.get(order=attributed)
    assert commission.status == Commission.Status.INVALID
    assert commission.amount_fen == 0


def test_partial_refund_before_settlement_lowers_it_proportionally(
    shop, attributed, buyer, django_capture_on_commit_callbacks
):
    from wanshang.aftersales.services import refund_approve, refund_request

    line = attributed.lines.get()
    refund = refund_request(buyer=buyer, order_id=attributed.pk, reason="买多了一件", lines=[(line.pk, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
    commission = Commission.objects.get(order=attributed)
    assert commission.status == Commission.Status.ESTIMATED
    assert (commission.base_fen, commission.amount_fen) == (9900, 990)


def test_refund_after_settlement_claws_back_and_never_edits_the_settled_row(attributed, receive, promoter):
    receive(attributed)
    commissions_settle(now=timezone.now() + timedelta(days=60))
    commission = Commission.objects.get(order=attributed)
    before = Commission.objects.filter(pk=commission.pk).values().get()
    attributed.refresh_from_db()
    facts = order_facts(attributed)
    line = facts.lines[0]
    half = replace(facts, lines=(replace(line, refunded_qty=1, refunded_fen=line.payable_fen // 2),))
    commission_refund(order=half, refund_no="R1", is_full=False, at=timezone.now())
    commission_refund(order=half, refund_no="R1", is_full=False, at=timezone.now())  # a repeat: nothing twice
    assert Commission.objects.filter(pk=commission.pk).values().get() == before
    clawback = Clawback.objects.get(commission=commission)
    assert (clawback.amount_fen, clawback.fee_fen, clawback.earning_fen) == (990, 99, 891)
    credit = SettlementEntry.objects.get(order=attributed, kind="aff_back")
    assert credit.net_fen == 990
    assert promoter_balance(promoter=promoter)["available_fen"] == 1782 - 891


def test_cancellation_voids_an_open_commission(attributed):
    commission_cancel(order_id=attributed.pk, reason="订单已取消")
    assert Commission.objects.get(order=attributed).status == Commission.Status.INVALID
