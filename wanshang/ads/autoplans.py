"""全站推广 (goal-based plans): create and edit a plan of kind `auto` — products, a daily budget and a target
投产比 — and the hourly λ controller (`autobid_tick`). docs/ads.md, "全站推广".

A goal plan is an `AdPlan` (kind `auto`) with an `AutoPlan` row (the target, λ) and one `AdGroup` per product,
whose keywords are derived from the product's title and category words (broad match, no bid of their own):
serving gives every keyword of a group the product's bid from `autobidding.group_bids`. So impressions, clicks,
charges, attribution and the keyword reports work for goal plans exactly as for keyword plans.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from wanshang.ads import throttle
from wanshang.ads.autobidding import product_values
from wanshang.ads.autoplan_models import LAMBDA_SCALE, ROAS_SCALE, AutoPlan, AutoPlanHour
from wanshang.ads.engine import autobid, pacing
from wanshang.ads.engine.autobid import target_roas_bid
from wanshang.ads.models import AdGroup, AdKeyword, AdLedgerEntry, AdPlan, MatchType
from wanshang.ads.rules import ad_settings
from wanshang.ads.serving import serving_invalidate
from wanshang.ads.traffic_models import AdConversion
from wanshang.catalog.selectors import seller_product_list
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.common.money import fen_to_yuan_str
from wanshang.search.selectors import index_words, query_words

MAX_PRODUCTS = 20
KEYWORDS_PER_PRODUCT = 20
TARGET_MIN_CENTI = 50  # 投产比 0.50: below it the plan spends twice what it sells
TARGET_MAX_CENTI = 5_000  # 50.00: no traffic returns that; a typo (300 for 3.00) more likely
BUDGET_MAX_FEN = 100_000_000
MAX_CATCH_UP_HOURS = 24
HOUR = timedelta(hours=1)


@dataclass
class AutoPlanInput:
    name: str
    product_ids: list[int]
    daily_budget_fen: int
    target_roas_centi: int  # 300 = 投产比 3.00
    start_date: date
    end_date: date | None = None
    pacing: str = AdPlan.Pacing.STANDARD
    on_pc: bool = True
    on_mobile: bool = True
    total_budget_fen: int | None = field(default=None)


# --- checks --------------------------------------------------------------------------------------------------


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _products(shop, product_ids) -> list:
    """The shop's products on sale among `product_ids`, in order; a clear refusal otherwise (another shop's
    product reads as not found, never as someone else's)."""
    if not isinstance(product_ids, list | tuple) or not product_ids:
        raise ValidationError("请至少选择一个推广商品", field="products")
    if not all(_int(p) and p > 0 for p in product_ids):
        raise ValidationError("商品编号无效", field="products")
    ids = list(dict.fromkeys(product_ids))
    if len(ids) > MAX_PRODUCTS:
        raise ValidationError(f"一个全站推广计划最多推广 {MAX_PRODUCTS} 个商品", field="products")
    found = {p.pk: p for p in seller_product_list(shop=shop).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(f"商品 {missing[0]} 不存在或不属于本店", field="products")
    off = [found[i] for i in ids if found[i].status != "on_sale"]
    if off:
        raise ValidationError(f"“{off[0].title[:20]}”未在出售中，不能推广", field="products")
    return [found[i] for i in ids]


def one_click_fen(*, products, target_roas_centi: int, now=None) -> int:
    """The largest click price the plan may pay on its first day: the highest of its products' bids at λ = 1
    (the click's value at the target), and at least the reserve price."""
    rules = ad_settings()
    values = product_values(products, now=now)
    bids = [
        target_roas_bid(
            lam=1.0,
            pcvr=values[p.pk].pcvr,
            order_value_fen=values[p.pk].order_value_fen,
            target_roas=target_roas_centi / ROAS_SCALE,
            max_bid_fen=rules.max_bid_fen,
        )
        for p in products
    ]
    return max([rules.reserve_price_fen, *bids])


def _check(shop, data: AutoPlanInput) -> list:
    name = (data.name or "").strip() if isinstance(data.name, str) else ""
    if not name or len(name) > 40:
        raise ValidationError("计划名称须为 1–40 个字", field="name")
    data.name = name
    target = data.target_roas_centi
    if not _int(target) or target <= 0:
        raise ValidationError("目标投产比必须大于 0", field="target_roas")
    if not TARGET_MIN_CENTI <= target <= TARGET_MAX_CENTI:
        raise ValidationError(
            f"目标投产比须在 {TARGET_MIN_CENTI / ROAS_SCALE:.2f}–{TARGET_MAX_CENTI / ROAS_SCALE:.2f} 之间",
            field="target_roas",
        )
    if data.pacing not in AdPlan.Pacing.values:
        raise ValidationError("投放方式无效", field="pacing")
    if not (data.on_pc or data.on_mobile):
        raise ValidationError("请至少选择一个投放终端", field="terminals")
    if data.end_date is not None and data.end_date < data.start_date:
        raise ValidationError("结束日期不能早于开始日期", field="end_date")
    products = _products(shop, data.product_ids)
    budget = data.daily_budget_fen
    if not _int(budget) or budget <= 0:
        raise ValidationError("日预算必须大于 0", field="daily_budget")
    if budget > BUDGET_MAX_FEN:
        raise ValidationError("日预算过大", field="daily_budget")
    floor = one_click_fen(products=products, target_roas_centi=target)
    if budget < floor:
        raise ValidationError(
            f"日预算不能低于一次点击的价格 ¥{fen_to_yuan_str(floor)}（按目标投产比的出价或平台底价）",
            field="daily_budget",
        )
    if data.total_budget_fen is not None and (
        not _int(data.total_budget_fen) or data.total_budget_fen < budget
    ):
        raise ValidationError("总预算不能低于日预算", field="total_budget")
    return products


# --- keywords derived from a product -------------------------------------------------------------------------


def derived_words(product) -> list[tuple[str, tuple[str, ...]]]:
    """(word, tokens) the plan bids on for `product`: the words of its title and category name as the search box
    cuts them, and the shorter words inside long ones (search mode), two characters or more, at most
    `KEYWORDS_PER_PRODUCT`. Each is one broad keyword: a query containing the word (or a synonym) matches."""
    category = getattr(product.category, "name", "") or ""
    candidates = [*query_words(product.title), *query_words(category), *index_words(product.title)]
    out, seen = [], set()
    for word in candidates:
        if len(word) < 2 or word.isdigit():
            continue
        tokens = tuple(query_words(word))
        if not tokens or tokens in seen:
            continue
        seen.add(tokens)
        out.append((word[:40], tokens))
        if len(out) >= KEYWORDS_PER_PRODUCT:
            break
    return out


def _sync_keywords(group: AdGroup, product) -> None:
    words = derived_words(product)
    wanted = {w for w, _ in words}
    AdKeyword.objects.filter(group=group).exclude(word__in=wanted).update(status=AdKeyword.Status.PAUSED)
    AdKeyword.objects.filter(group=group, word__in=wanted).update(status=AdKeyword.Status.ACTIVE)
    have = set(AdKeyword.objects.filter(group=group).values_list("word", flat=True))
    AdKeyword.objects.bulk_create(
        [
            AdKeyword(
                shop_id=group.shop_id,
                group=group,
                word=w,
                tokens=list(t),
                bid_fen=None,
                match_type=MatchType.BROAD,
            )
            for w, t in words
            if w not in have
        ]
    )


def _active_words(group_ids) -> set:
    return set(
        AdKeyword.objects.filter(group_id__in=group_ids, status=AdKeyword.Status.ACTIVE).values_list(
            "group_id", "word"
        )
    )


def autoplan_keywords_refresh(*, product_id: int) -> int:
    """Re-derive the keywords of the product's groups in goal plans (not ended) from its title and category as
    they are now: the catalog's `ProductSaved` subscriber, after the product's commit. Under the plans' row
    locks in id order (the lock `autoplan_update` takes), so it never interleaves with an edit of the plan or
    another refresh; idempotent (a second run changes nothing). The serving index is rebuilt when an active
    keyword changed. Returns the number of groups whose active keywords changed."""
    with transaction.atomic():
        plan_ids = list(
            AdPlan.objects.select_for_update(of=("self",))
            .filter(kind=AdPlan.Kind.AUTO, groups__product_id=product_id)
            .exclude(status=AdPlan.Status.ENDED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not plan_ids:
            return 0
        groups = list(
            AdGroup.objects.filter(
                plan_id__in=plan_ids, product_id=product_id, status=AdGroup.Status.ACTIVE
            ).select_related("product__category")
        )
        before = _active_words([g.pk for g in groups])
        for group in groups:
            _sync_keywords(group, group.product)
        after = _active_words([g.pk for g in groups])
    changed = {g for g, _w in before ^ after}
    if changed:
        serving_invalidate()
    return len(changed)


def _sync_groups(plan: AdPlan, products) -> None:
    """One active group per product (with its derived keywords); groups of products no longer in the plan are
    paused, not deleted (their clicks and charges refer to them)."""
    reserve = ad_settings().reserve_price_fen
    groups = {g.product_id: g for g in AdGroup.objects.filter(plan=plan)}
    wanted = {p.pk for p in products}
    for product in products:
        group = groups.get(product.pk)
        if group is None:
            group = AdGroup.objects.create(
                shop_id=plan.shop_id, plan=plan, product=product, default_bid_fen=reserve
            )
        elif group.status != AdGroup.Status.ACTIVE:
            group.status = AdGroup.Status.ACTIVE
            group.save(update_fields=["status"])
        _sync_keywords(group, product)
    AdGroup.objects.filter(plan=plan).exclude(product_id__in=wanted).update(status=AdGroup.Status.PAUSED)


# --- writes --------------------------------------------------------------------------------------------------


def autoplan_create(*, shop, data: AutoPlanInput) -> AdPlan:
    """A draft 全站推广 plan with its products (their keywords derived) and target. Refuses no products, another
    shop's or an off-sale product, a target ≤ 0 or out of range, a budget below one click."""
    products = _check(shop, data)
    if data.start_date < timezone.localdate():
        raise ValidationError("开始日期不能早于今天", field="start_date")
    with transaction.atomic():
        plan = AdPlan.objects.create(
            shop=shop,
            kind=AdPlan.Kind.AUTO,
            name=data.name,
            daily_budget_fen=data.daily_budget_fen,
            total_budget_fen=data.total_budget_fen,
            start_date=data.start_date,
            end_date=data.end_date,
            hour_multipliers=[100] * 24,
            on_pc=data.on_pc,
            on_mobile=data.on_mobile,
            pacing=data.pacing,
        )
        AutoPlan.objects.create(shop=shop, plan=plan, target_roas_centi=data.target_roas_centi)
        _sync_groups(plan, products)
    serving_invalidate()
    return plan


def _auto_plan(shop, plan_id, *, lock=False) -> AdPlan:
    qs = AdPlan.objects.for_shop(shop).filter(kind=AdPlan.Kind.AUTO)
    plan = (qs.select_for_update() if lock else qs).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("全站推广计划不存在")
    return plan


def autoplan_update(*, shop, plan_id: int, data: AutoPlanInput) -> AdPlan:
    """Change a goal plan's products, budget, target, dates, terminals or pacing. λ is kept: a new target moves
    the bids at once (they divide by it)."""
    with transaction.atomic():
        plan = _auto_plan(shop, plan_id, lock=True)
        if plan.status == AdPlan.Status.ENDED:
            raise Conflict("计划已结束，不能再修改")
        products = _check(shop, data)
        if data.total_budget_fen is not None and data.total_budget_fen < plan.total_spend_fen:
            raise ValidationError(
                f"总预算不能低于已花费的 ¥{fen_to_yuan_str(plan.total_spend_fen)}", field="total_budget"
            )
        for key in ("name", "daily_budget_fen", "total_budget_fen", "start_date", "end_date", "pacing"):
            setattr(plan, key, getattr(data, key))
        plan.on_pc, plan.on_mobile = data.on_pc, data.on_mobile
        plan.save()
        AutoPlan.objects.filter(plan=plan).update(target_roas_centi=data.target_roas_centi)
        _sync_groups(plan, products)
    serving_invalidate()
    return plan


# --- the hourly controller -----------------------------------------------------------------------------------


def _hour_start(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(minute=0, second=0, microsecond=0)


def _spend(plan_id: int, start: datetime, end: datetime) -> int:
    """Net spend in [start, end): charges less invalid-click refunds, from the ledger."""
    total = AdLedgerEntry.objects.filter(
        plan_id=plan_id,
        kind__in=(AdLedgerEntry.Kind.CHARGE, AdLedgerEntry.Kind.REFUND),
        created_at__gte=start,
        created_at__lt=end,
    ).aggregate(s=Sum("amount_fen"))["s"]
    return max(0, -(total or 0))


def _gmv(plan_id: int, start: datetime, end: datetime) -> int:
    return (
        AdConversion.objects.filter(plan_id=plan_id, paid_at__gte=start, paid_at__lt=end).aggregate(
            s=Sum("amount_fen")
        )["s"]
        or 0
    )


def _state(auto: AutoPlan) -> autobid.AutoBidState:
    return autobid.AutoBidState(
        lambda_goal=auto.lambda_goal_micro / LAMBDA_SCALE,
        lambda_budget=auto.lambda_budget_micro / LAMBDA_SCALE,
        spend_avg_fen=float(auto.spend_avg_fen),
        gmv_avg_fen=float(auto.gmv_avg_fen),
        budget_limited_hours=auto.budget_limited_hours,
        hours=auto.hours,
    )


def _step(auto: AutoPlan, plan: AdPlan, hour: datetime, weights) -> autobid.AutoBidState:
    end = hour + HOUR
    day_start = hour.replace(hour=0)
    spend, gmv = _spend(plan.pk, hour, end), _gmv(plan.pk, hour, end)
    spent_today = _spend(plan.pk, day_start, end)
    planned = pacing.planned_spend_fen(
        plan.daily_budget_fen, weights, (hour.hour + 1) * throttle.SLOTS_PER_HOUR
    )
    before = _state(auto)
    after = autobid.after_hour(
        before,
        spend_fen=spend,
        gmv_fen=gmv,
        target_roas=auto.target_roas_centi / ROAS_SCALE,
        spent_today_fen=spent_today,
        planned_today_fen=planned,
    )
    AutoPlanHour.objects.create(
        shop_id=plan.shop_id,
        plan=plan,
        hour=hour,
        spend_fen=spend,
        gmv_fen=gmv,
        spent_today_fen=spent_today,
        planned_today_fen=planned,
        lambda_micro=round(after.lam * LAMBDA_SCALE),
        lambda_goal_micro=round(after.lambda_goal * LAMBDA_SCALE),
        budget_limited=after.budget_limited_hours > before.budget_limited_hours,
    )
    auto.lambda_goal_micro = round(after.lambda_goal * LAMBDA_SCALE)
    auto.lambda_budget_micro = round(after.lambda_budget * LAMBDA_SCALE)
    auto.spend_avg_fen = round(after.spend_avg_fen)
    auto.gmv_avg_fen = round(after.gmv_avg_fen)
    auto.budget_limited_hours = after.budget_limited_hours
    auto.hours = after.hours
    auto.stepped_hour = hour
    return after


def _hours_due(auto: AutoPlan, plan: AdPlan, current: datetime) -> list[datetime]:
    """The whole hours before `current` not stepped yet: after the last stepped one, not before the plan's last
    change (a paused plan's idle hours are not a signal), at most `MAX_CATCH_UP_HOURS` back."""
    first = current - HOUR
    if auto.stepped_hour is not None:
        first = _hour_start(auto.stepped_hour) + HOUR
    first = max(first, _hour_start(plan.updated_at), current - MAX_CATCH_UP_HOURS * HOUR)
    hours, hour = [], first
    while hour < current:
        hours.append(_hour_start(hour))  # re-localise: a day's hours are whole in Asia/Shanghai
        hour += HOUR
    return hours


def autobid_plan_step(*, plan_id: int, now=None) -> int:
    """Step one goal plan's λ through every whole hour due (under the plan's row lock: a concurrent tick waits
    and then finds nothing due). Returns the number of hours stepped."""
    current = _hour_start(now or timezone.now())
    with transaction.atomic():
        auto = AutoPlan.objects.select_for_update().filter(plan_id=plan_id).select_related("plan").first()
        if auto is None or auto.plan.status != AdPlan.Status.ACTIVE:
            return 0
        hours = _hours_due(auto, auto.plan, current)
        if not hours:
            return 0
        weights = throttle.traffic_weights(current)
        for hour in hours:
            _step(auto, auto.plan, hour, weights)
        auto.save()
    return len(hours)


def autobid_tick(now=None) -> int:
    """The `ads.autobid_tick` job: every active goal plan's λ stepped through the hours that ended since its last
    step (each hour once; after downtime, the missed hours in order). The serving index is rebuilt with the new
    bids when any moved."""
    now = now or timezone.now()
    ids = list(AutoPlan.objects.filter(plan__status=AdPlan.Status.ACTIVE).values_list("plan_id", flat=True))
    stepped = sum(autobid_plan_step(plan_id=pk, now=now) for pk in ids)
    if stepped:
        serving_invalidate()
    return stepped
