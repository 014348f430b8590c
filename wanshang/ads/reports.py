"""The ads' reports for the seller: by day, hour of day, plan, ad group, keyword and placement; the search terms;
each keyword's quality score with its components explained; the Excel export. Every read takes the shop.

The figures come from the hourly rollup (`rollup.py`: `AdStatHour`, built by the `ads.rollup` job) for the hours
it has built, and from the raw rows for the rest (the current hour, the hours since the job's last run), so a
report is exact and current. The search terms read their own rollup (`rollup_terms.py`: each keyword's top
queries per day and a "rest" row, exact today), the hour-of-day report the rollup's group hours. Spend includes
the CPM audience ads' blocks (in the hour of a block's last impression, split over its crowds), so 投产比 is
right for CPM plans; the crowd report (`crowd_report`) gives an audience plan's figures per crowd target.

Definitions (DOMAIN.md "Keyword ads" / "Ads, more"): impressions = ads shown; clicks = **charged** clicks less
those refunded as invalid since (bots, repeats within the dedupe window and invalid clicks are recorded and never
charged: `invalid_clicks`); spend = Σ charged prices **net of invalid-click refunds** (the ledger's `refund`
entries, counted in the hour of the click they undo; `refunded_fen` shows them); CTR = clicks ÷ impressions;
avg CPC = spend ÷ clicks; orders = distinct paid orders with a line attributed to a click of that row (last click
within the attribution window; an order whose lines came through two keywords counts once for each); GMV = Σ the
attributed lines' payable (no freight); CVR = orders ÷ clicks; 投产比 (ROAS) = GMV ÷ spend. Days and hours are
Asia/Shanghai; conversions count in the hour of payment.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from wanshang.ads import rollup, rollup_terms
from wanshang.ads.audience import target_label
from wanshang.ads.audience_models import AudienceTarget
from wanshang.ads.engine import quality
from wanshang.ads.models import AdGroup, AdKeyword, AdPlan
from wanshang.ads.quality_data import keyword_inputs
from wanshang.ads.traffic_models import Placement
from wanshang.common.errors import NotFound, ValidationError
from wanshang.insights.selectors import crowd_packs
from wanshang.search.selectors import synonym_map

BY = ("day", "hour", "plan", "group", "keyword", "placement")
PERIODS = (7, 14, 30)
MAX_DAYS = 90
OLDEST_DAYS = 400  # how far back a custom period may start


@dataclass
class Row:
    key: object  # a date, an hour of day (0–23), a plan / group / keyword id or a placement
    label: str = ""
    impressions: int = 0
    clicks: int = 0  # charged clicks not refunded
    spend_fen: int = 0  # net of invalid-click refunds
    orders: int = 0
    gmv_fen: int = 0
    extra: dict = field(default_factory=dict)
    invalid_clicks: int = 0  # bot + invalid + duplicate: recorded, never charged
    refunded_fen: int = 0  # invalid-click refunds already taken out of spend_fen
    refunded_clicks: int = 0

    @property
    def ctr(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0

    @property
    def avg_cpc_fen(self) -> int:
        return round(self.spend_fen / self.clicks) if self.clicks else 0

    @property
    def cvr(self) -> float:
        return self.orders / self.clicks if self.clicks else 0.0

    @property
    def roas(self) -> float:
        """投产比 = GMV ÷ spend net of refunds (0 without spend)."""
        return self.gmv_fen / self.spend_fen if self.spend_fen > 0 else 0.0

    def add(self, other: "Row") -> None:
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @classmethod
    def of(cls, key, counts: dict) -> "Row":
        """A row from the rollup's counters (`rollup.FIELDS`)."""
        return cls(
            key,
            impressions=counts["impressions"],
            clicks=counts["clicks"] - counts["refunded_clicks"],
            spend_fen=counts["spend_fen"] - counts["refunded_fen"],
            orders=counts["conversions"],
            gmv_fen=counts["gmv_fen"],
            invalid_clicks=counts["invalid_clicks"],
            refunded_fen=counts["refunded_fen"],
            refunded_clicks=counts["refunded_clicks"],
        )


_SUMMED = (
    "impressions",
    "clicks",
    "spend_fen",
    "orders",
    "gmv_fen",
    "invalid_clicks",
    "refunded_fen",
    "refunded_clicks",
)


@dataclass
class Report:
    by: str
    start: date
    end: date  # inclusive
    rows: list[Row]
    total: Row
    plan: AdPlan | None = None
    group: AdGroup | None = None


