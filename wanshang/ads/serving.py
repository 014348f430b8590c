"""Keyword ads on the search results page: which plans may serve, the per-process keyword index, the auction.

The index (`engine.index.KeywordIndex`) holds every active keyword of every plan that may serve this hour, with
its bid after the plan's hour multiplier and its live quality score. A process builds it once and keeps it until
the **version token** in the shared cache changes (`serving_invalidate`: every plan, group, keyword, bid or
negative write, after its commit, and the `ads.serving_refresh` job when the structure's fingerprint changed) or
the hour does. It is never built per request.

What changes click by click (a day's budget spent, a balance run low) is the **stop list**: plans not to enter
auctions now, kept per process for `STATE_SECONDS` or until `state_invalidate` (a refused or budget-closing
charge) changes the state token. Terminal (PC / mobile) is applied per request.
"""

import functools
import gc
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from wanshang.ads import regions, throttle
from wanshang.ads.autobidding import group_bids
from wanshang.ads.engine import quality
from wanshang.ads.engine.auction import run_auction
from wanshang.ads.engine.index import KeywordIndex
from wanshang.ads.engine.types import AuctionResult, KeywordAd, MatchType, Negative
from wanshang.ads.models import AdAccount, AdGroup, AdKeyword, AdPlan, AdPlanDay, NegativeKeyword
from wanshang.ads.quality_data import keyword_inputs, keyword_tokens
from wanshang.ads.rules import ad_settings
from wanshang.catalog.selectors import active_skus_of_products, public_products_in_order
from wanshang.inventory.selectors import available_by_sku
from wanshang.merchants.selectors import shops_with_sanction
from wanshang.search.selectors import synonym_map

VERSION_KEY = "ads:serving:version"
STATE_KEY = "ads:serving:state"
STATE_SECONDS = 30
GC_FREEZE_AT = 100_000  # keywords: past this a full GC pass over the index costs more than freezing it


@dataclass(frozen=True)
class ServingIndex:
    key: tuple
    index: KeywordIndex
    plans: dict  # plan id → (shop id, on_pc, on_mobile, daily budget, total budget or None)
    highest_bid: dict  # plan id → its highest bid this hour (the hard stop's largest next charge)
    built_at: datetime
    # plan id → (daily budget, highest bid) of the standard-paced plans (throttle.py)
    paced: dict = field(default_factory=dict)


@dataclass
class _State:
    key: tuple = ()
    at: float = 0.0
    stopped: frozenset = frozenset()
    settings: object = None


_state = _State()


def shared_token(key: str) -> str:
    value = cache.get(key)
    if value is None:  # a fresh cache: nothing a process holds can be trusted
        cache.add(key, uuid.uuid4().hex, None)
        value = cache.get(key)
    return value


