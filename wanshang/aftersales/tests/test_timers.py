"""Timers that decide for the silent party, with the clock moved forward, and a worker down for days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.aftersales.services import (
    case_approve,
    case_open,
    case_return_ship,
    cases_due,
)
from wanshang.common import scheduler

pytestmark = pytest.mark.django_db

H, D = timedelta(hours=1), timedelta(days=1)


def _open(order, kind, reason, now, qty=1):
    line = order.lines.get(title="陶瓷杯")
    return case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type=kind,
        lines=[(line.pk, qty)],
        reason_id=reason.pk,
        now=now,
    )


def test_shop_silent_48h_on_an_unshipped_refund_only_refunds(order, reason):
    t0 = timezone.now()
    case = _open(order, "refund_only", reason("不想要了"), t0)
    assert cases_due(now=t0 + 47 * H) == 0
    assert cases_due(now=t0 + 49 * H) == 1
    case.refresh_from_db()
    assert case.status == "done" and case.refunds.get().status == "refunded"
    assert case.events.filter(role="system", to_status="approved").exists()
    assert cases_due(now=t0 + 49 * H) == 0  # idempotent


def test_return_request_silent_5_days_is_approved_with_the_default_address(
    order, receive, reason, address_book
):
    receive(order)
    t0 = timezone.now()
    case = _open(order, "return_refund", reason("质量问题"), t0)
    assert cases_due(now=t0 + 4 * D) == 0
    assert cases_due(now=t0 + 5 * D + H) == 1
    case.refresh_from_db()
    assert case.status == "awaiting_return" and case.return_address["contact"] == "王仓管"
    assert case.deadline_at == t0 + 5 * D + H + 7 * D  # the buyer's 7 days count from the decision


def test_without_a_return_address_the_platform_steps_in(order, receive, reason):
    receive(order)
    t0 = timezone.now()
    case = _open(order, "return_refund", reason("质量问题"), t0)
    cases_due(now=t0 + 6 * D)
    case.refresh_from_db()
    assert case.status == "arbitrating"


def test_buyer_not_shipping_in_7_days_closes_and_shop_not_confirming_in_10_refunds(
    make_order, shop, receive, reason, address_book
):
    slow_buyer, slow_shop = make_order(), make_order()
    for o in (slow_buyer, slow_shop):
        receive(o)
    t0 = timezone.now()
    a = _open(slow_buyer, "return_refund", reason("七天无理由"), t0)
    b = _open(slow_shop, "return_refund", reason("七天无理由"), t0)
    for c in (a, b):
        case_approve(shop=shop, case_id=c.pk, actor=shop.owner, now=t0)
    case_return_ship(buyer=slow_shop.buyer, case_id=b.pk, carrier="SF", tracking_no="SF99887766", now=t0 + D)
    assert cases_due(now=t0 + 6 * D) == 0
    assert cases_due(now=t0 + 7 * D + H) == 1
    a.refresh_from_db()
    assert a.status == "closed"
    assert cases_due(now=t0 + 10 * D) == 0
    assert cases_due(now=t0 + 11 * D + H) == 1
    b.refresh_from_db()
    assert b.status == "done" and b.refunds.get().amount_fen == 3000


def test_worker_down_for_weeks_catches_up_each_case_once(make_order, shop, receive, reason, address_book):
    """Nothing ran for 30 days: the scheduled job decides every case that fell due, one step each."""
    unshipped, delivered, approved = make_order(), make_order(), make_order()
    receive(delivered)
    receive(approved)
    t0 = timezone.now()
    r = _open(unshipped, "refund_only", reason("不想要了"), t0)
    q = _open(delivered, "return_refund", reason("质量问题"), t0)
    w = _open(approved, "return_refund", reason("质量问题"), t0)
    case_approve(shop=shop, case_id=w.pk, actor=shop.owner, now=t0)
    job = next(j for j in scheduler.jobs() if j.name == "aftersales.cases_due")
    assert scheduler.run_job(job, now=t0 + 30 * D) == 3
    for c in (r, q, w):
        c.refresh_from_db()
    assert (r.status, q.status, w.status) == ("done", "awaiting_return", "closed")
    assert scheduler.run_job(job, now=t0 + 30 * D) == 0
    assert scheduler.run_job(job, now=t0 + 38 * D) == 1  # q's buyer then had 7 days from the decision
    q.refresh_from_db()
    assert q.status == "closed"


def test_one_failing_case_does_not_stop_the_others(make_order, reason, monkeypatch):
    from wanshang.aftersales import timers

    first, second = make_order(), make_order()
    t0 = timezone.now()
    a = _open(first, "refund_only", reason("不想要了"), t0)
    b = _open(second, "refund_only", reason("不想要了"), t0 + H)
    real = timers._decide

    def decide(case, now):
        if case.pk == a.pk:
            raise RuntimeError("boom")
        return real(case, now)

    monkeypatch.setattr(timers, "_decide", decide)
    assert cases_due(now=t0 + 3 * D) == 1
    b.refresh_from_db()
    a.refresh_from_db()
    assert b.status == "done" and a.status == "requested"
