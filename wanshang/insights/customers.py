"""客户分析 reads: RFM scores and segments, 复购率, monthly cohorts, and the shop's 人群包.

Everything is computed from the shop's raw `paid` events (`Event.objects.for_shop(shop)`), one per paid order:
user_id = the buyer, amount_fen = what was paid (freight included, never reduced by refunds), ts = when.

RFM over a window of `window_days` (90 / 180 / 365) ending now; only buyers with a paid order in the window count:
- R = whole days (24-hour periods, rounded down) since the buyer's last paid order, as of now; lower is better.
- F = paid orders in the window; M = paid fen in the window; higher is better.
- Score 1–5 per dimension, rank-based so equal values always get equal scores:
  score = 1 + floor(5 × w / n), w = buyers strictly worse on that dimension, n = buyers in the window.
  For R "worse" means more days, so the most recent buyers get 5.
- High on a dimension = score ≥ the mean score of the shop's buyers on it (compared exactly: score × n ≥ Σ).
  When every buyer has the same value, all share one score and are all high on that dimension.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Count, DateField, Min
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from wanshang.accounts.selectors import users_by_ids
from wanshang.analytics.readmodel import Event, EventKind
from wanshang.common.errors import NotFound, ValidationError
from wanshang.insights import rfmstore
from wanshang.insights.models import CrowdPack

WINDOWS = (90, 180, 365)
DEFAULT_WINDOW = 365
COHORT_OFFSETS = 6  # months +0 … +5
COHORT_MONTHS = (6, 12)  # how many first-purchase months the cohort table shows
DEFAULT_COHORT_MONTHS = 12

SCORE_RULE = _(
    "得分按排名计算：得分 = 1 + ⌊5 × 该维度上严格更差的买家数 ÷ 买家总数⌋，取值相同的买家得分相同；"
    "R 越小越好（最近购买的得 5 分），F、M 越大越好。"
)
HIGH_RULE = _("“高”= 该维度得分 ≥ 本店窗口内全部买家在该维度的平均分；若全部买家取值相同，则全部记为“高”。")
R_RULE = _(
    "R = 距最近一次支付的整天数（截至现在，按 24 小时向下取整）；F = 窗口内支付订单数；"
    "M = 窗口内支付金额（含运费，不扣退款）。"
)
REPURCHASE_RULE = _("复购率 = 窗口内支付 ≥ 2 笔的买家数 ÷ 窗口内支付 ≥ 1 笔的买家数。")
COHORT_RULE = _(
    "同期群：买家按在本店首次支付的月份（北京时间自然月）分组；+1 至 +5 列为首购后第 n 个月内再次支付的"
    "买家占比，+0 列为首购当月又支付了第二笔的买家占比；尚未到来的月份为空，本月数据仍在累积。"
)


@dataclass(frozen=True)
class Segment:
    code: str
    name: str
    r_high: bool
    f_high: bool
    m_high: bool
    action: str


SEGMENTS = [
    Segment(
        "important_value",
        _("重要价值"),
        True,
        True,
        True,
        _("最近常买且花得多：专属权益、新品优先体验，以维护为主，避免过度打折"),
    ),
    Segment(
        "important_develop",
        _("重要发展"),
        True,
        False,
        True,
        _("最近买过且金额高但次数少：推荐关联商品、发放复购券，培养购买习惯"),
    ),
    Segment(
        "important_keep",
        _("重要保持"),
        False,
        True,
        True,
        _("常买且金额高但近期没来：消息唤醒，推送新品和专属券"),
    ),
    Segment(
        "important_retain",
        _("重要挽留"),
        False,
        False,
        True,
        _("金额高但久未购买且次数少：重点召回，大额定向券或回访了解流失原因"),
    ),
    Segment(
        "general_value", _("一般价值"), True, True, False, _("最近常买但金额低：满减、套餐凑单，提升客单价")
    ),
    Segment(
        "general_develop",
        _("一般发展"),
        True,
        False,
        False,
        _("新近的低频低额买家：新客券、关注店铺引导，促成第二单"),
    ),
    Segment(
        "general_keep",
        _("一般保持"),
        False,
        True,
        False,
        _("买得勤但金额低且近期没来：低成本触达，推送店铺活动"),
    ),
    Segment(
        "general_retain",
        _("一般挽留"),
        False,
        False,
        False,
        _("久未购买、低频低额：低成本批量触达，不宜投入过多"),
    ),
]
SEGMENT_BY_CODE = {s.code: s for s in SEGMENTS}
SEGMENT_BY_FLAGS = {(s.r_high, s.f_high, s.m_high): s for s in SEGMENTS}

# 人群包 sources: an RFM segment, or the window's repurchasers / one-time buyers
SOURCE_RFM = "rfm"
SOURCE_REPURCHASERS = "repurchasers"
SOURCE_ONE_TIME = "one_time"
SOURCES = {
    SOURCE_RFM: _("RFM 分群"),
    SOURCE_REPURCHASERS: _("复购买家（窗口内支付 ≥ 2 笔）"),
    SOURCE_ONE_TIME: _("仅购买一次的买家（窗口内支付 1 笔）"),
}


def window_check(value, *, field_name: str = "window") -> int:
    """90 / 180 / 365 (days) from a query value; None or "" is the default. Raises ValidationError."""
    if value in (None, ""):
        return DEFAULT_WINDOW
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if days not in WINDOWS:
        raise ValidationError(f"统计窗口只能是 {' / '.join(str(w) for w in WINDOWS)} 天", field=field_name)
    return days


def segment_check(code, *, field_name: str = "segment") -> Segment:
    """An RFM segment by its code (or its Chinese name). Raises ValidationError for anything else."""
    code = str(code or "").strip()
    segment = SEGMENT_BY_CODE.get(code) or next((s for s in SEGMENTS if str(s.name) == code), None)
    if segment is None:
        raise ValidationError("未知的客户分群", field=field_name)
    return segment


def quintile_scores(values: list, *, higher_is_better: bool = True) -> list[int]:
    """1–5 per value: 1 + floor(5 × (values strictly worse) / n). Equal values get equal scores."""
    n = len(values)
    ordered = sorted(values)
    scores = []
    for v in values:
        worse = bisect_left(ordered, v) if higher_is_better else n - bisect_right(ordered, v)
        scores.append(1 + (5 * worse) // n)
    return scores


@dataclass
class BuyerRfm:
    user_id: int
    last_paid_at: datetime
    r_days: int
    f: int
    m_fen: int
    r_score: int = 0
    f_score: int = 0
    m_score: int = 0
    segment: Segment | None = None
    login: str = ""


@dataclass
class Rfm:
    """The shop's RFM of a window as of a moment. The segment table, the means and 复购率 come from one SQL
    statement (`segment_stats`); the per-buyer rows (`buyers`) are read only when asked for."""

    window_days: int
    as_of: datetime
    since: datetime
    score_sums: tuple[int, int, int] = (0, 0, 0)  # Σ R, Σ F, Σ M scores (mean = Σ / n)
    count: int = 0
    repeat_buyers: int = 0  # buyers with F ≥ 2
    segment_stats: dict = field(default_factory=dict)  # segment code → (buyers, Σ R days, Σ F, Σ M fen)
    shop: object = field(default=None, repr=False)
    loaded: list | None = field(default=None, repr=False)
    # read the stored days (rfmstore.py; False: the events only); the stored-days split, once computed
    store: bool = field(default=True, repr=False)
    rows_sql: tuple | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return self.count

    @property
    def buyers(self) -> list[BuyerRfm]:
        """Every buyer of the window with R/F/M, scores and segment, by user id."""
        if self.loaded is None:
            self.loaded = _rfm_buyers(self)
        return self.loaded

    @property
    def means(self) -> dict:
        """Mean score per dimension, for display (the high/low test uses exact integers)."""
        n = self.n
        return {k: (round(s / n, 2) if n else None) for k, s in zip("rfm", self.score_sums, strict=True)}


def _window(window_days: int, now) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    return now - timedelta(days=window_days), now


def _paid(shop):
    return Event.objects.for_shop(shop).filter(kind=EventKind.ORDER_PAID, user_id__isnull=False)


# R/F/M per buyer, scores and high/low flags in SQL: no timestamp crosses into Python. RANK() - 1 counts the
# buyers strictly worse (F, M: smaller; R: more days), so score = 1 + ⌊5 × worse / n⌋ exactly as
# quintile_scores; high = score × n ≥ Σ scores. R = ⌊(now − last paid) / 24 h⌋ in whole microseconds.
_R_DAYS = {
    "postgresql": "FLOOR((%s - EXTRACT(EPOCH FROM MAX(last)) * 1000000) / 86400000000)",
    # SQLite keeps ts as 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC); its strftime rounds to milliseconds, so the
    # whole seconds and the microseconds are read apart
    "sqlite": "(%s - (CAST(strftime('%%s', substr(MAX(last), 1, 19)) AS INTEGER) * 1000000 "
    "+ CAST(substr(MAX(last) || '.000000', 21, 6) AS INTEGER))) / 86400000000",
}
_RFM = """WITH b AS (
  SELECT user_id, {r} AS r, SUM(f) AS f, COALESCE(SUM(m), 0) AS m, MAX(last) AS last FROM ({rows}) w
  GROUP BY user_id),
