"""The keyword ads' reports for the seller: by day, plan, ad group and keyword; the search terms; each keyword's
quality score with its components explained; the Excel export. Every read takes the shop (`for_shop`).

Definitions (DOMAIN.md "Keyword ads" / "Ads, more"): impressions = ads shown; clicks = **charged** clicks (bots,
repeats within the dedupe window and invalid clicks are recorded and not counted); CTR = clicks ÷ impressions;
spend = Σ charged prices; avg CPC = spend ÷ clicks; orders = distinct paid orders with a line attributed to a click
of that row (last click within the attribution window); GMV = Σ the attributed lines' payable (no freight);
CVR = orders ÷ clicks; 投产比 (ROAS) = GMV ÷ spend. Days are Asia/Shanghai.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from wanshang.ads.engine import quality
from wanshang.ads.models import AdGroup, AdKeyword, AdPlan
from wanshang.ads.quality_data import keyword_inputs
from wanshang.ads.traffic_models import AdClick, AdConversion, AdImpression
from wanshang.common.errors import NotFound, ValidationError
from wanshang.search.selectors import synonym_map

BY = ("day", "plan", "group", "keyword")
PERIODS = (7, 14, 30)
MAX_DAYS = 90


@dataclass
class Row:
    key: object  # a date, or a plan / group / keyword id
    label: str = ""
    impressions: int = 0
    clicks: int = 0
    spend_fen: int = 0
    orders: int = 0
    gmv_fen: int = 0
    extra: dict = field(default_factory=dict)

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
        """投产比 = GMV ÷ spend (0 without spend)."""
        return self.gmv_fen / self.spend_fen if self.spend_fen else 0.0

    def add(self, other: "Row") -> None:
        for name in ("impressions", "clicks", "spend_fen", "orders", "gmv_fen"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Report:
    by: str
    start: date
    end: date  # inclusive
    rows: list[Row]
    total: Row
    plan: AdPlan | None = None
    group: AdGroup | None = None


def period(days, now=None) -> tuple[date, date]:
    """(first day, last day) of the last `days` days, today included."""
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"统计天数须在 1–{MAX_DAYS} 之间", field="days")
    end = timezone.localdate(now)
    return end - timedelta(days=days - 1), end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
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


_KEYS = {"day": "day", "plan": "plan_id", "group": "group_id", "keyword": "keyword_id"}


def _grouped(qs, by: str, ts: str, **sums):
    if by == "day":
        qs = qs.annotate(day=TruncDate(ts, tzinfo=timezone.get_current_timezone()))
    return qs.values(_KEYS[by]).annotate(**sums).order_by()


def traffic_report(*, shop, by: str = "day", days: int = 7, plan_id=None, group_id=None, now=None) -> Report:
    """The report rows (and their total) by day, plan, group or keyword, for the shop or one plan / group."""
    if by not in BY:
        raise ValidationError("报表维度须是 day / plan / group / keyword", field="by")
    start, end = period(days, now)
    plan, group, only = _scope(shop, plan_id, group_id)
    lo, hi = _bounds(start, end)
    rows: dict = {}

    def row(key) -> Row:
        return rows.setdefault(key, Row(key))

    key = _KEYS[by]
    imps = AdImpression.objects.for_shop(shop).filter(ts__gte=lo, ts__lt=hi, **only)
    for r in _grouped(imps, by, "ts", n=Count("id")):
        row(r[key]).impressions = r["n"]
    clicks = AdClick.objects.for_shop(shop).filter(
        ts__gte=lo, ts__lt=hi, status=AdClick.Status.CHARGED, **only
    )
    for r in _grouped(clicks, by, "ts", n=Count("id"), s=Sum("charged_fen")):
        row(r[key]).clicks, row(r[key]).spend_fen = r["n"], r["s"] or 0
    conv = AdConversion.objects.for_shop(shop).filter(paid_at__gte=lo, paid_at__lt=hi, **only)
    for r in _grouped(conv, by, "paid_at", n=Count("order_id", distinct=True), s=Sum("amount_fen")):
        row(r[key]).orders, row(r[key]).gmv_fen = r["n"], r["s"] or 0
    if by == "day":  # every day of the period, the quiet ones too (the chart's x axis)
        ordered = [
            rows.get(start + timedelta(days=i), Row(start + timedelta(days=i)))
            for i in range((end - start).days + 1)
        ]
        for r in ordered:
            r.label = r.key.strftime("%Y-%m-%d")
    else:
        ordered = sorted(rows.values(), key=lambda r: (-r.spend_fen, -r.impressions, r.key))
        _label(shop, by, ordered)
    total = Row("total", _("合计"))
    for r in ordered:
        total.add(r)
    return Report(by=by, start=start, end=end, rows=ordered, total=total, plan=plan, group=group)


def _label(shop, by: str, rows: list[Row]) -> None:
    ids = [r.key for r in rows]
    if by == "plan":
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


def search_terms(*, shop, days: int = 7, plan_id=None, group_id=None, keyword_id=None, now=None) -> list[Row]:
    """Which real queries triggered each keyword: a row per (keyword, query) with its figures, most shown first.
    `extra` holds the keyword's word."""
    start, end = period(days, now)
    _plan, _group, only = _scope(shop, plan_id, group_id)
    if keyword_id is not None:
        if not AdKeyword.objects.for_shop(shop).filter(pk=keyword_id).exists():
            raise NotFound("关键词不存在")
        only = {**only, "keyword_id": keyword_id}
    lo, hi = _bounds(start, end)
    rows: dict = {}

    def row(k) -> Row:
        return rows.setdefault(k, Row(k))

    imps = AdImpression.objects.for_shop(shop).filter(ts__gte=lo, ts__lt=hi, **only)
    for r in imps.values("keyword_id", "query").annotate(n=Count("id")).order_by():
        row((r["keyword_id"], r["query"])).impressions = r["n"]
    clicks = AdClick.objects.for_shop(shop).filter(
        ts__gte=lo, ts__lt=hi, status=AdClick.Status.CHARGED, **only
    )
    for r in clicks.values("keyword_id", "query").annotate(n=Count("id"), s=Sum("charged_fen")).order_by():
        got = row((r["keyword_id"], r["query"]))
        got.clicks, got.spend_fen = r["n"], r["s"] or 0
    conv = AdConversion.objects.for_shop(shop).filter(paid_at__gte=lo, paid_at__lt=hi, **only)
    for r in (
        conv.values("keyword_id", "query")
        .annotate(n=Count("order_id", distinct=True), s=Sum("amount_fen"))
        .order_by()
    ):
        got = row((r["keyword_id"], r["query"]))
        got.orders, got.gmv_fen = r["n"], r["s"] or 0
    words = dict(
        AdKeyword.objects.for_shop(shop).filter(pk__in={k for k, _q in rows}).values_list("pk", "word")
    )
    out = sorted(rows.values(), key=lambda r: (-r.impressions, -r.clicks, r.key))
    for r in out:
        r.label = r.key[1]
        r.extra = {"keyword_id": r.key[0], "keyword": words.get(r.key[0], _("（已删除）")), "query": r.key[1]}
    return out


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
        _("花费(元)"),
        _("平均点击花费(元)"),
        _("成交笔数"),
        _("成交金额(元)"),
        _("点击转化率"),
        _("投产比"),
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
    ]


def report_xlsx(report: Report, terms: list[Row]) -> bytes:
    """Two sheets: the report by its dimension (with the total) and the search terms."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("推广报表")
    first = {"day": _("日期"), "plan": _("推广计划"), "group": _("推广单元"), "keyword": _("关键词")}[
        report.by
    ]
    sheet.append(_headers(first))
    for r in [*report.rows, report.total]:
        sheet.append(_cells(r))
    terms_sheet = book.create_sheet(_("搜索词"))
    terms_sheet.append([_("关键词"), *_headers(_("搜索词"))])
    for r in terms:
        terms_sheet.append([r.extra.get("keyword", ""), *_cells(r)])
    for ws in (sheet, terms_sheet):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.column_dimensions["A"].width = 24
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