def period(days=None, now=None, *, start: date | None = None, end: date | None = None) -> tuple[date, date]:
    """(first day, last day): the last `days` days, today included, or start..end (both given, start ≤ end, not
    in the future, at most MAX_DAYS days, not before OLDEST_DAYS ago). ValidationError otherwise."""
    today = timezone.localdate(now)
    if start is not None or end is not None:
        if not isinstance(start, date) or not isinstance(end, date):
            raise ValidationError("请同时给出开始和结束日期（YYYY-MM-DD）", field="start")
        if start > end:
            raise ValidationError("开始日期不能晚于结束日期", field="start")
        if end > today:
            raise ValidationError("结束日期不能晚于今天", field="end")
        if (end - start).days + 1 > MAX_DAYS:
            raise ValidationError(f"统计区间最长 {MAX_DAYS} 天", field="start")
        if start < today - timedelta(days=OLDEST_DAYS):
            raise ValidationError(f"只能查询最近 {OLDEST_DAYS} 天的数据", field="start")
        return start, end
    days = 7 if days is None else days
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"统计天数须在 1–{MAX_DAYS} 之间", field="days")
    return today - timedelta(days=days - 1), today


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _scope(shop, plan_id=None, group_id=None) -> tuple[AdPlan | None, AdGroup | None, dict]:
    """The plan or group asked for, the shop's own only (another shop's id is 404), and the row filter."""
    plan = group = None
    if group_id is not None:
        group = AdGroup.objects.for_shop(shop).select_related("plan", "product").filter(pk=group_id).first()
        if group is None:
            raise NotFound("推广单元不存在")
        return group.plan, group, {"group_id": group.pk}
    if plan_id is not None:
        plan = AdPlan.objects.for_shop(shop).filter(pk=plan_id).first()
        if plan is None:
            raise NotFound("推广计划不存在")
        return plan, None, {"plan_id": plan.pk}
    return None, None, {}


_KEYS = {
    "day": "day",
    "hour": "hour",
    "plan": "plan_id",
    "group": "group_id",
    "keyword": "keyword_id",
    "placement": "placement",
}


def traffic_report(
    *,
    shop,
    by: str = "day",
    days: int | None = 7,
    plan_id=None,
    group_id=None,
    placement: str | None = None,
    start: date | None = None,
    end: date | None = None,
    now=None,
) -> Report:
    """The report rows (and their total) by day, hour of day, plan, group, keyword or placement, for the shop or
    one plan / group / placement, over the last `days` days or start..end."""
    if shop is None or getattr(shop, "pk", None) is None:
        raise NotFound("店铺不存在")
    if by not in BY:
        raise ValidationError("报表维度须是 day / hour / plan / group / keyword / placement", field="by")
    if placement is not None and placement not in Placement.values:
        raise ValidationError("广告位不存在", field="placement")
    start, end = period(days, now, start=start, end=end)
    plan, group, only = _scope(shop, plan_id, group_id)
    if placement is not None:
        only["placement"] = placement
    lo, hi = period_bounds(start, end)
    got = rollup.stats(lo=lo, hi=hi, keys=(_KEYS[by],), shop_id=shop.pk, only=only)
    rows = {k[0]: Row.of(k[0], counts) for k, counts in got.items()}
    if by == "day":  # every day of the period, the quiet ones too (the chart's x axis)
        ordered = [
            rows.get(d, Row(d)) for d in (start + timedelta(days=i) for i in range((end - start).days + 1))
        ]
        for r in ordered:
            r.label = r.key.strftime("%Y-%m-%d")
    elif by == "hour":  # the 24 hours of the day, summed over the period
        ordered = [rows.get(h, Row(h)) for h in range(24)]
        for r in ordered:
            r.label = f"{r.key:02d}:00"
    else:
        ordered = sorted(rows.values(), key=lambda r: (-r.spend_fen, -r.impressions, str(r.key)))
        _label(shop, by, ordered)
    total = Row("total", _("合计"))
    for r in ordered:
        total.add(r)
    return Report(by=by, start=start, end=end, rows=ordered, total=total, plan=plan, group=group)


