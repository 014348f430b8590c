"""The daily patrol's writes: a shop's report of a day, the `patrol.daily` job's batch, and the one-click safe
fixes, each followed by a re-check of the finding and an audit row (docs/patrol.md)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wanshang.catalog.selectors import products_on_sale_of_shop
from wanshang.catalog.services import product_cache_refresh
from wanshang.common import events
from wanshang.common.domain_events import PatrolReportReady
from wanshang.common.errors import Conflict, NotFound
from wanshang.marketing.services import display_prices_refresh
from wanshang.merchants.selectors import shop_list_open
from wanshang.patrol import surfaces
from wanshang.patrol.checks import check_products
from wanshang.patrol.models import PatrolFinding, PatrolFix, PatrolReport
from wanshang.search.services import index_products

CHUNK = 100  # products checked per batch of reads

# A web face plugs in what its rendered-HTML cache shows of products (patrol/surfaces.py; types.SurfaceReader).
surface_register = surfaces.register


def due_day(now):
    """The latest day whose report is due: today from PATROL_HOUR (local time) on, yesterday before it."""
    local = timezone.localtime(now)
    day = local.date()
    return day if local.hour >= settings.WANSHANG["PATROL_HOUR"] else day - timedelta(days=1)


def _findings(shop_id: int, now) -> tuple[int, list]:
    products = products_on_sale_of_shop(shop_id=shop_id)
    found = []
    for start in range(0, len(products), CHUNK):
        found += check_products(products[start : start + CHUNK], now=now)
    return len(products), found


def patrol_run_shop(*, shop, day=None, now=None) -> PatrolReport:
    """The shop's report of `day` (default: the day due). Idempotent: a finished report is returned as it is;
    one a crash left unfinished is written again."""
    now = now or timezone.now()
    day = day or due_day(now)
    done = PatrolReport.objects.for_shop(shop).filter(day=day, finished_at__isnull=False).first()
    if done is not None:
        return done
    checked, found = _findings(shop.pk, now)
    with transaction.atomic():
        report, _ = PatrolReport.objects.get_or_create(shop=shop, day=day, defaults={"started_at": now})
        report = PatrolReport.objects.select_for_update().get(pk=report.pk)
        if report.finished_at is not None:  # another worker finished it meanwhile
            return report
        report.findings.all().delete()
        PatrolFinding.objects.bulk_create([_row(shop.pk, report, f, now) for f in found])
        report.started_at, report.finished_at = now, timezone.now()
        report.products_checked, report.findings_count = checked, len(found)
        report.save()
        if found:  # the shop hears of a report only when there is something to do
            events.publish(
                PatrolReportReady(
                    shop_id=shop.pk,
                    report_id=report.pk,
                    day=day,
                    findings=len(found),
                    products_checked=checked,
                    at=report.finished_at,
                )
            )
    return report


def _row(shop_id, report, f, now) -> PatrolFinding:
    return PatrolFinding(
        shop_id=shop_id,
        report=report,
        kind=f.kind,
        product_id=f.product_id,
        product_title=f.product_title[:60],
        sku_id=f.sku_id,
        message=f.message[:300],
        diffs=f.diffs,
        fix=f.fix,
        checked_at=now,
    )


def patrol_daily(*, now=None, limit: int | None = None) -> int:
    """The `patrol.daily` job: each open shop without a finished report of the day due gets one. Only the latest
    due day: after downtime the missed days are not written afterwards. Returns the reports written."""
    now = now or timezone.now()
    day = due_day(now)
    limit = limit or settings.WANSHANG["PATROL_SHOPS_PER_RUN"]
    done = set(
        PatrolReport.objects.filter(day=day, finished_at__isnull=False).values_list("shop_id", flat=True)
    )
    shops = [s for s in shop_list_open().order_by("pk") if s.pk not in done][:limit]
    for shop in shops:
        patrol_run_shop(shop=shop, day=day, now=now)
    return len(shops)


def _apply(finding: PatrolFinding) -> None:
    shop_id, ids = finding.shop_id, [finding.product_id]
    if finding.fix == PatrolFinding.Fix.REFRESH_CACHE:
        product_cache_refresh(shop_id=shop_id, product_id=finding.product_id)
        display_prices_refresh(shop_id=shop_id, product_ids=ids)
        index_products(product_ids=ids)
    elif finding.fix == PatrolFinding.Fix.REPRICE:
        display_prices_refresh(shop_id=shop_id, product_ids=ids)
    elif finding.fix == PatrolFinding.Fix.REINDEX:
        index_products(product_ids=ids)


def finding_recheck(*, finding: PatrolFinding, now=None) -> bool:
    """Check the finding's product again; True (and the finding marked fixed) when the problem is gone, else
    its values are written again as they are now."""
    now = now or timezone.now()
    products = [p for p in products_on_sale_of_shop(shop_id=finding.shop_id) if p.pk == finding.product_id]
    same = [
        f
        for f in check_products(products, now=now)
        if f.kind == finding.kind and (finding.sku_id is None or f.sku_id == finding.sku_id)
    ]
    if same:
        finding.diffs, finding.message = same[0].diffs, same[0].message[:300]
    else:
        finding.status = PatrolFinding.Status.FIXED
    finding.checked_at = now
    finding.save(update_fields=["diffs", "message", "status", "checked_at"])
    return not same


def finding_fix(*, shop, finding_id, actor=None) -> PatrolFinding:
    """Run the finding's safe fix (refresh the product's cache, recompute its display prices, re-index it),
    re-check it and write the audit row, all under the finding's row lock: a second click waits, then finds it
    fixed. NotFound for another shop's finding; Conflict when it has no safe fix or is already fixed."""
    with transaction.atomic():
        finding = PatrolFinding.objects.for_shop(shop).select_for_update().filter(pk=finding_id).first()
        if finding is None:
            raise NotFound("巡检问题不存在")
        if not finding.fix:
            raise Conflict("该问题没有一键修复，请按提示到对应页面处理")
        if finding.status == PatrolFinding.Status.FIXED:
            raise Conflict("该问题已修复")
        before = finding.diffs
        _apply(finding)
        resolved = finding_recheck(finding=finding)
        PatrolFix.objects.create(
            shop=shop, finding=finding, action=finding.fix, actor=actor, before=before, resolved=resolved
        )
    return finding
