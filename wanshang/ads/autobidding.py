"""全站推广 bids from real data: each product's predicted conversion rate and expected order value, the plan's λ
and target 投产比 → the click bid of `engine.autobid.target_roas_bid`, capped by the platform's maximum bid and
the plan's daily budget, and at least the reserve price.

- pCVR: the product's attributed orders per valid ad click over `WINDOW_DAYS`, smoothed toward the platform's
  default (`quality_data.DEFAULT_CVR`) by `PCVR_PRIOR_CLICKS` pseudo-clicks; at a placement, that placement's
  orders and clicks smoothed toward the product's overall pCVR.
- E[order value]: the mean attributed amount per order, smoothed toward the product's lowest price by
  `ORDER_VALUE_PRIOR` pseudo-orders.

Serving reads it once per index build (hourly or on a change), never per request.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from wanshang.ads.autoplan_models import LAMBDA_SCALE, ROAS_SCALE, AutoPlan
from wanshang.ads.engine.autobid import target_roas_bid
from wanshang.ads.models import AdGroup, AdPlan
from wanshang.ads.quality_data import DEFAULT_CVR, VALID_CLICKS
from wanshang.ads.rules import ad_settings
from wanshang.ads.traffic_models import AdClick, AdConversion

WINDOW_DAYS = 30
PCVR_PRIOR_CLICKS = 100
ORDER_VALUE_PRIOR = 5


@dataclass(frozen=True)
class ProductValue:
    pcvr: float
    order_value_fen: int


def _counts(product_ids, since, placement=None):
    clicks = AdClick.objects.filter(product_id__in=product_ids, ts__gte=since, status__in=VALID_CLICKS)
    conversions = AdConversion.objects.filter(product_id__in=product_ids, paid_at__gte=since)
    if placement:
        clicks, conversions = clicks.filter(placement=placement), conversions.filter(placement=placement)
    n_clicks = dict(clicks.values_list("product_id").annotate(n=Count("id")))
    orders = {
        row["product_id"]: (row["n"], row["amount"] or 0)
        for row in conversions.values("product_id").annotate(
            n=Count("order_id", distinct=True), amount=Sum("amount_fen")
        )
    }
    return n_clicks, orders


def product_values(products, *, placement: str | None = None, now=None) -> dict[int, ProductValue]:
    """product id → its pCVR and expected order value, for Product rows (their `min_price_fen` is the prior)."""
    products = list(products)
    if not products:
        return {}
    since = (now or timezone.now()) - timedelta(days=WINDOW_DAYS)
    ids = [p.pk for p in products]
    clicks, orders = _counts(ids, since)
    if placement:
        p_clicks, p_orders = _counts(ids, since, placement)
    out = {}
    for product in products:
        n, (k, amount) = clicks.get(product.pk, 0), orders.get(product.pk, (0, 0))
        pcvr = (k + PCVR_PRIOR_CLICKS * DEFAULT_CVR) / (n + PCVR_PRIOR_CLICKS)
        if placement:
            pn, (pk_, _amount) = p_clicks.get(product.pk, 0), p_orders.get(product.pk, (0, 0))
            pcvr = (pk_ + PCVR_PRIOR_CLICKS * pcvr) / (pn + PCVR_PRIOR_CLICKS)
        price = max(product.min_price_fen, 1)
        value = (amount + ORDER_VALUE_PRIOR * price) // (k + ORDER_VALUE_PRIOR)
        out[product.pk] = ProductValue(pcvr=pcvr, order_value_fen=int(value))
    return out


def click_bid(*, auto: AutoPlan, plan: AdPlan, value: ProductValue, settings=None) -> int:
    """The bid of one product of a goal plan: λ × pCVR × E[order value] ÷ target, at most the maximum bid and the
    daily budget (a click must fit the day), at least the reserve price."""
    settings = settings or ad_settings()
    cap = max(settings.reserve_price_fen, min(settings.max_bid_fen, plan.daily_budget_fen))
    raw = target_roas_bid(
        lam=min(auto.lambda_goal_micro, auto.lambda_budget_micro) / LAMBDA_SCALE,
        pcvr=value.pcvr,
        order_value_fen=value.order_value_fen,
        target_roas=auto.target_roas_centi / ROAS_SCALE,
        max_bid_fen=cap,
    )
    return max(settings.reserve_price_fen, raw)


def group_bids(*, plans, groups, placement: str | None = None, now=None) -> dict[int, int]:
    """group id → its bid now, for the groups (product loaded) of goal plans among `plans` (AdPlan rows); a
    few grouped queries whatever the number of groups. Groups of other plans are left out."""
    auto_plans = {p.pk: p for p in plans if p.kind == AdPlan.Kind.AUTO}
    groups = [g for g in groups if g.plan_id in auto_plans]
    if not groups:
        return {}
    autos = {a.plan_id: a for a in AutoPlan.objects.filter(plan_id__in=list(auto_plans))}
    values = product_values({g.product_id: g.product for g in groups}.values(), placement=placement, now=now)
    settings = ad_settings()
    out = {}
    for g in groups:
        auto = autos.get(g.plan_id)
        if auto is not None:
            out[g.pk] = click_bid(
                auto=auto, plan=auto_plans[g.plan_id], value=values[g.product_id], settings=settings
            )
    return out


def bid_for(plan_id: int, product_id: int, placement: str = "search", *, now=None) -> int:
    """The bid of a goal plan for one of its products at a placement (a `traffic_models.Placement` value), in
    fen; 0 when the plan is not an active 全站推广 plan or does not promote the product. For callers outside the
    search auction (audience placements): the plan's budgets and hard stop are theirs to check."""
    group = (
        AdGroup.objects.select_related("plan", "product")
        .filter(
            plan_id=plan_id,
            product_id=product_id,
            plan__kind=AdPlan.Kind.AUTO,
            plan__status=AdPlan.Status.ACTIVE,
            status=AdGroup.Status.ACTIVE,
        )
        .first()
    )
    if group is None:
        return 0
    bids = group_bids(plans=[group.plan], groups=[group], placement=placement, now=now)
    return bids.get(group.pk, 0)