def _label(shop, by: str, rows: list[Row]) -> None:
    ids = [r.key for r in rows]
    if by == "placement":
        names = {k: str(v) for k, v in Placement.choices}
    elif by == "plan":
        names = dict(AdPlan.objects.for_shop(shop).filter(pk__in=ids).values_list("pk", "name"))
    elif by == "group":
        names = {
            g.pk: g.product.title
            for g in AdGroup.objects.for_shop(shop).filter(pk__in=ids).select_related("product")
        }
    else:
        words = AdKeyword.objects.for_shop(shop).filter(pk__in=ids).values_list("pk", "word", "match_type")
        names = {pk: word for pk, word, _m in words}
    for r in rows:
        r.label = names.get(r.key) or _("（已删除）")


def search_terms(
    *,
    shop,
    days: int | None = 7,
    plan_id=None,
    group_id=None,
    keyword_id=None,
    start: date | None = None,
    end: date | None = None,
    now=None,
    limit: int | None = None,
) -> list[Row]:
    """Which real queries triggered each keyword: a row per (keyword, query) with its figures, most shown first
    (clicks and spend net of invalid-click refunds), then per keyword one row "other queries" for the long tail
    not kept day by day (`extra["rest"]`, `extra["queries"]` how many query-days it sums); the first `limit` rows
    when given. `extra` holds the keyword's word."""
    start, end = period(days, now, start=start, end=end)
    _plan, _group, only = _scope(shop, plan_id, group_id)
    if keyword_id is not None:
        if not AdKeyword.objects.for_shop(shop).filter(pk=keyword_id).exists():
            raise NotFound("关键词不存在")
        only = {**only, "keyword_id": keyword_id}
    lo, hi = period_bounds(start, end)
    got = rollup_terms.term_stats(lo=lo, hi=hi, shop_id=shop.pk, only=only, top=limit)
    # imps, clicks, spend, refunded clicks, refunded fen, orders, gmv, queries (rollup.TERM_FIELDS + queries)
    ordered = sorted(got.items(), key=lambda kv: (kv[0][2], -kv[1][0], -kv[1][1], kv[0][0], kv[0][1]))
    if limit is not None:
        ordered = ordered[:limit]
    words = dict(
        AdKeyword.objects.for_shop(shop).filter(pk__in={k[0] for k, _v in ordered}).values_list("pk", "word")
    )
    deleted, other = _("（已删除）"), _("（其他搜索词）")
    out = []
    for (kw, query, rest), (imps, clicks, spend, r_clicks, r_fen, orders, gmv, queries) in ordered:
        r = Row(
            (kw, query, rest),
            other if rest else query,
            impressions=imps,
            clicks=clicks - r_clicks,
            spend_fen=spend - r_fen,
            orders=orders,
            gmv_fen=gmv,
            refunded_fen=r_fen,
            refunded_clicks=r_clicks,
        )
        r.extra = {
            "keyword_id": kw,
            "keyword": words.get(kw, deleted),
            "query": "" if rest else query,
            "rest": rest,
            "queries": queries,
        }
        out.append(r)
    return out


def crowd_report(
    *,
    shop,
    days: int | None = 7,
    plan_id=None,
    start: date | None = None,
    end: date | None = None,
    now=None,
) -> Report:
    """引力魔方: an audience plan's (or all the shop's audience plans') figures per crowd target — impressions,
    clicks, CTR, spend (CPC clicks and CPM blocks, net of refunds), orders, GMV, 投产比 — most spent first.
    Another shop's plan is 404, a keyword plan a 400. Row 0 (no crowd) is an impression no target won."""
    if shop is None or getattr(shop, "pk", None) is None:
        raise NotFound("店铺不存在")
    start, end = period(days, now, start=start, end=end)
    plan, _group, only = _scope(shop, plan_id)
    if plan is not None and plan.kind != AdPlan.Kind.AUDIENCE:
        raise ValidationError("人群报表只适用于人群推广（引力魔方）计划", field="plan_id")
    if plan is None:
        ids = list(
            AdPlan.objects.for_shop(shop).filter(kind=AdPlan.Kind.AUDIENCE).values_list("pk", flat=True)
        )
        only = {"plan_id__in": ids}
    rows = []
    if only.get("plan_id__in", True):
        lo, hi = period_bounds(start, end)
        got = rollup.stats(lo=lo, hi=hi, keys=("crowd_id",), shop_id=shop.pk, only=only)
        rows = [Row.of(k[0], counts) for k, counts in got.items()]
    rows.sort(key=lambda r: (-r.spend_fen, -r.impressions, r.key))
    targets = {t.pk: t for t in AudienceTarget.objects.for_shop(shop).filter(pk__in=[r.key for r in rows])}
    packs = {p.pk: p.name for p in crowd_packs(shop=shop)} if any(t.pack_id for t in targets.values()) else {}
    for r in rows:
        target = targets.get(r.key)
        if not r.key:
            r.label = _("未定向人群")
        elif target is None:
            r.label = _("（已删除）")
        else:
            r.label = target_label(target, packs)
            r.extra = {"kind": target.kind, "plan_id": target.plan_id}
    total = Row("total", _("合计"))
    for r in rows:
        total.add(r)
    return Report(by="crowd", start=start, end=end, rows=rows, total=total, plan=plan)


