"""Serving 引力魔方 audience ads on the placements outside search (home feed 猜你喜欢, the product page's
recommendation row, the cart, the payment-complete page), and the CPM charges of their impressions.

- The **index** (`current_audience_index`): every active audience plan that may serve this hour, its groups
  (one sellable product each, with the bid after the hour multiplier), its crowd targets, the crowd packs'
  members and the competing shops of each group's category, and each group's predicted CTR per placement.
  Built once per process and kept under the keyword index's version token (every structure write through
  `ads.services`, the audience writes included, bumps it) and the hour.
- The **visitor**: what they looked at (product touches, 30 days) and searched (15 days), from the event log.
- The **auction** per placement: the best of the visitor's crowds per group gives the multiplier, rank =
  bid × multiplier × pCTR (CPC) or bid × multiplier (CPM): eCPM, `engine/audience.py`; GSP as for search.
- The **stop list** (per process, `STATE_SECONDS`, the shared state token): exhausted days, a budget that
  cannot take the next charge once the CPM impressions not yet charged are counted, a balance under it.
- The **frequency cap**: a shared cache counter per visitor, plan and day, claimed atomically for each ad
  shown; an ad whose claim passes the cap is not shown.
- **CPM charging** is `audience_cpm.py` (`cpm_charge_due`, the `ads.audience_cpm_charge` job).
- **全站推广 goal plans** compete too: their products at the goal bid for the placement (`autobidding.group_bids`),
  CPC, on `GOAL_CROWDS` (visitors of similar products or of the plan's shop).
- **Pacing** (standard delivery, `throttle.py`) and **region multipliers** (`regions.py`, the buyer's province read
  only when a serving plan has any) as in search.
"""

import heapq
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from wanshang.ads import regions, throttle
from wanshang.ads.audience_cpm import CPM_BLOCK, cpm_uncharged_fen
from wanshang.ads.audience_models import AudienceSetup, AudienceTarget, Billing
from wanshang.ads.autobidding import group_bids
from wanshang.ads.engine import audience as eng
from wanshang.ads.engine.auction import run_auction
from wanshang.ads.models import AdAccount, AdClick, AdGroup, AdImpression, AdPlan, AdPlanDay, Placement
from wanshang.ads.rules import ad_settings
from wanshang.ads.serving import STATE_KEY, STATE_SECONDS, HourlyHeld, sellable_products, shared_token
from wanshang.ads.traffic import BOT_AGENTS, ServedAd, impressions_record, token_make
from wanshang.analytics.selectors import visitor_recent_activity
from wanshang.catalog.selectors import public_products_in_order, shops_selling_in
from wanshang.common.dates import day_bounds
from wanshang.insights.selectors import crowd_pack_members
from wanshang.merchants.selectors import shops_with_sanction

# how many ads each placement shows (1-based positions within the placement's row)
PLACEMENT_SLOTS = {
    Placement.HOME: 2,
    Placement.PRODUCT: 1,
    Placement.CART: 1,
    Placement.ORDER_DONE: 2,
}
VISITED_DAYS = 30  # similar-product and competing-shop visitors
INTENT_DAYS = 15  # keyword-intent crowds
CTR_DAYS = 30  # the history pCTR is predicted from
VALID_CLICKS = (AdClick.Status.CHARGED, AdClick.Status.DUPLICATE, AdClick.Status.UNPAID)
T = AudienceTarget.Kind
SHOP_VISITORS = "shop"  # a goal plan's crowd only: visitors who touched a product of the plan's shop
# 全站推广 plans in the audience placements reach, at their goal bid (multiplier 100 %), the visitors who touched
# a product of the promoted product's category (any shop's) or of the plan's own shop in the last 30 days


@dataclass(frozen=True)
class PlanInfo:
    shop_id: int
    on_pc: bool
    on_mobile: bool
    daily_budget_fen: int
    total_budget_fen: int | None
    billing: str
    frequency_cap: int
    highest_bid_fen: int  # the largest multiplied bid this hour (per click, or per thousand under CPM)


@dataclass(frozen=True)
class GroupInfo:
    group_id: int
    plan_id: int
    shop_id: int
    product_id: int
    category_id: int
    bid_fen: int  # after the hour multiplier


