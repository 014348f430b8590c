"""支付异常下跌: hours whose paid orders fell far below their usual level, and the alerts that say so.

Expected level of a local hour H (weekday w, hour h), for a shop or the marketplace:
  weekly = median of the paid orders at the same weekday and hour in each of the previous N weeks (N = 4);
  daily  = median of the paid orders at the same hour on each of the previous 7 days;
  expected = (weekly + daily) / 2.
The median, not the mean, so one earlier incident (a zero) or one promotion spike in the history barely moves
it. Four weekly points alone are few and miss a level change (a shop that grew or shrank this week), so they
are blended half and half with the last 7 days; the daily median is dominated by whichever weekdays are
typical, which at worst under-states a busy weekend hour (fewer alarms, not false ones). Hours before a shop
existed count as 0, which also only lowers the expectation.

An hour is flagged when all three hold:
  expected ≥ ANOMALY_MIN_EXPECTED (3): quieter hours are too noisy to judge;
  observed ≤ ANOMALY_DROP_RATIO × expected (settings, 0.3): a drop large enough to matter;
  P(X ≤ observed | X ~ Poisson(expected)) < ANOMALY_P_VALUE (0.01): unlikely to be chance.

Scanning (`payment_gaps_scan`, run by the job analytics.anomaly_scan every 300 s): every complete hour since
the previous successful run of the job (its JobRun row is the scan state, so no model is needed); a first run
looks back 48 hours and a long outage at most 14 days. Open shops and the marketplace (shop NULL) are scanned;
the unique constraints on (shop, kind, hour) make a repeated scan create nothing twice.
"""

import math
import statistics
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from wanshang.analytics.readmodel import Event, EventKind
from wanshang.common.errors import NotFound, ValidationError
from wanshang.common.selectors import job_runs
from wanshang.insights.models import Alert
from wanshang.merchants.selectors import shop_list_open

JOB_NAME = "analytics.anomaly_scan"
HOUR = timedelta(hours=1)
DAILY_POINTS = 7
FIRST_LOOKBACK_HOURS = 48
MAX_CATCHUP_HOURS = 14 * 24
GRACE = timedelta(minutes=2)  # a payment's event commits with its order, a moment after its timestamp
CHUNK_HOURS = 24


def _setting(name: str, default):
    return settings.WANSHANG.get(name, default)


def drop_ratio() -> float:
    return float(_setting("ANOMALY_DROP_RATIO", 0.3))


def baseline_weeks() -> int:
    return int(_setting("ANOMALY_BASELINE_WEEKS", 4))


def min_expected() -> float:
    return float(_setting("ANOMALY_MIN_EXPECTED", 3))


def p_value_limit() -> float:
    return float(_setting("ANOMALY_P_VALUE", 0.01))


# --- the statistics -------------------------------------------------------------------------------------------


def poisson_cdf(k: int, lam: float) -> float:
    """P(X ≤ k) for X ~ Poisson(lam), summed in log space so large λ does not underflow term by term."""
    if k < 0:
        return 0.0
    if lam <= 0:
        return 1.0
    log_lam = math.log(lam)
    total = 0.0
    for i in range(int(k) + 1):
        total += math.exp(-lam + i * log_lam - math.lgamma(i + 1))
    return min(total, 1.0)


def expected_level(*, weekly: list[int], daily: list[int]) -> float:
    """The blended baseline described in the module docstring."""
    parts = [statistics.median(points) for points in (weekly, daily) if points]
    return sum(parts) / len(parts) if parts else 0.0


def is_payment_gap(*, observed: int, expected: float) -> bool:
    if expected < min_expected():
        return False
    if observed > drop_ratio() * expected:
        return False
    return poisson_cdf(observed, expected) < p_value_limit()


# --- scanning -------------------------------------------------------------------------------------------------


def _local_key(ts: datetime) -> datetime:
    """A local wall-clock hour as a naive datetime: weeks and days are stepped in local time."""
    return timezone.localtime(ts).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def _aware(key: datetime) -> datetime:
    return timezone.make_aware(key, timezone.get_current_timezone())


def _history_keys(key: datetime, weeks: int) -> tuple[list[datetime], list[datetime]]:
    weekly = [key - timedelta(days=7 * k) for k in range(1, weeks + 1)]
    daily = [key - timedelta(days=j) for j in range(1, DAILY_POINTS + 1)]
    return weekly, daily


