"""The ad account's money: top-ups through payments, click charges against the hard budgets, refunds of invalid
clicks and the platform's adjustments. Every movement is one ledger row written in the transaction that moves
the balance; every debit is an atomic conditional update. docs/ads.md, "Money"."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wanshang.ads.models import AdAccount, AdGroup, AdKeyword, AdLedgerEntry, AdPlan, AdPlanDay, AdTopUp
from wanshang.ads.rules import ad_settings
from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wanshang.common.money import fen_to_yuan_str
from wanshang.common.spool import insert_rows
from wanshang.merchants.selectors import shop_sanctions
from wanshang.payments.selectors import available_gateways
from wanshang.payments.services import PURPOSE_AD_TOPUP, payment_create, payment_start, sandbox_pay

log = logging.getLogger("wanshang.ads")
Kind = AdLedgerEntry.Kind


def account_for_shop(*, shop) -> AdAccount:
    """The shop's ad account, opened (balance 0) on first use."""
    account, _ = AdAccount.objects.get_or_create(shop=shop)
    return account


def _post(
    *, account_id: int, shop_id: int, kind: str, delta_fen: int, reference: str, **fields
) -> AdLedgerEntry:
    """Inside the caller's transaction, after its update of the balance (which holds the account's row lock
    until the commit, so the balance read back is the one this movement produced)."""
    balance = AdAccount.objects.filter(pk=account_id).values_list("balance_fen", flat=True).get()
    return AdLedgerEntry.objects.create(
        account_id=account_id,
        shop_id=shop_id,
        kind=kind,
        amount_fen=delta_fen,
        balance_after_fen=balance,
        reference=reference,
        **fields,
    )


# --- top-up --------------------------------------------------------------------------------------------------


def topup_create(*, shop, user, amount_fen: int) -> AdTopUp:
    """Start a top-up: a pending payment with purpose `ad_topup` (paid at the gateway like any payment) and the
    row that credits the account once the payment arrives."""
    rules = ad_settings()
    if "no_ads" in shop_sanctions(shop_id=shop.pk):  # 体检中心 禁止推广 (docs/health.md)
        raise PermissionDenied("店铺体检中心扣分已达“禁止推广”处罚，暂不能充值推广账户；整改或申诉后可恢复")
    if not isinstance(amount_fen, int) or amount_fen < rules.min_topup_fen:
        raise ValidationError(f"充值金额不能低于 ¥{fen_to_yuan_str(rules.min_topup_fen)}", field="amount")
    if amount_fen > rules.max_topup_fen:
        raise ValidationError(f"单笔充值不能超过 ¥{fen_to_yuan_str(rules.max_topup_fen)}", field="amount")
    with transaction.atomic():
        account_for_shop(shop=shop)
        payment = payment_create(buyer=user, amount_fen=amount_fen, purpose=PURPOSE_AD_TOPUP)
        return AdTopUp.objects.create(
            shop=shop, payment_id=payment.pk, payment_no=payment.no, amount_fen=amount_fen, created_by=user
        )


def topup_gateways() -> list[tuple[str, str]]:
    """The gateways a top-up may be paid with (the cashier's; the sandbox only where it is enabled)."""
    return available_gateways()


def _pending_topup(shop, payment_no: str) -> AdTopUp:
    topup = AdTopUp.objects.for_shop(shop).filter(payment_no=payment_no).first()
    if topup is None:
        raise NotFound("充值单不存在")
    if topup.status != AdTopUp.Status.PENDING:
        raise Conflict("这笔充值已到账")
    return topup


def topup_pay_sandbox(*, shop, payment_no: str) -> str:
    """The sandbox cashier's 确认支付 for a top-up (demo and tests; refused where the sandbox is off). Any of
    the shop's staff may confirm it; the payment stays in the name of whoever started the top-up."""
    topup = _pending_topup(shop, payment_no)
    return sandbox_pay(buyer=topup.created_by, payment_no=topup.payment_no)


def topup_start(*, shop, payment_no: str, gateway_code: str, return_url: str, notify_url: str):
    """Pay a top-up at a real gateway (Alipay, WeChat Pay): returns the gateway's PaymentAction; the account is
    credited when its verified notification arrives (`payments.payment_notify` → PaymentSucceeded)."""
    topup = _pending_topup(shop, payment_no)
    return payment_start(
        buyer=topup.created_by,
        payment_no=topup.payment_no,
        gateway_code=gateway_code,
        return_url=return_url,
        notify_url=notify_url,
    )