@dataclass(frozen=True)
class TargetInfo:
    target_id: int
    kind: str
    multiplier_pct: int
    pack_id: int | None = None
    words: tuple = ()


GOAL_CROWDS = (TargetInfo(0, T.SIMILAR, 100), TargetInfo(0, SHOP_VISITORS, 100))


@dataclass(frozen=True)
class AudienceIndex:
    key: tuple
    plans: dict  # plan id → PlanInfo
    groups: dict  # plan id → [GroupInfo]
    targets: dict  # plan id → [TargetInfo]
    packs: dict  # pack id → (shop id, buyer ids)
    competing: dict  # category id → shops selling in it
    ctr: dict  # (group id, placement) → (impressions, clicks)
    placement_ctr: dict  # placement → its average CTR
    max_bid_fen: int = 0
    regions: dict = field(default_factory=dict)  # plan id → {province: percent other than 100}
    goal_bids: dict = field(default_factory=dict)  # placement → {group id → a goal plan's bid there}
    # plan id → (daily budget, one charge) of the standard-paced plans (throttle.py): CPC its highest bid, CPM
    # its highest per thousand (a block of 1000 impressions is how its spend arrives)
    paced: dict = field(default_factory=dict)


# --- the index -----------------------------------------------------------------------------------------------


def _audience_plans(today, hour: int) -> dict:
    """The audience and 全站推广 plans that may serve this hour: plan id → (plan, hour percent)."""
    plans = AdPlan.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        kind__in=(AdPlan.Kind.AUDIENCE, AdPlan.Kind.AUTO),
        status=AdPlan.Status.ACTIVE,
        start_date__lte=today,
    ).exclude(shop_id__in=shops_with_sanction(kind="no_ads"))  # 体检中心 禁止推广 (docs/health.md)
    out = {}
    for plan in plans:
        hours = plan.hour_multipliers if isinstance(plan.hour_multipliers, list) else []
        pct = hours[hour] if len(hours) == 24 and isinstance(hours[hour], int) else 100
        if pct > 0:
            out[plan.pk] = (plan, pct)
    return out


def _ctr_history(group_ids, now) -> tuple[dict, dict]:
    since = now - timedelta(days=CTR_DAYS)
    outside = ~Q(placement=Placement.SEARCH)
    seen = AdImpression.objects.filter(outside, ts__gte=since)
    clicked = AdClick.objects.filter(outside, ts__gte=since, status__in=VALID_CLICKS)
    per_group = {
        (r["group_id"], r["placement"]): [r["n"], 0]
        for r in seen.filter(group_id__in=group_ids).values("group_id", "placement").annotate(n=Count("id"))
    }
    for r in clicked.filter(group_id__in=group_ids).values("group_id", "placement").annotate(n=Count("id")):
        per_group.setdefault((r["group_id"], r["placement"]), [0, 0])[1] = r["n"]
    shown = dict(seen.values_list("placement").annotate(n=Count("id")))
    clicks = dict(clicked.values_list("placement").annotate(n=Count("id")))
    averages = {p: eng.placement_ctr(shown.get(p, 0), clicks.get(p, 0)) for p in PLACEMENT_SLOTS}
    return {k: tuple(v) for k, v in per_group.items()}, averages


def _goal_bids(plans: dict, rows: list, now) -> dict:
    """placement → {group id → its goal bid there}: `autobidding.group_bids` for the 全站推广 plans' groups, the
    placement's own conversions smoothed toward the product's (a few grouped queries per placement)."""
    goal = [p for p, _pct in plans.values() if p.kind == AdPlan.Kind.AUTO]
    if not goal:
        return {}
    return {place: group_bids(plans=goal, groups=rows, placement=place, now=now) for place in PLACEMENT_SLOTS}


