"""Commissions through their states (docs/affiliates.md "States"):

estimated (the order was paid) → confirmed (received) → settled (the freeze period passed; the shop's
settlement is charged once) — or invalid (cancelled, or refunded in full before it settled). A refund before
settlement lowers the commission in place; a refund after settlement adds a `Clawback` and gives the shop the
same amount back in its settlement ledger: a settled row never changes.

The order-event handlers run inside the order's transaction (the order row is locked by its publisher); each
locks the commission row after it. The settle job locks only the commission row.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from wanshang.affiliates.conf import conf
from wanshang.affiliates.models import Clawback, Commission, CommissionLine
from wanshang.affiliates.rules import Split, fee_split, kept_base, line_commission
from wanshang.affiliates.tracking import last_click, rates_for
from wanshang.common.domain_events import OrderFacts
from wanshang.payments.services import (
    SETTLEMENT_KIND_AFFILIATE,
    SETTLEMENT_KIND_AFFILIATE_BACK,
    settlement_charge,
    settlement_credit,
)

S = Commission.Status
OPEN = (S.ESTIMATED, S.CONFIRMED)
SELF_PURCHASE_REASON = "达人自购：通过自己的推广链接下单，不计佣金"


def commission_attribute(*, order: OrderFacts, at) -> Commission | None:
    """An order was paid: attribute it to the last click of its visitor on a link of its shop within the window
    and write the estimated commission (its lines at the promoter's rates). Idempotent per order.
    The promoter's own order (its buyer is the promoter's user) is written invalid with SELF_PURCHASE_REASON,
    so it shows in their center with the reason and never pays, unless AFFILIATE_SELF_PURCHASE_PAYS."""
    existing = Commission.objects.filter(order_id=order.order_id).first()
    if existing is not None:
        return existing
    click = last_click(shop_id=order.shop_id, visitor=order.visitor, buyer_id=order.buyer_id, at=at)
    if click is None:
        return None
    rates = rates_for(
        shop_id=order.shop_id,
        promoter_id=click.promoter_id,
        product_ids={line.product_id for line in order.lines},
    )
    lines = []
    for line in order.lines:
        if line.product_id not in rates:
            continue
        kind, rate = rates[line.product_id]
        base = kept_base(payable_fen=line.payable_fen, refunded_fen=line.refunded_fen)
        lines.append(
            CommissionLine(
                line_id=line.line_id,
                product_id=line.product_id,
                plan_kind=kind,
                rate_bps=rate,
                base_fen=base,
                amount_fen=line_commission(base_fen=base, rate_bps=rate),
            )
        )
    amount = sum(line.amount_fen for line in lines)
    if amount <= 0:
        return None
    fee_bps = conf("SERVICE_FEE_BPS")
    split = fee_split(amount_fen=amount, fee_bps=fee_bps)
    own = click.promoter.user_id == order.buyer_id and not conf("SELF_PURCHASE_PAYS")
    commission = Commission.objects.create(
        status=S.INVALID if own else S.ESTIMATED,
        invalid_reason=SELF_PURCHASE_REASON if own else "",
        shop_id=order.shop_id,
        order_id=order.order_id,
        promoter_id=click.promoter_id,
        click=click,
        base_fen=sum(line.base_fen for line in lines),
        amount_fen=split.amount_fen,
        fee_fen=split.fee_fen,
        earning_fen=split.earning_fen,
        fee_bps=fee_bps,
        paid_at=at,
    )
    for line in lines:
        line.commission = commission
    CommissionLine.objects.bulk_create(lines)
    return commission


def _locked(order_id: int) -> Commission | None:
    return Commission.objects.select_for_update().filter(order_id=order_id).first()


def commission_confirm(*, order_id: int, at) -> Commission | None:
    """The buyer received the order: estimated → confirmed; settles after AFFILIATE_FREEZE_DAYS."""
    commission = _locked(order_id)
    if commission is None or commission.status != S.ESTIMATED:
        return commission
    commission.status = S.CONFIRMED
    commission.confirmed_at = at
    commission.settle_due_at = at + timedelta(days=conf("FREEZE_DAYS"))
    commission.save(update_fields=["status", "confirmed_at", "settle_due_at", "updated_at"])
    return commission


def commission_cancel(*, order_id: int, reason: str) -> Commission | None:
    """The order was cancelled: an unsettled commission becomes invalid."""
    commission = _locked(order_id)
    if commission is None or commission.status not in OPEN:
        return commission
    commission.status, commission.invalid_reason = S.INVALID, reason[:100]
    commission.save(update_fields=["status", "invalid_reason", "updated_at"])
    return commission


def _recomputed(commission: Commission, order: OrderFacts) -> tuple[list[CommissionLine], Split]:
    """The commission's lines at their rates on what the buyer kept, as the order now stands."""
    facts = {line.line_id: line for line in order.lines}
    lines = list(commission.lines.all())
    for line in lines:
        fact = facts.get(line.line_id)
        if fact is not None:
            line.base_fen = kept_base(payable_fen=fact.payable_fen, refunded_fen=fact.refunded_fen)
            line.amount_fen = line_commission(base_fen=line.base_fen, rate_bps=line.rate_bps)
    amount = sum(line.amount_fen for line in lines)
    return lines, fee_split(amount_fen=amount, fee_bps=commission.fee_bps)


