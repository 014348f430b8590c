"""库存计划 reads and settings: per-SKU plan rows from the movement ledger and open receipts, the settings
writes, and the campaign-cover check insights' alert job asks for. The arithmetic is planning.py's."""

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from wanshang.catalog.selectors import seller_sku_get, seller_skus_on_sale
from wanshang.common.errors import NotFound, ValidationError
from wanshang.inventory import planning
from wanshang.inventory.models import InboundLine, InboundReceipt, PlanSettings, SkuPlan, Stock, StockMovement

OPEN = (InboundReceipt.Status.IN_TRANSIT, InboundReceipt.Status.PARTLY_RECEIVED)
WINDOW_CHOICES = (7, 14, 28, 56, 90)
SORTS = {
    "cover": "按可售天数（少→多）",
    "-suggested": "按建议补货量（多→少）",
    "-rate": "按日均销量（高→低）",
    "available": "按可售库存（少→多）",
}
LIMITS = {
    "lead_days": (0, 365, "采购提前期"),
    "safety_days": (0, 365, "安全库存天数"),
    "review_days": (0, 365, "补货周期"),
    "campaign_uplift_pct": (100, 5000, "活动销量倍数"),
    "campaign_horizon_days": (1, 90, "活动提前预警天数"),
}


@dataclass
class PlanRow:
    sku: object  # catalog Sku with its product
    available: int
    in_transit: int
    in_transit_in_lead: int
    sold: int
    lead_days: int
    pack_size: int
    plan: planning.Plan

    @property
    def rate(self) -> Fraction:
        return self.plan.rate

    @property
    def cover_days(self):
        return self.plan.cover_days

    @property
    def suggested(self) -> int:
        return self.plan.suggested

    @property
    def reorder_point(self) -> int:
        return self.plan.reorder_point

    @property
    def needs_reorder(self) -> bool:
        return self.plan.needs_reorder


# --- settings -------------------------------------------------------------------------------------------------


def plan_settings_get(*, shop) -> PlanSettings:
    """The shop's settings (unsaved defaults when it never changed them)."""
    return PlanSettings.objects.for_shop(shop).first() or PlanSettings(shop=shop)


def _bounded(value, *, key: str) -> int:
    low, high, label = LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(f"{label}须为 {low}–{high} 的整数", field=key)
    return value


@transaction.atomic
def plan_settings_save(
    *,
    shop,
    lead_days: int,
    safety_days: int,
    safety_units: int | None,
    review_days: int,
    window_days: int,
    campaign_uplift_pct: int,
    campaign_horizon_days: int,
) -> PlanSettings:
    """Set the shop's planning parameters. Raises ValidationError naming the field."""
    values = {
        key: _bounded(value, key=key)
        for key, value in (
            ("lead_days", lead_days),
            ("safety_days", safety_days),
            ("review_days", review_days),
            ("campaign_uplift_pct", campaign_uplift_pct),
            ("campaign_horizon_days", campaign_horizon_days),
        )
    }
    if window_days not in WINDOW_CHOICES:
        raise ValidationError(
            f"销量统计窗口只能是 {' / '.join(map(str, WINDOW_CHOICES))} 天", field="window_days"
        )
    if safety_units is not None and (
        isinstance(safety_units, bool) or not isinstance(safety_units, int) or not 0 <= safety_units <= 10**6
    ):
        raise ValidationError("安全库存件数须为 0–1000000 的整数，或留空按天数计算", field="safety_units")
    settings, _ = PlanSettings.objects.select_for_update().get_or_create(shop=shop)
    for key, value in {**values, "window_days": window_days, "safety_units": safety_units}.items():
        setattr(settings, key, value)
    settings.save()
    return settings


@transaction.atomic
def sku_plan_save(
    *, shop, sku_id, lead_days: int | None, safety_units: int | None, pack_size: int
) -> SkuPlan:
    """A SKU's own lead time / safety units (None = the shop's) and pack size (箱规)."""
    sku = seller_sku_get(shop=shop, sku_id=sku_id)
    if lead_days is not None:
        lead_days = _bounded(lead_days, key="lead_days")
    if safety_units is not None and (
        isinstance(safety_units, bool) or not isinstance(safety_units, int) or not 0 <= safety_units <= 10**6
    ):
        raise ValidationError("安全库存件数须为 0–1000000 的整数", field="safety_units")
    if isinstance(pack_size, bool) or not isinstance(pack_size, int) or not 1 <= pack_size <= 10_000:
        raise ValidationError("箱规须为 1–10000 的整数", field="pack_size")
    row, _ = SkuPlan.objects.select_for_update().get_or_create(shop=shop, sku=sku)
    row.lead_days, row.safety_units, row.pack_size = lead_days, safety_units, pack_size
    row.save()
    return row