s AS (SELECT user_id, r, f, m, last, COUNT(*) OVER () AS n,
  1 + 5 * (RANK() OVER (ORDER BY r DESC) - 1) / COUNT(*) OVER () AS rs,
  1 + 5 * (RANK() OVER (ORDER BY f) - 1) / COUNT(*) OVER () AS fs,
  1 + 5 * (RANK() OVER (ORDER BY m) - 1) / COUNT(*) OVER () AS ms FROM b),
t AS (SELECT user_id, r, f, m, last, rs, fs, ms,
  CASE WHEN rs * n >= SUM(rs) OVER () THEN 1 ELSE 0 END AS rh,
  CASE WHEN fs * n >= SUM(fs) OVER () THEN 1 ELSE 0 END AS fh,
  CASE WHEN ms * n >= SUM(ms) OVER () THEN 1 ELSE 0 END AS mh FROM s)
"""
_RFM_SUMMARY = (
    "SELECT rh, fh, mh, COUNT(*), SUM(r), SUM(f), SUM(m), SUM(CASE WHEN f >= 2 THEN 1 ELSE 0 END), "
    "SUM(rs), SUM(fs), SUM(ms) FROM t GROUP BY rh, fh, mh"
)
_RFM_BUYERS = "SELECT user_id, r, f, m, rs, fs, ms, rh, fh, mh, last FROM t{where} ORDER BY user_id"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _rfm_query(rfm: Rfm, tail: str, extra: list) -> list[tuple]:
    """Rows of `tail` over the RFM CTEs: the first ten columns as ints, any further one as the driver gives it."""
    if rfm.rows_sql is None:  # which days are stored is read once per Rfm (the page, then its drill-down)
        rfm.rows_sql = rfmstore.window_rows_sql(rfm.shop.pk, rfm.since, rfm.as_of, store=rfm.store)
    rows, rows_params = rfm.rows_sql
    sql = _RFM.format(r=_R_DAYS[connection.vendor], rows=rows) + tail
    now_us = (rfm.as_of - _EPOCH) // timedelta(microseconds=1)
    params = [now_us, *rows_params, *extra]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [(*(int(v or 0) for v in row[:10]), *row[10:]) for row in cur.fetchall()]


def _rfm_buyers(rfm: Rfm, segment: Segment | None = None) -> list[BuyerRfm]:
    """The window's buyers (of one segment, or all) with R/F/M, scores, segment and last paid moment."""
    where, extra = "", []
    if segment is not None:
        where, extra = (
            " WHERE rh = %s AND fh = %s AND mh = %s",
            [
                int(segment.r_high),
                int(segment.f_high),
                int(segment.m_high),
            ],
        )
    rows = _rfm_query(rfm, _RFM_BUYERS.format(where=where), extra)
    return [
        BuyerRfm(
            user_id=u,
            last_paid_at=_aware(last),
            r_days=r,
            f=f,
            m_fen=m,
            r_score=rs,
            f_score=fs,
            m_score=ms,
            segment=SEGMENT_BY_FLAGS[(bool(rh), bool(fh), bool(mh))],
        )
        for u, r, f, m, rs, fs, ms, rh, fh, mh, last in rows
    ]


