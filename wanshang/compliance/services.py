"""Price-fraud guards (SAMR order 56, see docs/promotions.md):

- §16 `reference_price`: the highest strike-through price allowed for a SKU before a promotion starting at T —
  the lowest price charged in the 7 days before T, or with no sale in those days the last price charged;
  a SKU never sold falls back to its lowest listed price in those days. `strike_price_ok` applies it.
- §17 `price_rise_check`: a significant rise in the window before an item-level promotion is flagged.
- §20 is kept by construction: lists, product page and checkout read one pricing function (marketing.selectors).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from wanshang.catalog.selectors import listed_prices_between, price_changes_between
from wanshang.common.errors import NotFound
from wanshang.common.money import fen_to_yuan_str as y
from wanshang.compliance.models import PriceAlert, SkuDailyPrice


def transaction_prices_record(*, orders, now=None) -> None:
    """Paid orders (OrderFacts): keep each SKU's lowest unit price of the day (the price after item-level
    promotions)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    for order in orders:
        for line in order.lines:
            row, created = SkuDailyPrice.objects.get_or_create(
                sku_id=line.sku_id,
                day=day,
                defaults={"shop_id": order.shop_id, "min_price_fen": line.unit_price_fen},
            )
            if not created:
                SkuDailyPrice.objects.filter(pk=row.pk, min_price_fen__gt=line.unit_price_fen).update(
                    min_price_fen=line.unit_price_fen
                )


def reference_prices(*, sku_ids, at) -> dict[int, int | None]:
    """§16 reference per SKU for a promotion (or display) starting at `at`. None: no price known at all."""
    sku_ids = list(sku_ids)
    day = timezone.localdate(at)
    start = day - timedelta(days=7)
    out: dict[int, int | None] = {i: None for i in sku_ids}
    rows = SkuDailyPrice.objects.filter(sku_id__in=sku_ids, day__gte=start, day__lt=day).values_list(
        "sku_id", "min_price_fen"
    )
    for sku_id, price in rows:
        out[sku_id] = price if out[sku_id] is None else min(out[sku_id], price)
    missing = [i for i, v in out.items() if v is None]
    if missing:
        for sku_id, price in (
            SkuDailyPrice.objects.filter(sku_id__in=missing, day__lt=day)
            .order_by("sku_id", "-day")
            .values_list("sku_id", "min_price_fen")
        ):
            if out[sku_id] is None:
                out[sku_id] = price
        still = [i for i, v in out.items() if v is None]
        if still:
            for sku_id, price in listed_prices_between(
                sku_ids=still, start=at - timedelta(days=7), end=at
            ).items():
                out[sku_id] = price
    return out


def strike_price_ok(*, original_fen: int | None, reference_fen: int | None) -> bool:
    """May `original_fen` be shown struck through? Only when it is no higher than the §16 reference."""
    if not original_fen:
        return False
    return reference_fen is not None and original_fen <= reference_fen


def price_rise_check(*, promotion, now=None, until=None) -> list[PriceAlert]:
    """§17: for each SKU of an item-level promotion, flag a rise of PRICE_RAISE_FLAG_BPS or more within
    PRICE_RAISE_WINDOW_DAYS before it starts (compared with the lowest list price in that window).

    `until` (default: the start) extends the window: the daily re-check (marketing's
    `promotions_price_rise_patrol`) passes the current time for a running promotion, so a price raised while
    it runs is caught too. Idempotent: one alert per SKU, promotion and rule; an alert the shop marked handled
    opens again only when the price history behind it changed (a new rise)."""
    cfg = settings.WANSHANG
    start = promotion.starts_at - timedelta(days=cfg["PRICE_RAISE_WINDOW_DAYS"])
    end = until if until is not None and until > promotion.starts_at else promotion.starts_at
    sku_ids = list(promotion.items.values_list("sku_id", flat=True))
    alerts = []
    for sku_id, rows in price_changes_between(sku_ids=sku_ids, start=start, end=end).items():
        if len(rows) < 2:
            continue
        low = min(r["price_fen"] for r in rows)
        current = rows[-1]["price_fen"]
        if current - low >= low * cfg["PRICE_RAISE_FLAG_BPS"] // 10000 and current > low:
            alerts.append(_raise_alert(promotion, sku_id, rows, low, current))
    return alerts


def _raise_alert(promotion, sku_id: int, rows: list[dict], low: int, current: int) -> PriceAlert:
    cfg = settings.WANSHANG
    pct = (current - low) * 100 / low
    when = (
        f"活动“{promotion.name}”进行中"
        if rows[-1]["changed_at"] >= promotion.starts_at
        else f"活动“{promotion.name}”开始前 {cfg['PRICE_RAISE_WINDOW_DAYS']} 天内"
    )
    message = f"{when}售价由 ¥{y(low)} 提到 ¥{y(current)}（+{pct:.0f}%），疑似先提价后打折（§17）"
    evidence = [
        {"at": r["changed_at"].isoformat(), "price_fen": r["price_fen"], "old_price_fen": r["old_price_fen"]}
        for r in rows
    ]
    rule = PriceAlert.Rule.RAISE_BEFORE_DISCOUNT
    found = PriceAlert.objects.filter(sku_id=sku_id, promotion_id=promotion.pk, rule=rule).first()
    if found is not None and found.evidence == evidence:
        return found  # nothing new: a handled alert stays handled
    alert, _ = PriceAlert.objects.update_or_create(
        sku_id=sku_id,
        promotion_id=promotion.pk,
        rule=rule,
        defaults={"shop_id": promotion.shop_id, "message": message, "evidence": evidence, "resolved": False},
    )
    return alert


def price_alert_resolve(*, alert_id, shop=None) -> PriceAlert:
    """Mark a flag handled (merchant: own shop only; platform: any)."""
    qs = PriceAlert.objects.for_shop(shop) if shop is not None else PriceAlert.objects.all()
    if not qs.filter(pk=alert_id).update(resolved=True):
        raise NotFound("提醒不存在")
    return PriceAlert.objects.get(pk=alert_id)