def sku_plan_get(*, shop, sku_id) -> SkuPlan | None:
    return SkuPlan.objects.for_shop(shop).filter(sku_id=sku_id).first()


# --- the numbers ------------------------------------------------------------------------------------------------


def sold_by_sku(*, shop, sku_ids, since: datetime.datetime) -> dict[int, int]:
    """Net units sold since `since` per SKU: payment deductions (付款扣减) minus units back on hand (退款回库)."""
    rows = (
        StockMovement.objects.for_shop(shop)
        .filter(
            sku_id__in=list(sku_ids),
            created_at__gte=since,
            kind__in=(StockMovement.Kind.CONFIRM, StockMovement.Kind.RETURN),
        )
        .values("sku_id")
        .annotate(delta=Sum("on_hand_delta"))
    )
    return {r["sku_id"]: max(-(r["delta"] or 0), 0) for r in rows}


def _available(*, shop, sku_ids) -> dict[int, int]:
    rows = (
        Stock.objects.for_shop(shop)
        .filter(sku_id__in=list(sku_ids))
        .values("sku_id")
        .annotate(avail=Sum(F("on_hand") - F("reserved")))
    )
    return {r["sku_id"]: max(r["avail"] or 0, 0) for r in rows}


def in_transit_by_sku(*, shop, sku_ids, by_date: datetime.date | None = None) -> dict[int, int]:
    """Units still due on in-transit receipts per SKU (expected on or before `by_date` when given)."""
    qs = InboundLine.objects.for_shop(shop).filter(
        sku_id__in=list(sku_ids), receipt__status__in=OPEN, received__lt=F("quantity")
    )
    if by_date is not None:
        qs = qs.filter(receipt__expected_date__lte=by_date)
    rows = qs.values("sku_id").annotate(due=Sum(F("quantity") - F("received")))
    return {r["sku_id"]: r["due"] or 0 for r in rows}


def _in_lead(*, shop, sku_ids, leads: dict[int, int], today: datetime.date) -> dict[int, int]:
    """In-transit units expected within each SKU's own lead time."""
    rows = (
        InboundLine.objects.for_shop(shop)
        .filter(sku_id__in=list(sku_ids), receipt__status__in=OPEN, received__lt=F("quantity"))
        .values("sku_id", "receipt__expected_date")
        .annotate(due=Sum(F("quantity") - F("received")))
    )
    out: dict[int, int] = {}
    for r in rows:
        if r["receipt__expected_date"] <= today + datetime.timedelta(days=leads[r["sku_id"]]):
            out[r["sku_id"]] = out.get(r["sku_id"], 0) + (r["due"] or 0)
    return out


