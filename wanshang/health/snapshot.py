"""The daily snapshot: every indicator for every shop (one compute per indicator over all shops), stored per
day; warnings open items; the merchant credit levels. Run by the `health.indicators` job."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation

from wanshang.health import indicators as registry
from wanshang.health.items import item_open
from wanshang.health.models import PenaltyPoint, ShopCredit, ShopIndicator
from wanshang.merchants.selectors import shop_list
from wanshang.orders.selectors import shops_paid_orders
from wanshang.reviews.selectors import shops_dsr

CHUNK = 2000


def _fmt(ind: registry.Indicator, value: float) -> str:
    if ind.unit == registry.RATE:
        return f"{value * 100:.1f}%"
    if ind.unit == registry.COUNT:
        return f"{int(value)}"
    return f"{value:.2f}"


def warning_text(ind: registry.Indicator, value: float) -> str:
    side = "高于" if ind.higher_is_worse else "低于"
    return f"{ind.label} {_fmt(ind, value)}，{side}规则阈值 {_fmt(ind, ind.threshold)}"


def _store(ind, shop_ids, readings, *, day, now) -> list[tuple[int, float]]:
    rows, warned = [], []
    for shop_id in shop_ids:
        reading = readings.get(shop_id) or registry.Reading(None)
        warns = ind.warns(reading)
        if warns:
            warned.append((shop_id, reading.value))
        rows.append(
            ShopIndicator(
                shop_id=shop_id,
                key=ind.key,
                day=day,
                value=reading.value,
                numerator=reading.numerator,
                denominator=reading.denominator,
                warning=warns,
                computed_at=now,
            )
        )
    with transaction.atomic():  # a second run on the same day replaces the day's rows
        ShopIndicator.objects.filter(key=ind.key, day=day, shop_id__in=shop_ids).delete()
        ShopIndicator.objects.bulk_create(rows)
    return warned


def indicators_compute(*, now=None) -> int:
    """Compute and store every indicator for every shop as of `now`; open an item per warning (an item already
    open stays the one item). Idempotent per day. Returns the items opened."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    since = now - timedelta(days=settings.WANSHANG["HEALTH_WINDOW_DAYS"])
    all_ids = list(shop_list().values_list("pk", flat=True))
    opened = 0
    for start in range(0, len(all_ids), CHUNK):
        shop_ids = all_ids[start : start + CHUNK]
        for ind in registry.indicators():
            readings = ind.compute(shop_ids=shop_ids, since=since, until=now)
            for shop_id, value in _store(ind, shop_ids, readings, day=day, now=now):
                with translation.override(settings.LANGUAGE_CODE):  # stored: in the site's language
                    text, title = warning_text(ind, value), str(ind.label)
                item = item_open(shop_id=shop_id, kind=ind.key, title=title, detail=text, now=now)
                opened += item is not None
    credits_compute(shop_ids=all_ids, now=now)
    return opened


# --- the merchant credit level (docs/health.md) -----------------------------------------------------------------


def credit_level(*, sales_fen: int, dsr: float | None, points: int) -> int:
    """1–5 钻: the 90-day paid sales step (SALES_STEPS), one down for a DSR below 4.5, one down per 12 live
    penalty points; never below 1."""
    level = sum(1 for step in settings.WANSHANG["HEALTH_CREDIT_SALES_FEN"] if sales_fen >= step)
    if dsr is not None and dsr < 4.5:
        level -= 1
    level -= points // 12
    return max(1, min(5, level))


def live_points(*, shop_ids, now) -> dict[int, int]:
    return dict(
        PenaltyPoint.objects.filter(
            shop_id__in=list(shop_ids), cancelled_at__isnull=True, expires_at__gt=now, given_at__lte=now
        )
        .values_list("shop_id")
        .annotate(n=Sum("points"))
        .order_by()
    )


def credits_compute(*, shop_ids, now) -> int:
    sales = shops_paid_orders(shop_ids=shop_ids, since=now - timedelta(days=90), until=now)
    dsr = shops_dsr(shop_ids=shop_ids)
    points = live_points(shop_ids=shop_ids, now=now)
    rows = []
    for shop_id in shop_ids:
        fen = sales.get(shop_id, (0, 0))[1]
        score = (dsr.get(shop_id) or (None, 0))[0]
        p = points.get(shop_id, 0)
        rows.append(
            ShopCredit(
                shop_id=shop_id,
                level=credit_level(sales_fen=fen, dsr=score, points=p),
                sales_fen=fen,
                dsr=score,
                points=p,
                computed_at=now,
            )
        )
    with transaction.atomic():
        ShopCredit.objects.filter(shop_id__in=list(shop_ids)).delete()
        ShopCredit.objects.bulk_create(rows)
    return len(rows)
