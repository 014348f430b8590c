"""日常巡检: the shop's latest patrol report (or one of its history), findings grouped by kind with the values
side by side, a link to the page that fixes each, and the one-click safe fixes (POST, re-checked afterwards).

Reads and writes go through patrol's selectors and services with `request.shop`: another shop's report or
finding id is a 404 page.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound
from wanshang.common.web import message_errors
from wanshang.merchants import permissions as P
from wanshang.patrol.selectors import (
    finding_get,
    findings_by_kind,
    latest_report,
    report_get,
    report_history,
)
from wanshang.patrol.services import finding_fix
from wanshang.sellercenter.access import seller_render, seller_view


def fix_link(finding) -> tuple[str, str]:
    """(label, URL) of the page where the merchant fixes a finding by hand."""
    if finding.kind == "promo_oos" and finding.sku_id:
        return _("调整库存"), reverse("sellercenter:stock_adjust") + f"?sku_id={finding.sku_id}"
    if finding.kind == "below_cost" and finding.sku_id:
        return _("修改价格"), reverse("sellercenter:product_edit", args=[finding.product_id])
    if finding.kind == "image":
        return _("更换图片"), reverse("sellercenter:product_edit", args=[finding.product_id])
    return _("编辑商品"), reverse("sellercenter:product_edit", args=[finding.product_id])


def _report_param(request):
    raw = request.GET.get("report") or ""
    if not raw:
        return None
    if not raw.isdigit():
        raise NotFound(_("巡检报告不存在"))
    return int(raw)


@seller_view(P.PRODUCT_EDIT)
def patrol_view(request):
    report_id = _report_param(request)
    report = (
        report_get(shop=request.shop, report_id=report_id)
        if report_id is not None
        else latest_report(shop=request.shop)
    )
    groups = findings_by_kind(shop=request.shop, report=report) if report else []
    for group in groups:
        for finding in group.findings:
            finding.link_label, finding.link = fix_link(finding)
    return seller_render(
        request,
        "sellercenter/patrol.html",
        {"report": report, "groups": groups, "history": report_history(shop=request.shop)},
        active="patrol",
    )


@require_POST
@seller_view(P.PRODUCT_EDIT)
def patrol_fix_view(request, finding_id: int):
    finding = finding_get(shop=request.shop, finding_id=finding_id)  # another shop's: 404
    with message_errors(request, prefix=_("未修复：")):
        fixed = finding_fix(shop=request.shop, finding_id=finding.pk, actor=request.user)
        if fixed.status == "fixed":
            messages.success(request, _("已修复，复查通过：%(title)s") % {"title": fixed.product_title})
        else:
            messages.warning(
                request, _("已执行修复，复查仍不一致：%(title)s") % {"title": fixed.product_title}
            )
    return redirect(reverse("sellercenter:patrol") + f"?report={finding.report_id}#finding-{finding.pk}")