def _ranges(keys: set[datetime]) -> list[tuple[datetime, datetime]]:
    """Sorted local hours merged into [start, end) ranges of consecutive hours."""
    out = []
    for key in sorted(keys):
        if out and out[-1][1] == key:
            out[-1][1] = key + HOUR
        else:
            out.append([key, key + HOUR])
    return [(a, b) for a, b in out]


def _paid_counts(keys: set[datetime]) -> dict[int | None, dict[datetime, int]]:
    """Paid orders per shop per local hour over the given hours (missing = 0)."""
    tz = timezone.get_current_timezone()
    where = Q()
    for a, b in _ranges(keys):
        where |= Q(ts__gte=_aware(a), ts__lt=_aware(b))
    rows = (
        Event.objects.filter(where, kind=EventKind.ORDER_PAID)
        .order_by()
        .annotate(h=TruncHour("ts", tzinfo=tz))
        .values("shop_id", "h")
        .annotate(n=Count("id"))
    )
    counts: dict[int | None, dict[datetime, int]] = defaultdict(dict)
    for row in rows:
        counts[row["shop_id"]][_local_key(row["h"])] = row["n"]
    return counts


def _detail(*, key: datetime, observed: int, expected: float, platform: bool) -> str:
    when = f"{key:%m-%d} {key.hour:02d}:00–{key.hour + 1:02d}:00"
    if platform:
        return _(
            "全平台 %(when)s 支付订单 %(observed)d 笔，同期通常约 %(expected)d 笔：请检查支付渠道、"
            "下单页面与各店铺情况"
        ) % {"when": when, "observed": observed, "expected": round(expected)}
    return _(
        "%(when)s 支付订单 %(observed)d 笔，同期通常约 %(expected)d 笔：请检查支付、页面报错或库存同步"
    ) % {"when": when, "observed": observed, "expected": round(expected)}


def hours_to_scan(*, now: datetime, since: datetime | None) -> list[datetime]:
    """Local hour keys of the complete hours ending in (since − grace, now − grace]; `since` None = a first run."""
    until = _local_key(now - GRACE)  # the hour in progress (minus grace) is not complete: it is the end bound
    if since is None:
        first = until - timedelta(hours=FIRST_LOOKBACK_HOURS)
    else:
        first = max(_local_key(since - GRACE), until - timedelta(hours=MAX_CATCHUP_HOURS))
    keys, key = [], first
    while key < until:
        keys.append(key)
        key += HOUR
    return keys


def payment_gaps_find(*, keys: list[datetime], shop_ids: list[int]) -> list[dict]:
    """Flagged hours among `keys` for the given shops and the marketplace (shop_id None): dicts with
    shop_id, key, observed, expected."""
    weeks = baseline_weeks()
    needed = set(keys)
    for key in keys:
        weekly, daily = _history_keys(key, weeks)
        needed.update(weekly)
        needed.update(daily)
    counts = _paid_counts(needed)
    market: dict[datetime, int] = defaultdict(int)
    for per_hour in counts.values():
        for k, n in per_hour.items():
            market[k] += n
    scopes = [(sid, counts.get(sid, {})) for sid in shop_ids] + [(None, market)]
    found = []
    for key in keys:
        weekly_keys, daily_keys = _history_keys(key, weeks)
        for shop_id, per_hour in scopes:
            expected = expected_level(
                weekly=[per_hour.get(k, 0) for k in weekly_keys],
                daily=[per_hour.get(k, 0) for k in daily_keys],
            )
            observed = per_hour.get(key, 0)
            if is_payment_gap(observed=observed, expected=expected):
                found.append({"shop_id": shop_id, "key": key, "observed": observed, "expected": expected})
    return found


def payment_gaps_scan(*, now: datetime | None = None, since: datetime | None = None) -> int:
    """Flag the complete hours since `since` (see hours_to_scan) for every open shop and the marketplace.
    Returns how many alerts were created; a repeated scan of the same hours creates none."""
    now = now or timezone.now()
    keys = hours_to_scan(now=now, since=since)
    if not keys:
        return 0
    shop_ids = list(shop_list_open().values_list("pk", flat=True))
    created = 0
    for i in range(0, len(keys), CHUNK_HOURS):
        found = payment_gaps_find(keys=keys[i : i + CHUNK_HOURS], shop_ids=shop_ids)
        created += _alerts_create(found)
    return created