def topup_credit(*, payment_id: int, amount_fen: int, now=None) -> AdLedgerEntry | None:
    """PaymentSucceeded for an ad top-up (inside the payment's transaction): credit the account once.

    A replayed event finds the top-up credited and does nothing; the ledger's unique (kind, reference) would
    refuse a second credit anyway. A payment of another purpose, or an amount that differs, is not credited."""
    topup = AdTopUp.objects.select_for_update().filter(payment_id=payment_id).first()
    if topup is None:
        log.error("ad top-up payment %s has no top-up row", payment_id)
        return None
    if topup.status == AdTopUp.Status.CREDITED:
        return None
    if amount_fen != topup.amount_fen:
        raise Conflict("充值金额与支付金额不符")
    account = account_for_shop(shop=topup.shop)
    AdAccount.objects.filter(pk=account.pk).update(balance_fen=F("balance_fen") + amount_fen)
    entry = _post(
        account_id=account.pk,
        shop_id=topup.shop_id,
        kind=Kind.TOPUP,
        delta_fen=amount_fen,
        reference=topup.payment_no,
        note="推广账户充值",
        actor_id=topup.created_by_id,
    )
    topup.status = AdTopUp.Status.CREDITED
    topup.credited_at = now or timezone.now()
    topup.save(update_fields=["status", "credited_at"])
    return entry


# --- a click's charge ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChargeResult:
    charged: bool
    reason: str = ""  # "" / duplicate / daily_budget / total_budget / balance (or why the charge is invalid)
    entry: AdLedgerEntry | None = None
    invalid: bool = False  # ad_charge_batch: the charge itself is not allowed (group gone, price too high)