def _aware(value) -> datetime:
    """MAX(ts) as the driver returns it: an aware datetime (PostgreSQL) or SQLite's UTC text."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    return timezone.make_aware(parse_datetime(value), UTC)


def rfm_compute(*, shop, window_days: int = DEFAULT_WINDOW, now=None, store: bool = True) -> Rfm:
    """R/F/M, scores and segment of every buyer with a paid order in the shop in the window (see module doc):
    the segment table, score sums and 复购率 now, in SQL; the per-buyer rows when `buyers` is read. The
    window's complete days come from the stored buyer days when current (rfmstore.py; `store=False`: from the
    events), the rest from the events: the same figures either way."""
    window_days = window_check(window_days)
    since, now = _window(window_days, now)
    result = Rfm(window_days=window_days, as_of=now, since=since, shop=shop, store=store)
    sums = [0, 0, 0]
    for rh, fh, mh, k, r, f, m, repeat, rs, fs, ms in _rfm_query(result, _RFM_SUMMARY, []):
        seg = SEGMENT_BY_FLAGS[(bool(rh), bool(fh), bool(mh))]
        result.segment_stats[seg.code] = (k, r, f, m)
        result.count += k
        result.repeat_buyers += repeat
        sums = [sums[0] + rs, sums[1] + fs, sums[2] + int(ms or 0)]
    result.score_sums = tuple(sums)
    if not result.count:
        result.loaded = []
    return result


def _one_decimal(total: int, n: int) -> float | None:
    return round(total / n, 1) if n else None


def rfm_segment_rows(rfm: Rfm) -> list[dict]:
    """The segment table: buyers, share, average R (days) / F / M (fen, rounded half up), paid fen, action."""
    rows = []
    for seg in SEGMENTS:
        k, r_days, f, fen = rfm.segment_stats.get(seg.code, (0, 0, 0, 0))
        rows.append(
            {
                "code": seg.code,
                "name": str(seg.name),
                "action": str(seg.action),
                "r_high": seg.r_high,
                "f_high": seg.f_high,
                "m_high": seg.m_high,
                "buyers": k,
                "share": k / rfm.n if rfm.n else None,
                "avg_r_days": _one_decimal(r_days, k),
                "avg_f": _one_decimal(f, k),
                "avg_m_fen": (2 * fen + k) // (2 * k) if k else None,
                "amount_fen": fen,
            }
        )
    return rows


def mask_login(login: str) -> str:
    """A login as the seller sees it: 139****0001, ab****@example.com, 张**."""
    login = str(login or "").strip()
    if not login:
        return "-"
    if "@" in login:
        local, _at, domain = login.partition("@")
        return f"{local[:2]}****@{domain}"
    if len(login) >= 7:
        return f"{login[:3]}****{login[-4:]}"
    return login[0] + "*" * max(1, len(login) - 1)


def buyer_logins(*, ids) -> dict[int, str]:
    """Masked logins (phone, else username) of the given users; unknown or inactive users are left out."""
    return {pk: mask_login(u.phone or u.username) for pk, u in users_by_ids(ids=ids).items()}


def rfm_segment_buyers(rfm: Rfm, segment: Segment) -> list[BuyerRfm]:
    """A segment's buyers, highest M first (then most recent, then id), with their masked logins."""
    chosen = rfm.buyers if rfm.loaded is not None else _rfm_buyers(rfm, segment)
    members = sorted(
        (b for b in chosen if b.segment is segment), key=lambda b: (-b.m_fen, b.r_days, b.user_id)
    )
    logins = buyer_logins(ids=[b.user_id for b in members])
    for b in members:
        b.login = logins.get(b.user_id, "-")
    return members


