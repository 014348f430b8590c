"""CPM billing of 引力魔方 audience ads: impressions charged in blocks of 1000 per group and day through
`accounts.ad_charge`, once per block, and what a plan's CPM impressions owe before their block is charged (the
stop list counts it as spent). Rules: docs/ads-serving.md, "Audience ads (引力魔方)"."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from wanshang.ads.accounts import ad_charge
from wanshang.ads.audience_models import AudienceSetup, Billing, CpmCharge
from wanshang.ads.engine import audience as eng
from wanshang.ads.models import AdImpression, Placement
from wanshang.common.dates import day_bounds

CPM_BLOCK = 1000
CPM_CATCH_UP_DAYS = 7
LATE_IMPRESSIONS = timedelta(minutes=2)  # a day's impressions may reach the table this late (ads.ingest)


def cpm_uncharged_fen(*, plan_ids, day) -> dict:
    """plan id → what its CPM impressions of `day` cost that no block charged yet (rounded up: the stop list
    must not under-count)."""
    if not plan_ids:
        return {}
    start, end = day_bounds(day)
    accrued = dict(
        AdImpression.objects.filter(plan_id__in=list(plan_ids), ts__gte=start, ts__lt=end)
        .exclude(placement=Placement.SEARCH)
        .values_list("plan_id")
        .annotate(s=Sum("price_fen"))
    )
    blocks = dict(
        CpmCharge.objects.filter(plan_id__in=list(plan_ids), date=day)
        .values_list("plan_id")
        .annotate(s=Sum("amount_fen"))
    )
    return {p: max(0, -(-(accrued.get(p) or 0) // CPM_BLOCK) - (blocks.get(p) or 0)) for p in plan_ids}


# --- charging --------------------------------------------------------------------------------------------


@dataclass
class CpmRun:
    charged: int = 0
    unpaid: int = 0
    fen: int = 0


def _cpm_impressions(group_id: int, day):
    start, end = day_bounds(day)
    return (
        AdImpression.objects.filter(group_id=group_id, ts__gte=start, ts__lt=end)
        .exclude(placement=Placement.SEARCH)
        .order_by("id")
    )


def cpm_charge_due(now=None) -> CpmRun:
    """Charge every full block of 1000 CPM impressions per group and day (and a past day's last, shorter
    block) that has no charge yet. Idempotent: a block is one `CpmCharge` row (unique) and one ledger reference
    (`adcpm:<group>:<date>:<block>`); a run that died between the two finds the ledger's `duplicate` and writes
    the row. A block a budget or the balance refuses is `unpaid` — the budget is never passed."""
    now, run = now or timezone.now(), CpmRun()
    today = timezone.localdate(now)
    plans = {
        s.plan_id: s.plan for s in AudienceSetup.objects.filter(billing=Billing.CPM).select_related("plan")
    }
    since, _ = day_bounds(today - timedelta(days=CPM_CATCH_UP_DAYS))
    pairs = (
        AdImpression.objects.filter(plan_id__in=list(plans), ts__gte=since)
        .exclude(placement=Placement.SEARCH)
        .values_list("group_id", "plan_id")
        .distinct()
    )
    # a past day's short last block waits until its last impressions can have been ingested
    closed_before = timezone.localdate(now - LATE_IMPRESSIONS)
    for group_id, plan_id in sorted(pairs):
        for offset in range(CPM_CATCH_UP_DAYS, -1, -1):
            _charge_group_day(plans[plan_id], group_id, today - timedelta(days=offset), closed_before, run)
    return run


def _charge_group_day(plan, group_id, day, today, run) -> None:
    impressions = _cpm_impressions(group_id, day)
    total = impressions.count()
    if not total:
        return
    done = CpmCharge.objects.filter(group_id=group_id, date=day).count()
    last = total // CPM_BLOCK + (1 if day < today and total % CPM_BLOCK else 0)
    for block in range(done, last):
        rows = list(
            impressions.values_list("id", "price_fen", "ts")[block * CPM_BLOCK : (block + 1) * CPM_BLOCK]
        )
        amount = eng.cpm_block_fen(price for _id, price, _ts in rows)
        status = CpmCharge.Status.FREE
        if amount:
            result = ad_charge(
                group_id=group_id,
                price_fen=amount,
                ref=f"adcpm:{group_id}:{day.isoformat()}:{block}",
                now=rows[-1][2],
                clicks=0,
                note=f"千次展示扣费 {plan.name}",
            )
            ok = result.charged or result.reason == "duplicate"
            status = CpmCharge.Status.CHARGED if ok else CpmCharge.Status.UNPAID
        try:
            with transaction.atomic():
                CpmCharge.objects.create(
                    shop_id=plan.shop_id,
                    plan_id=plan.pk,
                    group_id=group_id,
                    date=day,
                    block=block,
                    impressions=len(rows),
                    last_impression_id=rows[-1][0],
                    amount_fen=amount,
                    status=status,
                )
        except IntegrityError:  # another run wrote this block at the same moment
            continue
        if status == CpmCharge.Status.CHARGED:
            run.charged, run.fen = run.charged + 1, run.fen + amount
        elif status == CpmCharge.Status.UNPAID:
            run.unpaid += 1