def serving_invalidate() -> None:
    """Make every process rebuild its index (after the caller's commit, so it reads the change)."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


def state_invalidate() -> None:
    """Make every process re-read its stop list (a budget or balance just ran out)."""
    cache.set(STATE_KEY, uuid.uuid4().hex, None)


def _serving_plans(today, hour: int):
    plans = AdPlan.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        kind__in=(AdPlan.Kind.KEYWORD, AdPlan.Kind.AUTO),
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


def sellable_products(product_ids) -> set[int]:
    """Products on sale in an open shop with stock to sell."""
    public = {p.pk for p in public_products_in_order(product_ids=list(product_ids))}
    skus = active_skus_of_products(product_ids=public)
    stock = available_by_sku(sku_ids=[s.pk for s in skus])
    return {s.product_id for s in skus if stock.get(s.pk, 0) > 0}


def index_build(now=None) -> ServingIndex:
    """Build the index of every keyword that may serve this hour (the caller keeps it)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    plans = _serving_plans(local.date(), local.hour)
    groups = list(
        AdGroup.objects.filter(plan_id__in=list(plans), status=AdGroup.Status.ACTIVE).select_related(
            "product__category"
        )
    )
    sellable = sellable_products({g.product_id for g in groups})
    groups = {g.pk: g for g in groups if g.product_id in sellable}
    keywords = list(AdKeyword.objects.filter(group_id__in=list(groups), status=AdKeyword.Status.ACTIVE))
    for k in keywords:
        k.group = groups[k.group_id]
    inputs = keyword_inputs(keywords, now=now)
    # 全站推广: one bid per product from its plan's λ and target (docs/ads.md), for every derived keyword
    auto_bids = group_bids(
        plans=[p for p, _pct in plans.values()], groups=groups.values(), placement="search", now=now
    )
    synonyms = synonym_map()
    max_bid = ad_settings().max_bid_fen
    ads, live, highest = [], {}, defaultdict(int)
    for k in keywords:
        plan, pct = plans[k.group.plan_id]
        bid = auto_bids.get(k.group_id) or min(
            max_bid, max(1, (k.bid_fen or k.group.default_bid_fen) * pct // 100)
        )
        got = inputs[k.pk]
        if not got.tokens:
            continue
        ads.append(
            KeywordAd(
                keyword_id=k.pk,
                group_id=k.group_id,
                plan_id=plan.pk,
                shop_id=plan.shop_id,
                product_id=k.group.product_id,
                tokens=got.tokens,
                match_type=MatchType(k.match_type),
                bid_fen=bid,
            )
        )
        parts = quality.components(
            keyword=got.tokens, ctr=got.ctr, item=got.item, experience=got.experience, synonyms=synonyms
        )
        live[k.pk] = quality.live_score(parts)
        highest[plan.pk] = max(highest[plan.pk], bid)
    negatives = [
        Negative(
            tokens=keyword_tokens(n),
            match_type=MatchType(n.match_type),
            plan_id=n.plan_id,
            group_id=n.group_id,
        )
        for n in NegativeKeyword.objects.filter(plan_id__in=list(plans))
    ]
    index = KeywordIndex.build(ads, [n for n in negatives if n.tokens], quality=live)
    if index.size >= GC_FREEZE_AT:
        gc.freeze()
    return ServingIndex(
        key=(),
        index=index,
        plans={
            pk: (p.shop_id, p.on_pc, p.on_mobile, p.daily_budget_fen, p.total_budget_fen)
            for pk, (p, _pct) in plans.items()
        },
        highest_bid=dict(highest),
        built_at=now,
        paced={
            pk: (p.daily_budget_fen, highest.get(pk, 0))
            for pk, (p, _pct) in plans.items()
            if p.pacing == AdPlan.Pacing.STANDARD
        },
    )


class HourlyHeld:
    """One index per process, kept until the version token or the local hour changes. The check is repeated
    under a lock, so requests arriving together while it is stale build it once. `build(now)` returns a frozen
    dataclass with a `key` field."""

    def __init__(self, build):
        self._build = build
        self._lock = threading.Lock()
        self.value = None

    def get(self, now=None):
        now = now or timezone.now()
        local = timezone.localtime(now)
        key = (shared_token(VERSION_KEY), local.date(), local.hour)
        held = self.value
        if held is not None and held.key == key:
            return held
        with self._lock:
            held = self.value
            if held is None or held.key != key:
                held = replace(self._build(now), key=key)
                self.value = held
        return held


_keyword_held = HourlyHeld(index_build)


def current_index(now=None) -> ServingIndex:
    """This process's index for the current version token and hour (built when either changed)."""
    return _keyword_held.get(now)


def _stopped(served: ServingIndex, now) -> frozenset:
    """Plans that must not enter an auction now: the day's or the total budget cannot take their highest
    bid (the hard stop), the day was marked exhausted by a refused charge, or the account's balance is below
    the reserve price."""
    settings = ad_settings()
    if not served.plans:
        return frozenset(), settings
    ids = list(served.plans)
    days = {
        row["plan_id"]: row
        for row in AdPlanDay.objects.filter(plan_id__in=ids, date=timezone.localdate(now)).values(
            "plan_id", "spend_fen", "exhausted_at"
        )
    }
    spent = dict(AdPlan.objects.filter(pk__in=ids).values_list("pk", "total_spend_fen"))
    shops = {info[0] for info in served.plans.values()}
    balances = dict(AdAccount.objects.filter(shop_id__in=shops).values_list("shop_id", "balance_fen"))
    stopped = set()
    for pk, (shop_id, _pc, _mobile, daily, total) in served.plans.items():
        day = days.get(pk, {})
        top = served.highest_bid.get(pk, 0) * regions.peak_percent(served, pk) // 100
        if (
            day.get("exhausted_at")
            or daily - day.get("spend_fen", 0) < top
            or (total is not None and total - spent.get(pk, 0) < top)
            or balances.get(shop_id, 0) < settings.reserve_price_fen
        ):
            stopped.add(pk)
    return frozenset(stopped), settings


def serving_state(served: ServingIndex, now=None):
    """(stopped plan ids, the platform's ad settings), kept per process for STATE_SECONDS."""
    now = now or timezone.now()
    key = (served.key, shared_token(STATE_KEY), timezone.localdate(now))
    clock = time.monotonic()
    if _state.key != key or clock - _state.at > STATE_SECONDS or _state.settings is None:
        stopped, settings = _stopped(served, now)
        _state.key, _state.at, _state.stopped, _state.settings = key, clock, stopped, settings
    return _state.stopped, _state.settings


@dataclass(frozen=True)
class SlotAuction:
    result: AuctionResult
    settings: object


def search_auction(
    *, words, terminal: str, slots: int, seed: int, now=None, province: str = ""
) -> SlotAuction:
    """The GSP auction for a query's words among the plans serving now on this terminal, with the plans'
    region multipliers for the visitor's province (regions.py; "" = unknown, every plan at 100 %)."""
    served = current_index(now)
    stopped, settings = serving_state(served, now)
    mobile = terminal == "h5"
    excluded = set(stopped)
    excluded.update(pk for pk, info in served.plans.items() if not (info[2] if mobile else info[1]))
    regional = regions.percents_in(served, province)
    excluded.update(pk for pk, pct in regional.items() if pct == 0)
    words = tuple(words)
    reserve = settings.reserve_price_fen
    if not words or slots < 1:
        return SlotAuction(run_auction((), slots=max(slots, 0), reserve_fen=reserve), settings)
    synonyms = synonym_map()
    # standard delivery: a paced plan enters with its slot's probability (accelerated plans always do)
    rates = throttle.pacing_rates(served.paced, now) if served.paced else {}
    skip = throttle.Excluded(excluded, rates, seed)
    if not regional:  # the index's best-first merge, leaving out the stopped and throttled plans
        result = served.index.auction(
            words, synonyms, slots=slots, reserve_fen=reserve, tie_seed=seed, exclude_plans=skip
        )
    else:  # region multipliers change bids: every eligible candidate at its regional bid
        found = [c for c in served.index.candidates(words, synonyms) if c.ad.plan_id not in skip]
        found = [
            replace(c, bid_fen=regions.bid_in_region(c.bid_fen, pct, max_bid_fen=settings.max_bid_fen))
            if (pct := regional.get(c.ad.plan_id))
            else c
            for c in found
        ]
        result = run_auction(found, slots=slots, reserve_fen=reserve, tie_seed=seed)
    return SlotAuction(result, settings)


def structure_fingerprint() -> tuple:
    """What the index is built from, cheaply: the `ads.serving_refresh` job bumps the version when it changes
    (a write that did not call `serving_invalidate`, a product sold out or taken off sale)."""
    plans = AdPlan.objects.filter(status=AdPlan.Status.ACTIVE).aggregate(m=Max("updated_at"), n=Sum("id"))
    groups = AdGroup.objects.filter(status=AdGroup.Status.ACTIVE).aggregate(
        n=Sum("id"), b=Sum("default_bid_fen")
    )
    keywords = AdKeyword.objects.aggregate(n=Sum("id"), b=Sum("bid_fen"), m=Max("id"))
    negatives = NegativeKeyword.objects.aggregate(n=Sum("id"))
    statuses = AdKeyword.objects.filter(status=AdKeyword.Status.ACTIVE).aggregate(n=Sum("id"))
    return (
        plans["m"].isoformat() if plans["m"] else "",
        plans["n"],
        groups["n"],
        groups["b"],
        keywords["n"],
        keywords["b"],
        keywords["m"],
        negatives["n"],
        statuses["n"],
        tuple(sorted(shops_with_sanction(kind="no_ads"))),
    )


FINGERPRINT_KEY = "ads:serving:fingerprint"


def serving_refresh(now=None) -> int:
    """The job: bump the version when the structure's fingerprint changed since the last run (1) or not (0).
    Products that sold out or left the shelf drop out at the next hour's build; the page checks the shown
    ones are still public."""
    fingerprint = repr(structure_fingerprint())
    if cache.get(FINGERPRINT_KEY) == fingerprint:
        return 0
    cache.set(FINGERPRINT_KEY, fingerprint, None)
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    return 1


def invalidating(write):
    """`write` (a structure service), then `serving_invalidate` once its transaction commits."""

    @functools.wraps(write)
    def wrapper(*args, **kwargs):
        result = write(*args, **kwargs)
        serving_invalidate()
        return result

    return wrapper
