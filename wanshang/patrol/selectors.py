"""The daily patrol's reads: a shop's latest report, its findings grouped by kind, its history, and the
platform's overview of the shops with the most findings."""

from dataclasses import dataclass

from django.db.models import Count, Max, Q

from wanshang.common.errors import NotFound
from wanshang.merchants.selectors import shops_by_ids
from wanshang.patrol.models import PatrolFinding, PatrolReport

KIND_LABELS = dict(PatrolFinding.Kind.choices)


@dataclass
class KindGroup:
    kind: str
    label: str
    findings: list
    open_count: int


def latest_report(*, shop) -> PatrolReport | None:
    return PatrolReport.objects.for_shop(shop).filter(finished_at__isnull=False).first()


def report_get(*, shop, report_id) -> PatrolReport:
    report = PatrolReport.objects.for_shop(shop).filter(pk=report_id, finished_at__isnull=False).first()
    if report is None:
        raise NotFound("巡检报告不存在")
    return report


def report_history(*, shop, limit: int = 30):
    """The shop's finished reports, newest first, each with `.open_count` (findings not fixed yet)."""
    return (
        PatrolReport.objects.for_shop(shop)
        .filter(finished_at__isnull=False)
        .annotate(open_count=Count("findings", filter=Q(findings__status=PatrolFinding.Status.OPEN)))
        .order_by("-day")[:limit]
    )


def report_findings(*, shop, report, kind: str | None = None) -> list[PatrolFinding]:
    qs = PatrolFinding.objects.for_shop(shop).filter(report=report)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


def findings_by_kind(*, shop, report) -> list[KindGroup]:
    """The report's findings grouped by kind, in the kinds' order."""
    groups: dict[str, list] = {}
    for f in report_findings(shop=shop, report=report):
        groups.setdefault(f.kind, []).append(f)
    return [
        KindGroup(
            kind=k,
            label=str(label),
            findings=groups[k],
            open_count=sum(1 for f in groups[k] if f.status == PatrolFinding.Status.OPEN),
        )
        for k, label in PatrolFinding.Kind.choices
        if k in groups
    ]


def finding_get(*, shop, finding_id) -> PatrolFinding:
    found = PatrolFinding.objects.for_shop(shop).filter(pk=finding_id).first()
    if found is None:
        raise NotFound("巡检问题不存在")
    return found


@dataclass
class ShopPatrolRow:
    shop: object
    day: object
    products_checked: int
    findings_count: int
    open_count: int
    by_kind: dict


def _latest_reports() -> list[PatrolReport]:
    """Each shop's latest finished report, without reading the reports' history: one grouped query for each
    shop's last day, then the reports of those days (the job writes every shop each day, so the shops fall
    into a few distinct last days)."""
    shops_by_day: dict = {}
    for shop_id, day in (
        PatrolReport.objects.filter(finished_at__isnull=False)
        .values("shop_id")
        .annotate(last=Max("day"))
        .values_list("shop_id", "last")
    ):
        shops_by_day.setdefault(day, []).append(shop_id)
    if not shops_by_day:
        return []
    wanted = Q()
    for day, shop_ids in shops_by_day.items():
        wanted |= Q(day=day, shop_id__in=shop_ids)
    return list(PatrolReport.objects.filter(wanted, finished_at__isnull=False))


def platform_overview(*, limit: int = 50) -> list[ShopPatrolRow]:
    """Each shop's latest report, the shops with the most open findings first."""
    latest = {r.shop_id: r for r in _latest_reports()}
    reports = {r.pk: r for r in latest.values()}
    open_by: dict[int, dict[str, int]] = {}
    for report_id, kind, n in (
        PatrolFinding.objects.filter(report_id__in=list(reports), status=PatrolFinding.Status.OPEN)
        .values_list("report_id", "kind")
        .annotate(n=Count("id"))
    ):
        open_by.setdefault(report_id, {})[kind] = n
    shops = shops_by_ids(ids=list(latest))
    rows = [
        ShopPatrolRow(
            shop=shops[r.shop_id],
            day=r.day,
            products_checked=r.products_checked,
            findings_count=r.findings_count,
            open_count=sum(open_by.get(r.pk, {}).values()),
            by_kind={str(KIND_LABELS[k]): n for k, n in open_by.get(r.pk, {}).items()},
        )
        for r in reports.values()
        if r.shop_id in shops
    ]
    rows.sort(key=lambda row: (-row.open_count, -row.findings_count, row.shop.pk))
    return rows[:limit]