class _Refused(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _today(now) -> date:
    return timezone.localdate(now)


def _day_row(plan: AdPlan, day: date) -> AdPlanDay:
    row, _ = AdPlanDay.objects.get_or_create(plan=plan, date=day, defaults={"shop_id": plan.shop_id})
    return row


def ad_charge(
    *,
    group_id: int,
    price_fen: int,
    ref: str,
    keyword_id: int | None = None,
    now=None,
    clicks: int = 1,
    note: str = "",
) -> ChargeResult:
    """Charge one click of `price_fen` to the group's plan and shop. One transaction, three atomic conditional
    updates, in this order for every charge (so two charges never wait on each other in a cycle):

    1. the plan's day: `spend + price <= daily budget` (and one more click);
    2. the plan: `total_spend + price <= total budget` when it has one;
    3. the account: `balance >= price`;

    then the ledger row, unique per `ref` (the click's id): a retried charge is answered `duplicate`. When a guard
    fails nothing is charged (the transaction rolls back) and the plan's day is marked exhausted with the reason,
    so serving stops for the day. A click is charged whatever the plan's status now: it was shown before.
    A CPM block of impressions (`audience_cpm.cpm_charge_due`) is charged the same way with `clicks=0`.
    """
    if not isinstance(price_fen, int) or price_fen <= 0:
        raise ValidationError("扣费金额必须大于 0", field="price")
    if price_fen > ad_settings().max_bid_fen:
        raise ValidationError("扣费金额超过平台最高出价", field="price")
    ref = (ref or "").strip()
    if not ref or len(ref) > 64:
        raise ValidationError("扣费需要 64 字以内的点击编号", field="ref")
    group = AdGroup.objects.select_related("plan").filter(pk=group_id).first()
    if group is None:
        raise NotFound("推广单元不存在")
    if keyword_id is not None and not AdKeyword.objects.filter(pk=keyword_id, group_id=group_id).exists():
        raise NotFound("关键词不存在")
    plan, now = group.plan, now or timezone.now()
    if _charged(ref):
        return ChargeResult(False, "duplicate")
    day = _day_row(plan, _today(now))
    try:
        with transaction.atomic():
            entry = _charge_guarded(
                plan=plan,
                day=day,
                group=group,
                keyword_id=keyword_id,
                price_fen=price_fen,
                ref=ref,
                clicks=clicks,
                note=note,
            )
    except _Refused as refused:
        if _charged(ref):
            # the same charge made at the same moment by another process, committed while our guard waited on its
            # row locks: its spend is what refused ours. It stands; this is not an exhausted budget.
            return ChargeResult(False, "duplicate")
        _mark_exhausted(day_id=day.pk, reason=refused.reason, now=now)
        return ChargeResult(False, refused.reason)
    except IntegrityError:
        # the same click charged at the same moment by another process: its charge stands, ours rolled back
        if _charged(ref):
            return ChargeResult(False, "duplicate")
        raise
    return ChargeResult(True, "", entry)


def _charged(ref: str) -> bool:
    """Whether a charge with this reference is in the ledger (committed, as this statement sees it)."""
    return AdLedgerEntry.objects.filter(kind=Kind.CHARGE, reference=ref).exists()


def _charge_guarded(*, plan, day, group, keyword_id, price_fen, ref, clicks=1, note="") -> AdLedgerEntry:
    if not AdPlanDay.objects.filter(pk=day.pk, spend_fen__lte=plan.daily_budget_fen - price_fen).update(
        spend_fen=F("spend_fen") + price_fen, clicks=F("clicks") + clicks
    ):
        raise _Refused(AdPlanDay.Stop.DAILY_BUDGET)
    plans = AdPlan.objects.filter(pk=plan.pk)
    if plan.total_budget_fen is not None:
        plans = plans.filter(total_spend_fen__lte=F("total_budget_fen") - price_fen)
    if not plans.update(total_spend_fen=F("total_spend_fen") + price_fen):
        raise _Refused(AdPlanDay.Stop.TOTAL_BUDGET)
    account = AdAccount.objects.filter(shop_id=plan.shop_id).values_list("pk", flat=True).first()
    if account is None or not AdAccount.objects.filter(pk=account, balance_fen__gte=price_fen).update(
        balance_fen=F("balance_fen") - price_fen
    ):
        raise _Refused(AdPlanDay.Stop.BALANCE)
    return _post(
        account_id=account,
        shop_id=plan.shop_id,
        kind=Kind.CHARGE,
        delta_fen=-price_fen,
        reference=ref,
        note=(note or f"点击扣费 {plan.name}")[:200],
        plan_id=plan.pk,
        group_id=group.pk,
        keyword_id=keyword_id,
    )


def _mark_exhausted(*, day_id: int, reason: str, now) -> None:
    AdPlanDay.objects.filter(pk=day_id, exhausted_at__isnull=True).update(
        exhausted_at=now, exhausted_reason=reason
    )


# --- a batch of clicks' charges (the ads ingest job) ----------------------------------------------------------


@dataclass(frozen=True)
class ChargeItem:
    ref: str  # the ledger reference, unique per click: `adclick:<id>`
    group_id: int
    price_fen: int
    keyword_id: int | None
    now: object  # the click's time: its plan day


class ChargeConflict(Exception):
    """A guarded update found less room than the locked rows said: the batch rolls back (and is retried)."""


def ad_charge_batch(*, items: list[ChargeItem]) -> dict[str, ChargeResult]:
    """Charge many clicks in the caller's transaction, in their order, with the same hard limits as
    `ad_charge`: {ref: ChargeResult}. The rows are locked in `ad_charge`'s order (every plan day by primary key,
    then every plan, then every account), so a batch and single charges never wait on each other in a cycle;
    each click is checked against the locked values as the earlier ones left them (daily budget, total budget,
    balance: a refused click changes nothing and marks its day exhausted, as a refused `ad_charge` does); then
    one conditional UPDATE per day, plan and account adds up the accepted clicks (a guard that finds less room
    raises ChargeConflict: the batch rolls back), and the ledger rows go in together with their running
    balances. A reference already in the ledger is answered `duplicate`; a charge that is not allowed (group
    gone, a price above the platform's maximum bid) is answered `invalid` with the reason."""
    results: dict[str, ChargeResult] = {}
    max_bid = ad_settings().max_bid_fen
    groups = {
        g.pk: g for g in AdGroup.objects.select_related("plan").filter(pk__in={i.group_id for i in items})
    }
    done = set(
        AdLedgerEntry.objects.filter(kind=Kind.CHARGE, reference__in=[i.ref for i in items]).values_list(
            "reference", flat=True
        )
    )
    todo = []
    for item in items:
        if item.ref in done:
            results[item.ref] = ChargeResult(False, "duplicate")
        elif not isinstance(item.price_fen, int) or item.price_fen <= 0:
            results[item.ref] = ChargeResult(False, "扣费金额必须大于 0", invalid=True)
        elif item.price_fen > max_bid:
            results[item.ref] = ChargeResult(False, "扣费金额超过平台最高出价", invalid=True)
        elif item.group_id not in groups:
            results[item.ref] = ChargeResult(False, "推广单元不存在", invalid=True)
        else:
            done.add(item.ref)
            todo.append((item, groups[item.group_id].plan, _today(item.now)))
    if todo:
        results.update(_batch_guarded(todo))
    return results


def _locked_days(todo) -> dict:
    plans = {plan.pk: plan for _i, plan, _d in todo}
    wanted = {(plan.pk, day) for _i, plan, day in todo}
    AdPlanDay.objects.bulk_create(  # in key order: two batches inserting the same new days never deadlock
        [AdPlanDay(plan_id=p, date=d, shop_id=plans[p].shop_id) for p, d in sorted(wanted)],
        ignore_conflicts=True,
    )
    days = AdPlanDay.objects.filter(plan_id__in=plans, date__in={d for _p, d in wanted}).order_by("pk")
    return {(row.plan_id, row.date): row for row in days.select_for_update()}


LEDGER_FIELDS = (
    "shop_id",
    "account_id",
    "kind",
    "amount_fen",
    "balance_after_fen",
    "reference",
    "note",
    "plan_id",
    "group_id",
    "keyword_id",
    "created_at",
)


def _batch_guarded(todo) -> dict[str, ChargeResult]:
    at = timezone.now()
    days = _locked_days(todo)
    plans = {
        p.pk: p
        for p in AdPlan.objects.filter(pk__in={plan.pk for _i, plan, _d in todo})
        .order_by("pk")
        .select_for_update()
    }
    accounts = {
        a.shop_id: a
        for a in AdAccount.objects.filter(shop_id__in={p.shop_id for p in plans.values()})
        .order_by("pk")
        .select_for_update()
    }
    results, added, entries, exhausted = {}, defaultdict(lambda: [0, 0]), [], {}
    for item, _plan, date_ in todo:
        plan, day = plans[_plan.pk], days[(_plan.pk, date_)]
        account = accounts.get(plan.shop_id)
        price = item.price_fen
        if day.spend_fen + price > plan.daily_budget_fen:
            reason = AdPlanDay.Stop.DAILY_BUDGET
        elif plan.total_budget_fen is not None and plan.total_spend_fen + price > plan.total_budget_fen:
            reason = AdPlanDay.Stop.TOTAL_BUDGET
        elif account is None or account.balance_fen < price:
            reason = AdPlanDay.Stop.BALANCE
        else:
            reason = ""
        if reason:
            exhausted.setdefault(day.pk, (reason, item.now))
            results[item.ref] = ChargeResult(False, reason)
            continue
        day.spend_fen += price
        plan.total_spend_fen += price
        account.balance_fen -= price
        for key in (("day", day.pk), ("plan", plan.pk), ("account", account.pk)):
            added[key][0] += price
            added[key][1] += 1
        entries.append(
            (
                plan.shop_id,
                account.pk,
                Kind.CHARGE,
                -price,
                account.balance_fen,
                item.ref,
                f"点击扣费 {plan.name}"[:200],
                plan.pk,
                item.group_id,
                item.keyword_id,
                at,
            )
        )
        results[item.ref] = ChargeResult(True, "")
    _apply(added, days, plans)
    # one COPY / executemany, no model instances (they cost more than the insert); `entry` stays None
    insert_rows(AdLedgerEntry, list(LEDGER_FIELDS), entries)
    for day_id, (reason, when) in exhausted.items():
        _mark_exhausted(day_id=day_id, reason=reason, now=when)
    return results


def _apply(added: dict, days: dict, plans: dict) -> None:
    """The accepted clicks' sums, each through the conditional update `ad_charge` uses."""
    budgets = {row.pk: plans[row.plan_id].daily_budget_fen for row in days.values()}
    order = ("day", "plan", "account")  # the lock order
    for (kind, pk), (fen, clicks) in sorted(added.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
        if kind == "day":
            ok = AdPlanDay.objects.filter(pk=pk, spend_fen__lte=budgets[pk] - fen).update(
                spend_fen=F("spend_fen") + fen, clicks=F("clicks") + clicks
            )
        elif kind == "plan":
            rows = AdPlan.objects.filter(pk=pk)
            if plans[pk].total_budget_fen is not None:
                rows = rows.filter(total_spend_fen__lte=F("total_budget_fen") - fen)
            ok = rows.update(total_spend_fen=F("total_spend_fen") + fen)
        else:
            ok = AdAccount.objects.filter(pk=pk, balance_fen__gte=fen).update(
                balance_fen=F("balance_fen") - fen
            )
        if not ok:
            raise ChargeConflict(f"{kind} {pk}: less room than its locked row showed")


def invalid_click_refund(*, charge_ref: str, reason: str, actor=None) -> AdLedgerEntry:
    """Give back a charged click found invalid (a bot, a repeated click): the balance, the plan's day spend and
    total spend. Once per charge: the refund's reference is the charge's."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写退款原因", field="reason")
    charge = AdLedgerEntry.objects.filter(kind=Kind.CHARGE, reference=charge_ref).first()
    if charge is None:
        raise NotFound("扣费记录不存在")
    amount = -charge.amount_fen
    try:
        with transaction.atomic():
            day = timezone.localdate(charge.created_at)
            if charge.plan_id:
                # same order as a charge: the day, the plan, the account
                AdPlanDay.objects.filter(plan_id=charge.plan_id, date=day, spend_fen__gte=amount).update(
                    spend_fen=F("spend_fen") - amount
                )
                AdPlan.objects.filter(pk=charge.plan_id, total_spend_fen__gte=amount).update(
                    total_spend_fen=F("total_spend_fen") - amount
                )
            AdAccount.objects.filter(pk=charge.account_id).update(balance_fen=F("balance_fen") + amount)
            return _post(
                account_id=charge.account_id,
                shop_id=charge.shop_id,
                kind=Kind.REFUND,
                delta_fen=amount,
                reference=charge_ref,
                note=f"无效点击退款：{reason}"[:200],
                plan_id=charge.plan_id,
                group_id=charge.group_id,
                keyword_id=charge.keyword_id,
                actor=actor,
            )
    except IntegrityError as exc:
        raise Conflict("该点击已经退过款") from exc


def account_adjust(*, shop_id: int, amount_fen: int, reason: str, reference: str, actor) -> AdLedgerEntry:
    """平台调账: credit (+) or debit (−) a shop's ad account with a reason; the ledger row names the operator.
    A debit larger than the balance is refused (the balance never goes negative). `reference` makes a
    resubmitted form harmless: one adjustment per reference."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写调账原因", field="reason")
    if not isinstance(amount_fen, int) or amount_fen == 0:
        raise ValidationError("调账金额不能为 0", field="amount")
    if abs(amount_fen) > ad_settings().max_topup_fen:
        raise ValidationError("单笔调账金额过大", field="amount")
    reference = (reference or "").strip()[:64]
    if not reference:
        raise ValidationError("缺少调账单号", field="reference")
    account = AdAccount.objects.filter(shop_id=shop_id).first()
    if account is None:
        raise NotFound("该店铺没有推广账户")
    accounts = AdAccount.objects.filter(pk=account.pk)
    if amount_fen < 0:
        accounts = accounts.filter(balance_fen__gte=-amount_fen)
    try:
        with transaction.atomic():
            if not accounts.update(balance_fen=F("balance_fen") + amount_fen):
                raise ValidationError("扣减金额超过账户余额", field="amount")
            return _post(
                account_id=account.pk,
                shop_id=shop_id,
                kind=Kind.ADJUST,
                delta_fen=amount_fen,
                reference=reference,
                note=reason[:200],
                actor=actor,
            )
    except IntegrityError as exc:
        raise Conflict("这笔调账已经提交过") from exc