def clawed_back(commission: Commission) -> Split:
    sums = commission.clawbacks.aggregate(a=Sum("amount_fen"), f=Sum("fee_fen"), e=Sum("earning_fen"))
    return Split(sums["a"] or 0, sums["f"] or 0, sums["e"] or 0)


def commission_refund(*, order: OrderFacts, refund_no: str, is_full: bool, at) -> Commission | None:
    """A refund completed (its units are on the order's lines). Before settlement the commission is lowered to
    the commission of what was kept (invalid when nothing is left); after settlement a clawback takes the
    difference back from the promoter and gives it back to the shop. Idempotent per refund."""
    commission = _locked(order.order_id)
    if commission is None or commission.status == S.INVALID:
        return commission
    lines, target = _recomputed(commission, order)
    if commission.status in OPEN:
        for line in lines:
            line.save(update_fields=["base_fen", "amount_fen"])
        commission.base_fen = sum(line.base_fen for line in lines)
        commission.amount_fen, commission.fee_fen, commission.earning_fen = (
            target.amount_fen,
            target.fee_fen,
            target.earning_fen,
        )
        if is_full or target.amount_fen == 0:
            commission.status, commission.invalid_reason = S.INVALID, "订单已退款"
        commission.save()
        return commission
    if commission.clawbacks.filter(ref=refund_no).exists():
        return commission
    settled = Split(commission.amount_fen, commission.fee_fen, commission.earning_fen)
    back = settled.minus(clawed_back(commission)).minus(target)
    if back.amount_fen <= 0:
        return commission
    Clawback.objects.create(
        commission=commission,
        promoter_id=commission.promoter_id,
        shop_id=commission.shop_id,
        ref=refund_no,
        amount_fen=back.amount_fen,
        fee_fen=back.fee_fen,
        earning_fen=back.earning_fen,
        created_at=at,
    )
    settlement_credit(
        shop_id=commission.shop_id,
        order_id=commission.order_id,
        kind=SETTLEMENT_KIND_AFFILIATE_BACK,
        amount_fen=back.amount_fen,
        ref=refund_no,
        now=at,
    )
    return commission


def commissions_settle(*, now=None) -> int:
    """The `affiliates.settle` job: confirmed commissions past their freeze period become settled (the promoter
    may withdraw them) and the shop's settlement is charged their amount, once (ledger ref = the commission's
    id). Selects its work from the state, so a repeated run does nothing twice and a missed run catches up."""
    now = now or timezone.now()
    ids = list(
        Commission.objects.filter(status=S.CONFIRMED, settle_due_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            commission = Commission.objects.select_for_update().filter(pk=pk, status=S.CONFIRMED).first()
            if commission is None:
                continue
            commission.status, commission.settled_at = S.SETTLED, now
            commission.save(update_fields=["status", "settled_at", "updated_at"])
            settlement_charge(
                shop_id=commission.shop_id,
                order_id=commission.order_id,
                kind=SETTLEMENT_KIND_AFFILIATE,
                amount_fen=commission.amount_fen,
                ref=f"c{commission.pk}",
                now=now,
            )
        done += 1
    return done