def stock_plan(
    *, shop, q: str = "", needs_only: bool = False, sort: str = "cover", now=None
) -> list[PlanRow]:
    """One row per SKU on sale: available, in transit, 日均销量, 可售天数, 补货点, 建议补货量."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    settings = plan_settings_get(shop=shop)
    skus_qs = seller_skus_on_sale(shop=shop).order_by("product_id", "pk")
    if q:
        skus_qs = skus_qs.filter(Q(product__title__icontains=q) | Q(barcode=q))
    skus = list(skus_qs[:2000])
    ids = [s.pk for s in skus]
    overrides = {o.sku_id: o for o in SkuPlan.objects.for_shop(shop).filter(sku_id__in=ids)}
    leads = {
        i: (o.lead_days if (o := overrides.get(i)) and o.lead_days is not None else settings.lead_days)
        for i in ids
    }
    sold = sold_by_sku(shop=shop, sku_ids=ids, since=now - datetime.timedelta(days=settings.window_days))
    available = _available(shop=shop, sku_ids=ids)
    transit = in_transit_by_sku(shop=shop, sku_ids=ids)
    in_lead = _in_lead(shop=shop, sku_ids=ids, leads=leads, today=today)
    rows = []
    for sku in skus:
        o = overrides.get(sku.pk)
        safety_units = o.safety_units if o and o.safety_units is not None else settings.safety_units
        pack = o.pack_size if o else 1
        result = planning.plan(
            planning.PlanInput(
                sold=sold.get(sku.pk, 0),
                window_days=settings.window_days,
                available=available.get(sku.pk, 0),
                in_transit=transit.get(sku.pk, 0),
                in_transit_in_lead=in_lead.get(sku.pk, 0),
                lead_days=leads[sku.pk],
                review_days=settings.review_days,
                safety_days=settings.safety_days,
                safety_units=safety_units,
                pack_size=pack,
            )
        )
        if needs_only and not result.needs_reorder:
            continue
        rows.append(
            PlanRow(
                sku=sku,
                available=available.get(sku.pk, 0),
                in_transit=transit.get(sku.pk, 0),
                in_transit_in_lead=in_lead.get(sku.pk, 0),
                sold=sold.get(sku.pk, 0),
                lead_days=leads[sku.pk],
                pack_size=pack,
                plan=result,
            )
        )
    return _sorted(rows, sort)


def _sorted(rows: list[PlanRow], sort: str) -> list[PlanRow]:
    if sort not in SORTS:
        raise ValidationError(f"排序只能是 {' / '.join(SORTS)}", field="sort")
    inf = Fraction(10**12)
    keys = {
        "cover": lambda r: (r.cover_days if r.cover_days is not None else inf, r.sku.pk),
        "-suggested": lambda r: (-r.suggested, r.sku.pk),
        "-rate": lambda r: (-r.rate, r.sku.pk),
        "available": lambda r: (r.available, r.sku.pk),
    }
    return sorted(rows, key=keys[sort])


# --- campaigns (asked by insights' alert job) -----------------------------------------------------------------


@dataclass(frozen=True)
class CampaignCover:
    sku_id: int
    available: int
    arriving: int
    rate: Fraction
    cover_days: Fraction  # how many campaign days the stock lasts at the campaign rate
    short_units: int


def campaign_cover_short(
    *, shop, sku_ids, starts_at: datetime.datetime, ends_at: datetime.datetime, now=None
) -> list[CampaignCover]:
    """The SKUs among `sku_ids` whose stock will not last through a campaign from `starts_at` to `ends_at` at
    the usual rate until the start and rate × the shop's uplift during it (in-transit units expected before
    the campaign ends count)."""
    now = now or timezone.now()
    settings = plan_settings_get(shop=shop)
    ids = list(sku_ids)
    sold = sold_by_sku(shop=shop, sku_ids=ids, since=now - datetime.timedelta(days=settings.window_days))
    available = _available(shop=shop, sku_ids=ids)
    arriving = in_transit_by_sku(shop=shop, sku_ids=ids, by_date=timezone.localdate(ends_at))
    day = Fraction(86400)
    to_start = Fraction(int(max((starts_at - now).total_seconds(), 0))) / day
    length = Fraction(int((ends_at - starts_at).total_seconds())) / day
    out = []
    for sku_id in ids:
        rate = planning.daily_rate(sold=sold.get(sku_id, 0), window_days=settings.window_days)
        short = planning.campaign_shortfall(
            rate=rate,
            uplift_pct=settings.campaign_uplift_pct,
            available=available.get(sku_id, 0),
            arriving_before_end=arriving.get(sku_id, 0),
            days_to_start=to_start,
            campaign_days=length,
        )
        if short is not None:
            out.append(
                CampaignCover(
                    sku_id=sku_id,
                    available=available.get(sku_id, 0),
                    arriving=arriving.get(sku_id, 0),
                    rate=rate,
                    cover_days=short[0],
                    short_units=short[1],
                )
            )
    return out


# --- receipts (reads) -------------------------------------------------------------------------------------------


def receipt_list(*, shop, status: str = ""):
    qs = InboundReceipt.objects.for_shop(shop).select_related("warehouse")
    if status:
        if status not in InboundReceipt.Status.values:
            raise ValidationError("状态不正确", field="status")
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def receipt_get(*, shop, receipt_id) -> InboundReceipt:
    receipt = (
        InboundReceipt.objects.for_shop(shop)
        .select_related("warehouse", "created_by")
        .prefetch_related("lines__sku__product")
        .filter(pk=receipt_id)
        .first()
    )
    if receipt is None:
        raise NotFound("入库单不存在")
    return receipt