# --- 复购率 and cohorts ----------------------------------------------------------------------------------------


def repurchase(*, shop, window_days: int = DEFAULT_WINDOW, now=None, rfm: Rfm | None = None) -> dict:
    """复购率 = buyers with ≥ 2 paid orders in the window / buyers with ≥ 1 (None when there are none).
    `rfm`: the same shop's `rfm_compute` of the same window and moment, when the page has it already (its
    F per buyer is the count needed, so nothing is read again)."""
    window_days = window_check(window_days)
    if rfm is None or rfm.window_days != window_days:
        rfm = rfm_compute(shop=shop, window_days=window_days, now=now)
    n, repeat = rfm.n, rfm.repeat_buyers
    return {
        "window_days": window_days,
        "since": rfm.since,
        "as_of": rfm.as_of,
        "buyers": n,
        "repeat_buyers": repeat,
        "rate": repeat / n if n else None,
    }


def _month_index(ts) -> int:
    local = timezone.localtime(ts)
    return local.year * 12 + local.month - 1


def _date_month(day) -> int:
    return day.year * 12 + day.month - 1


def _month_label(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


def _month_start(index: int):
    return timezone.make_aware(datetime(index // 12, index % 12 + 1, 1))


def cohort_months_check(value) -> int:
    if value in (None, ""):
        return DEFAULT_COHORT_MONTHS
    try:
        months = int(value)
    except (TypeError, ValueError):
        months = 0
    if months not in COHORT_MONTHS:
        raise ValidationError(f"同期群月数只能是 {' / '.join(str(m) for m in COHORT_MONTHS)}", field="months")
    return months


def cohorts(*, shop, months: int = DEFAULT_COHORT_MONTHS, now=None) -> list[dict]:
    """Monthly cohorts (local calendar months): buyers grouped by the month of their first paid order in the
    shop, for the last `months` months including this one. Cell +k (k = 1…5) = share of the cohort with a paid
    order in month first+k; cell +0 = share with a second paid order in their first month. Months that have not
    begun are None; the current month is still filling."""
    months = cohort_months_check(months)
    now = now or timezone.now()
    current = _month_index(now)
    first_month = current - months + 1
    start = _month_start(first_month)
    paid = _paid(shop).filter(ts__lte=now)
    # local calendar months counted in SQL, read as dates: no per-order timestamp crosses into Python
    month = TruncMonth("ts", tzinfo=timezone.get_current_timezone(), output_field=DateField())
    firsts = {
        row["user_id"]: _date_month(row["first"])
        for row in paid.values("user_id").annotate(first=Min(month)).filter(first__gte=start.date())
    }
    orders_in_month: dict[tuple[int, int], int] = {}
    for user_id, m, n in (
        paid.filter(ts__gte=start)
        .annotate(m=month)
        .values("user_id", "m")
        .annotate(n=Count("id"))
        .values_list("user_id", "m", "n")
    ):
        if user_id in firsts:
            orders_in_month[(user_id, _date_month(m))] = n
    out = []
    for month in range(first_month, current + 1):
        members = [u for u, m in firsts.items() if m == month]
        cells = []
        for k in range(COHORT_OFFSETS):
            if month + k > current:
                cells.append({"offset": k, "buyers": None, "rate": None})
                continue
            need = 2 if k == 0 else 1
            again = sum(1 for u in members if orders_in_month.get((u, month + k), 0) >= need)
            cells.append({"offset": k, "buyers": again, "rate": again / len(members) if members else None})
        out.append({"month": _month_label(month), "size": len(members), "cells": cells})
    return out


# --- 人群包 ---------------------------------------------------------------------------------------------------


def rule_buyer_ids(*, shop, rule: dict, now=None) -> list[int]:
    """The buyers a 人群包 rule selects now (sorted ids). Raises ValidationError for a rule it cannot read."""
    source = (rule or {}).get("source")
    window_days = window_check((rule or {}).get("window_days"), field_name="window_days")
    if source == SOURCE_RFM:
        segment = segment_check(rule.get("segment"))
        rfm = rfm_compute(shop=shop, window_days=window_days, now=now)
        return sorted(b.user_id for b in _rfm_buyers(rfm, segment))
    if source in (SOURCE_REPURCHASERS, SOURCE_ONE_TIME):
        rfm = rfm_compute(shop=shop, window_days=window_days, now=now)
        keep = (lambda n: n >= 2) if source == SOURCE_REPURCHASERS else (lambda n: n == 1)
        return sorted(b.user_id for b in rfm.buyers if keep(b.f))
    raise ValidationError("未知的人群来源", field="source")


def rule_label(rule: dict) -> str:
    """How a pack was built, as a person reads it: “RFM 分群：重要价值 · 近 365 天”."""
    rule = rule or {}
    window = rule.get("window_days")
    suffix = " · " + _("近 %(w)s 天") % {"w": window} if window else ""
    if rule.get("source") == SOURCE_RFM:
        seg = SEGMENT_BY_CODE.get(rule.get("segment"))
        return (
            _("%(source)s：%(segment)s")
            % {"source": SOURCES[SOURCE_RFM], "segment": seg.name if seg else rule.get("segment")}
            + suffix
        )
    if rule.get("source") in SOURCES:
        return f"{SOURCES[rule['source']]}{suffix}"
    return str(_("自定义"))


def crowd_pack_built_at(pack) -> datetime:
    """When the pack's buyers were last computed (`built_at` in its rule), else when it was created."""
    return parse_datetime(str((pack.rule or {}).get("built_at") or "")) or pack.created_at


def crowd_packs(*, shop):
    """The shop's 人群包, newest first."""
    return CrowdPack.objects.for_shop(shop).select_related("created_by").order_by("-id")


def crowd_pack_get(*, shop, pack_id) -> CrowdPack:
    """One of the shop's 人群包; another shop's id (or none) raises NotFound."""
    pack = CrowdPack.objects.for_shop(shop).filter(pk=pack_id).select_related("created_by").first()
    if pack is None:
        raise NotFound("人群包不存在")
    return pack


def crowd_pack_buyer_ids(shop, pack_id) -> list[int]:
    """The buyer ids saved in one of the shop's 人群包 (the snapshot of its last build or refresh), for coupons
    and ads. Another shop's pack raises NotFound."""
    return [int(i) for i in crowd_pack_get(shop=shop, pack_id=pack_id).buyer_ids]


def crowd_pack_members(*, pack_ids) -> dict[int, tuple[int, frozenset[int]]]:
    """pack id → (its shop id, its buyer ids) for the given packs (audience ads match a signed-in visitor
    against the packs their shop targets; the caller checked each pack is that shop's when it was chosen)."""
    return {
        pk: (shop_id, frozenset(int(i) for i in buyer_ids))
        for pk, shop_id, buyer_ids in CrowdPack.objects.filter(pk__in=list(pack_ids)).values_list(
            "pk", "shop_id", "buyer_ids"
        )
    }