def audience_index_build(now=None) -> AudienceIndex:
    """Every audience ad that may serve this hour, and the 全站推广 plans' products on their goal crowds (the
    caller keeps it)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    plans = _audience_plans(local.date(), local.hour)
    setups = {s.plan_id: s for s in AudienceSetup.objects.filter(plan_id__in=list(plans))}
    targets = defaultdict(list)
    for t in AudienceTarget.objects.filter(plan_id__in=list(plans), status=AudienceTarget.Status.ACTIVE):
        targets[t.plan_id].append(TargetInfo(t.pk, t.kind, t.multiplier_pct, t.pack_id, tuple(t.words or ())))
    for pk, (plan, _pct) in plans.items():
        if plan.kind == AdPlan.Kind.AUTO:
            targets[pk] = list(GOAL_CROWDS)
    rows = list(
        AdGroup.objects.filter(plan_id__in=list(targets), status=AdGroup.Status.ACTIVE).select_related(
            "product"
        )
    )
    sellable = sellable_products({g.product_id for g in rows})
    rows = [g for g in rows if g.product_id in sellable]
    goal_bids = _goal_bids(plans, rows, now)
    max_bid = ad_settings().max_bid_fen
    groups, info = defaultdict(list), {}
    for g in rows:
        plan, pct = plans[g.plan_id]
        if plan.kind == AdPlan.Kind.AUTO:  # its bids are per placement; the highest counts for the stop list
            bid = max((b.get(g.pk, 0) for b in goal_bids.values()), default=0)
            if not bid:
                continue
        else:
            bid = min(max_bid, max(1, g.default_bid_fen * pct // 100))
        groups[g.plan_id].append(
            GroupInfo(g.pk, g.plan_id, plan.shop_id, g.product_id, g.product.category_id, bid)
        )
    percents = {
        pk: got
        for pk, (plan, _pct) in plans.items()
        if (got := regions.plan_percents(plan.region_multipliers))
    }
    for plan_id, found in groups.items():
        plan, _pct = plans[plan_id]
        setup = setups.get(plan_id)
        top_mult = max(t.multiplier_pct for t in targets[plan_id])
        peak = max(100, *percents[plan_id].values()) if plan_id in percents else 100
        info[plan_id] = PlanInfo(
            shop_id=plan.shop_id,
            on_pc=plan.on_pc,
            on_mobile=plan.on_mobile,
            daily_budget_fen=plan.daily_budget_fen,
            total_budget_fen=plan.total_budget_fen,
            billing=setup.billing if setup else Billing.CPC,
            frequency_cap=setup.frequency_cap if setup else 3,
            highest_bid_fen=regions.bid_in_region(
                max(eng.multiplied_bid(g.bid_fen, top_mult, max_bid) for g in found),
                peak,
                max_bid_fen=max_bid,
            ),
        )
    pack_ids = {t.pack_id for p in info for t in targets[p] if t.kind == T.PACK}
    categories = {g.category_id for p in info for g in groups[p]}
    wanted_competing = any(t.kind == T.COMPETITOR for p in info for t in targets[p])
    ctr, averages = _ctr_history([g.group_id for p in info for g in groups[p]], now)
    return AudienceIndex(
        key=(),
        plans=info,
        groups={p: groups[p] for p in info},
        targets={p: targets[p] for p in info},
        packs=crowd_pack_members(pack_ids=pack_ids) if pack_ids else {},
        competing=shops_selling_in(category_ids=categories) if wanted_competing else {},
        ctr=ctr,
        placement_ctr=averages,
        max_bid_fen=max_bid,
        regions={pk: percents[pk] for pk in info if pk in percents},
        goal_bids=goal_bids,
        paced={
            pk: (i.daily_budget_fen, i.highest_bid_fen)
            for pk, i in info.items()
            if plans[pk][0].pacing == AdPlan.Pacing.STANDARD
        },
    )


_audience_held = HourlyHeld(audience_index_build)


def current_audience_index(now=None) -> AudienceIndex:
    """This process's audience index for the current version token and hour."""
    return _audience_held.get(now)


# --- the stop list -------------------------------------------------------------------------------------------


@dataclass
class _State:
    key: tuple = ()
    at: float = 0.0
    stopped: frozenset = field(default_factory=frozenset)


_state = _State()