@dataclass(frozen=True)
class KeywordQuality:
    keyword: AdKeyword
    report: quality.QualityReport


def keyword_quality(*, shop, group_id=None, keyword_id=None, now=None) -> list[KeywordQuality]:
    """Each keyword's quality score 1–10 and its three components with the reasons (the group's, or one)."""
    qs = AdKeyword.objects.for_shop(shop).select_related("group__product__category")
    if keyword_id is not None:
        qs = qs.filter(pk=keyword_id)
    elif group_id is not None:
        _scope(shop, group_id=group_id)
        qs = qs.filter(group_id=group_id)
    keywords = list(qs.order_by("id")[:500])
    if keyword_id is not None and not keywords:
        raise NotFound("关键词不存在")
    inputs = keyword_inputs(keywords, now=now)
    synonyms = synonym_map()
    return [
        KeywordQuality(
            k,
            quality.report(
                keyword=inputs[k.pk].tokens,
                ctr=inputs[k.pk].ctr,
                item=inputs[k.pk].item,
                experience=inputs[k.pk].experience,
                synonyms=synonyms,
            ),
        )
        for k in keywords
    ]


def report_plans(*, shop) -> list[AdPlan]:
    """The shop's plans for the report's filter."""
    return list(AdPlan.objects.for_shop(shop).order_by("-id")[:200])


# --- the Excel export ------------------------------------------------------------------------------------------


def _headers(first: str) -> list[str]:
    return [
        first,
        _("展现量"),
        _("点击量"),
        _("点击率"),
        _("花费(元，已扣除无效点击退款)"),
        _("平均点击花费(元)"),
        _("成交笔数"),
        _("成交金额(元)"),
        _("点击转化率"),
        _("投产比"),
        _("无效点击"),
        _("无效点击退款(元)"),
    ]


def _cells(r: Row) -> list:
    return [
        r.label,
        r.impressions,
        r.clicks,
        round(r.ctr, 4),
        r.spend_fen / 100,
        r.avg_cpc_fen / 100,
        r.orders,
        r.gmv_fen / 100,
        round(r.cvr, 4),
        round(r.roas, 2),
        r.invalid_clicks,
        r.refunded_fen / 100,
    ]


_FIRST = {
    "day": gettext_lazy("日期"),
    "hour": gettext_lazy("小时"),
    "plan": gettext_lazy("推广计划"),
    "group": gettext_lazy("推广单元"),
    "keyword": gettext_lazy("关键词"),
    "placement": gettext_lazy("广告位"),
}


def report_xlsx(
    report: Report, terms: list[Row], *, hourly: Report | None = None, crowds: Report | None = None
) -> bytes:
    """Sheets: the report by its dimension (with the total), the hours of the day when given and not already the
    first, the crowds of the audience plans when given, and the search terms."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("推广报表")
    sheet.append(_headers(str(_FIRST[report.by])))
    for r in [*report.rows, report.total]:
        sheet.append(_cells(r))
    sheets = [sheet]
    if hourly is not None and report.by != "hour":
        hours = book.create_sheet(_("分时报表"))
        hours.append(_headers(_("小时")))
        for r in [*hourly.rows, hourly.total]:
            hours.append(_cells(r))
        sheets.append(hours)
    if crowds is not None:
        crowd_sheet = book.create_sheet(_("人群报表"))
        crowd_sheet.append(_headers(_("人群")))
        for r in [*crowds.rows, crowds.total]:
            crowd_sheet.append(_cells(r))
        sheets.append(crowd_sheet)
    terms_sheet = book.create_sheet(_("搜索词"))
    terms_sheet.append([_("关键词"), *_headers(_("搜索词"))])
    for r in terms:
        terms_sheet.append([r.extra.get("keyword", ""), *_cells(r)])
    for ws in [*sheets, terms_sheet]:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.column_dimensions["A"].width = 24
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