def _alerts_create(found: list[dict]) -> int:
    if not found:
        return 0
    hours = {_aware(f["key"]) for f in found}
    existing = set(
        Alert.objects.filter(kind=Alert.Kind.PAYMENT_GAP, hour__in=hours).values_list("shop_id", "hour")
    )
    new = []
    for f in found:
        hour = _aware(f["key"])
        if (f["shop_id"], hour) in existing:
            continue
        new.append(
            Alert(
                shop_id=f["shop_id"],
                kind=Alert.Kind.PAYMENT_GAP,
                hour=hour,
                observed=f["observed"],
                expected=round(f["expected"], 2),
                detail=_detail(
                    key=f["key"],
                    observed=f["observed"],
                    expected=f["expected"],
                    platform=f["shop_id"] is None,
                ),
            )
        )
    # ignore_conflicts: a concurrent scan (the worker and an operator's 立即运行) may have inserted the same row.
    Alert.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def last_scan_at(*, now: datetime) -> datetime | None:
    """When the previous successful analytics.anomaly_scan run started (its `now`): what it scanned up to."""
    for run in job_runs(name=JOB_NAME, limit=50):
        if run.finished_at is not None and not run.error and run.started_at < now:
            return run.started_at
    return None


def anomaly_scan_due(*, now: datetime) -> int:
    """The job: scan from the previous successful run (catching up after a gap) up to now."""
    return payment_gaps_scan(now=now, since=last_scan_at(now=now))


# --- alerts: seller side (always one shop) --------------------------------------------------------------------


def alert_list(*, shop, unread_only: bool = False):
    qs = Alert.objects.for_shop(shop)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def alerts_recent(shop, limit: int = 5) -> list[Alert]:
    """The shop's newest alerts (by the hour they are about), for the dashboard."""
    return list(Alert.objects.for_shop(shop).order_by("-hour", "-id")[:limit])


def alerts_unread_count(shop) -> int:
    return Alert.objects.for_shop(shop).filter(read_at__isnull=True).count()


def alert_mark_read(*, shop, alert_id: int, now: datetime | None = None) -> Alert:
    """Mark one of the shop's alerts read (again: no change). Another shop's alert raises NotFound."""
    alert = Alert.objects.for_shop(shop).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("提醒不存在"))
    if alert.read_at is None:
        alert.read_at = now or timezone.now()
        alert.save(update_fields=["read_at"])
    return alert


def alerts_mark_all_read(*, shop, now: datetime | None = None) -> int:
    return Alert.objects.for_shop(shop).filter(read_at__isnull=True).update(read_at=now or timezone.now())


# --- alerts: platform side --------------------------------------------------------------------------------------
# Alert has a single read_at. A shop's alert is the shop's to mark read, so the platform marks only the
# marketplace-wide alerts (shop NULL) and sees the shops' read state as it is.

PLATFORM_SCOPES = ("all", "platform", "shops")


def platform_alert_list(*, scope: str = "all", shop_id: int | None = None, unread_only: bool = False):
    if scope not in PLATFORM_SCOPES:
        raise ValidationError(_("范围只能是 all、platform 或 shops"), field="scope")
    qs = Alert.objects.select_related("shop")
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    elif scope == "platform":
        qs = qs.filter(shop__isnull=True)
    elif scope == "shops":
        qs = qs.filter(shop__isnull=False)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-hour", "-id")


def platform_alerts_unread_count() -> int:
    """Unread marketplace-wide alerts (the ones the platform itself handles)."""
    return Alert.objects.filter(shop__isnull=True, read_at__isnull=True).count()


def platform_alert_mark_read(*, alert_id: int, now: datetime | None = None) -> Alert:
    """Mark a marketplace-wide alert read. NotFound for an unknown id; a shop's alert is refused."""
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("提醒不存在"))
    if alert.shop_id is not None:
        raise ValidationError(_("店铺的提醒由店铺在卖家中心标记已读"))
    if alert.read_at is None:
        alert.read_at = now or timezone.now()
        alert.save(update_fields=["read_at"])
    return alert