def _next_charge(info: PlanInfo) -> int:
    """The largest next charge: a click at its highest multiplied bid, or one impression's share of a CPM
    block (whole fen, rounded up)."""
    if info.billing == Billing.CPM:
        return max(1, -(-info.highest_bid_fen // CPM_BLOCK))
    return info.highest_bid_fen


def _stopped(index: AudienceIndex, now) -> frozenset:
    if not index.plans:
        return frozenset()
    ids, today = list(index.plans), timezone.localdate(now)
    days = {
        r["plan_id"]: r
        for r in AdPlanDay.objects.filter(plan_id__in=ids, date=today).values(
            "plan_id", "spend_fen", "exhausted_at"
        )
    }
    spent = dict(AdPlan.objects.filter(pk__in=ids).values_list("pk", "total_spend_fen"))
    balances = dict(
        AdAccount.objects.filter(shop_id__in={i.shop_id for i in index.plans.values()}).values_list(
            "shop_id", "balance_fen"
        )
    )
    owed = cpm_uncharged_fen(
        plan_ids=[p for p, i in index.plans.items() if i.billing == Billing.CPM], day=today
    )
    owed_by_shop = defaultdict(int)
    for pk, fen in owed.items():
        owed_by_shop[index.plans[pk].shop_id] += fen
    stopped = set()
    for pk, info in index.plans.items():
        day, debt, top = days.get(pk, {}), owed.get(pk, 0), _next_charge(info)
        if (
            day.get("exhausted_at")
            or info.daily_budget_fen - day.get("spend_fen", 0) - debt < top
            or (info.total_budget_fen is not None and info.total_budget_fen - spent.get(pk, 0) - debt < top)
            or balances.get(info.shop_id, 0) - owed_by_shop[info.shop_id] < top
        ):
            stopped.add(pk)
    return frozenset(stopped)


def audience_stopped(index: AudienceIndex, now=None) -> frozenset:
    """Audience plans that must not enter an auction now, kept per process for STATE_SECONDS."""
    now = now or timezone.now()
    key = (index.key, shared_token(STATE_KEY), timezone.localdate(now))
    clock = time.monotonic()
    if _state.key != key or clock - _state.at > STATE_SECONDS:
        _state.stopped, _state.key, _state.at = _stopped(index, now), key, clock
    return _state.stopped


# --- the visitor and their crowds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Visitor:
    categories: frozenset  # leaf categories of the products they touched (30 days)
    shops: frozenset  # shops whose products they touched (30 days)
    queries: tuple  # what they searched (15 days), normalised text
    user_id: int | None = None


def visitor_profile(*, visitor: str, user_id: int | None, now) -> Visitor:
    rows = visitor_recent_activity(visitor=visitor, user_id=user_id, since=now - timedelta(days=VISITED_DAYS))
    intent_since = now - timedelta(days=INTENT_DAYS)
    categories, shops, queries = set(), set(), []
    for product_id, category_id, shop_id, query, ts in rows:
        if product_id:
            if category_id:
                categories.add(category_id)
            if shop_id:
                shops.add(shop_id)
        elif query and ts >= intent_since:
            queries.append(query.lower())
    return Visitor(frozenset(categories), frozenset(shops), tuple(queries), user_id)


def _matches(target: TargetInfo, group: GroupInfo, who: Visitor, index: AudienceIndex) -> bool:
    if target.kind == T.SIMILAR:
        return group.category_id in who.categories
    if target.kind == T.COMPETITOR:
        rivals = index.competing.get(group.category_id, ())
        return any(shop != group.shop_id and shop in rivals for shop in who.shops)  # the visitor's few shops
    if target.kind == T.PACK:
        shop_id, members = index.packs.get(target.pack_id, (None, frozenset()))
        return shop_id == group.shop_id and who.user_id is not None and who.user_id in members
    if target.kind == T.INTENT:
        return any(word in query for word in target.words for query in who.queries)
    if target.kind == SHOP_VISITORS:
        return group.shop_id in who.shops
    return False


def best_crowd(targets, group: GroupInfo, who: Visitor, index: AudienceIndex) -> TargetInfo | None:
    """The visitor's crowd with the highest multiplier among the plan's targets (ties: the oldest target)."""
    best = None
    for t in targets:
        if (best is None or t.multiplier_pct > best.multiplier_pct) and _matches(t, group, who, index):
            best = t
    return best


# --- the frequency cap ---------------------------------------------------------------------------------------


def _cap_key(day, plan_id: int, who: str) -> str:
    return f"ads:aud:freq:{day.isoformat()}:{plan_id}:{who}"


def _shown_today(plan_ids, who: str, day) -> dict:
    """plan id → the visitor's impressions of it on `day`, counted from the rows (a counter not in the cache)."""
    start, end = day_bounds(day)
    return dict(
        AdImpression.objects.filter(plan_id__in=plan_ids, visitor=who[:32], ts__gte=start, ts__lt=end)
        .exclude(placement=Placement.SEARCH)  # a goal plan's search ads are not capped
        .values_list("plan_id")
        .annotate(n=Count("id"))
    )


def _seen_today(plan_ids, who: str, now) -> dict:
    """plan id → how many of its ads the visitor saw today: the cache counters, and for plans without one the
    impressions (read, not written back: only `_claim` writes, for the ads actually shown, so a page view of a
    visitor new today costs one read of the cache and one query, not a cache write per plan)."""
    day = timezone.localdate(now)
    keys = {_cap_key(day, p, who): p for p in plan_ids}
    got = cache.get_many(list(keys))
    missing = [p for k, p in keys.items() if k not in got]
    counted = _shown_today(missing, who, day) if missing else {}
    return {p: got[k] if k in got else counted.get(p, 0) for k, p in keys.items()}


def _claim(plan_id: int, who: str, cap: int, now) -> bool:
    """Count one more ad of the plan shown to the visitor today; False (and not counted) past the cap."""
    day = timezone.localdate(now)
    key = _cap_key(day, plan_id, who)
    try:
        seen = cache.incr(key)
    except ValueError:  # no counter yet (or evicted): start it from the impressions recorded today
        cache.add(key, _shown_today([plan_id], who, day).get(plan_id, 0), 26 * 3600)
        seen = cache.incr(key)
    if seen > cap:
        cache.decr(key)
        return False
    return True


# --- serving -------------------------------------------------------------------------------------------------


def _sits_out(plan_id, info, *, stopped, mobile, seen, percents, rates, seed) -> bool:
    """The plan is not in this auction: stopped, not on this terminal, at its frequency cap, at 0 % in the
    visitor's province, or throttled (standard delivery: its draw for this page view is at or above its rate)."""
    if plan_id in stopped or not (info.on_mobile if mobile else info.on_pc):
        return True
    if seen.get(plan_id, 0) >= info.frequency_cap or percents.get(plan_id) == 0:
        return True
    return plan_id in rates and throttle.draw(seed, plan_id) >= rates[plan_id]


def _keep_best(best: list, row: tuple, keep) -> None:
    if keep is None or len(best) < keep:
        heapq.heappush(best, _Neg(row))
    elif row[0] < best[0].row[0]:
        heapq.heapreplace(best, _Neg(row))


def _candidates(
    index, placement, who, seen, stopped, mobile, exclude, *, keep=None, seed=0, percents=None, rates=None
) -> list:
    """The auction's candidates of the groups whose crowds hold the visitor. With `keep`, only the `keep` best
    by the auction's own order (rank, quality, the seeded tie mix): GSP's wins and prices depend on the shown
    ads and the one after them only, so the auction over them is the auction over all, and the thousands of
    other matches are never built as candidates. `percents`: plan id → its region percent for this visitor
    (0 leaves the plan out; others scale its bids, at most the maximum bid). `rates`: plan id → its pacing rate
    a (standard delivery): the plan enters this auction when its draw for `seed` is below a."""
    best, average, percents, rates = [], index.placement_ctr[placement], percents or {}, rates or {}
    goals = index.goal_bids.get(placement, {})
    rules = {"stopped": stopped, "mobile": mobile, "seen": seen, "percents": percents, "rates": rates}
    for plan_id, info in index.plans.items():
        if _sits_out(plan_id, info, seed=seed, **rules):
            continue
        pct = percents.get(plan_id, 100)
        cpm = info.billing == Billing.CPM
        for group in index.groups[plan_id]:
            if group.product_id in exclude:
                continue
            crowd = best_crowd(index.targets[plan_id], group, who, index)
            if crowd is None:
                continue
            base = goals.get(group.group_id, group.bid_fen)
            bid = eng.multiplied_bid(base, crowd.multiplier_pct, index.max_bid_fen)
            if pct != 100:
                bid = regions.bid_in_region(bid, pct, max_bid_fen=index.max_bid_fen)
            if cpm:
                pctr = average
            else:
                n, k = index.ctr.get((group.group_id, placement), (0, 0))
                pctr = eng.predicted_ctr(n, k, average)
            q = 1_000_000 if cpm else round(pctr * 1000 * 1_000_000)
            key = (-bid * q, -q, hash((seed, group.group_id)))
            _keep_best(best, (key, group, plan_id, crowd, bid, pctr, info.billing), keep)
    out = []
    for item in best:
        _key, group, plan_id, crowd, bid, pctr, billing = item.row
        ad = eng.AudienceAd(
            group.group_id, plan_id, group.shop_id, group.product_id, crowd.target_id, billing
        )
        out.append(eng.candidate(ad, bid_fen=bid, pctr=pctr))
    return out


class _Neg:
    """A heap entry ordered worst-first, so the heap's top is the one to drop."""

    __slots__ = ("row",)

    def __init__(self, row):
        self.row = row

    def __lt__(self, other):
        return self.row[0] > other.row[0]


def audience_auction(
    *,
    placement: str,
    who: Visitor,
    visitor_key: str,
    terminal: str,
    seed: int,
    exclude=(),
    now=None,
    province: str = "",
):
    """The GSP auction of one placement among the audience plans serving now whose crowds hold this visitor,
    with the plans' region multipliers for the visitor's province ("" = unknown: every plan at 100 %)."""
    now = now or timezone.now()
    index = current_audience_index(now)
    stopped = audience_stopped(index, now)
    seen = _seen_today(list(index.plans), visitor_key, now) if index.plans else {}
    slots = PLACEMENT_SLOTS[placement]
    percents = {pk: got[province] for pk, got in index.regions.items() if province in got} if province else {}
    found = _candidates(
        index,
        placement,
        who,
        seen,
        stopped,
        terminal == "h5",
        set(exclude),
        keep=slots + 1,
        seed=seed,
        percents=percents,
        rates=throttle.pacing_rates(index.paced, now) if index.paced else {},
    )
    reserve = eng.reserve_ecpm(ad_settings().reserve_price_fen, index.placement_ctr[placement])
    return index, run_auction(found, slots=slots, reserve_fen=reserve, tie_seed=seed)


def audience_ads_serve(
    *,
    placement: str,
    visitor: str,
    user_id: int | None,
    terminal: str,
    user_agent: str | None = None,
    exclude_product_ids=(),
    now=None,
) -> list[ServedAd]:
    """The audience ads of one placement for one page view, their frequency counted and their impressions
    recorded. None for a robot, an unknown placement or a visitor with neither a cookie nor a log-in."""
    now = now or timezone.now()
    who_key = visitor or (f"u{user_id}" if user_id else "")
    if placement not in PLACEMENT_SLOTS or not who_key or (user_agent and BOT_AGENTS.search(user_agent)):
        return []
    index = current_audience_index(now)
    if not index.plans:
        return []
    who = visitor_profile(visitor=visitor, user_id=user_id, now=now)
    # the buyer's address is read only when a serving plan has region multipliers (as for search)
    province = regions.buyer_province(user_id=user_id, regional=bool(index.regions))
    page_view = secrets.token_hex(16)
    index, result = audience_auction(
        placement=placement,
        who=who,
        visitor_key=who_key,
        terminal=terminal,
        seed=int(page_view[:12], 16),
        exclude=exclude_product_ids,
        now=now,
        province=province,
    )
    if not result.wins:
        return []
    products = {
        p.pk: p
        for p in public_products_in_order(product_ids=[w.candidate.ad.product_id for w in result.wins])
    }
    served = []
    for win in result.wins:
        ad = win.candidate.ad
        info = index.plans[ad.plan_id]
        if ad.product_id not in products or not _claim(ad.plan_id, who_key, info.frequency_cap, now):
            continue
        token = token_make(
            win=win,
            query="",
            page_view=page_view,
            visitor=visitor,
            now=now,
            placement=placement,
            crowd_id=ad.crowd_id or None,
            billing=ad.billing,
        )
        served.append(
            ServedAd(
                len(served) + 1,
                products[ad.product_id],
                ad.plan_id,
                ad.group_id,
                0,
                win.price_fen,
                token,
                placement=placement,
                crowd_id=ad.crowd_id or None,
            )
        )
    if served:
        impressions_record(
            served=served,
            shop_of={s.group_id: index.plans[s.plan_id].shop_id for s in served},
            page_view=page_view,
            query="",
            visitor=who_key,
            terminal=terminal,
            now=now,
        )
    return served
