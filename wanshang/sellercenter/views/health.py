"""体检中心: the shop's indicators with their definitions, its items with deadline countdowns (mark fixed,
appeal), its penalty points and sanctions, its credit level; the 规则中心 to read and acknowledge rules."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound
from wanshang.common.web import message_errors
from wanshang.health.selectors import (
    ITEM_STATUS_LABELS,
    credit_of,
    decorate_items,
    indicator_rows,
    item_appeals,
    item_audit,
    points_summary,
    rules_for_shop,
    sanctions_of,
    seller_item_get,
    seller_item_list,
    seller_points,
)
from wanshang.health.services import appeal_submit, item_mark_fixed, rule_acknowledge
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.healthforms import AppealForm, ItemFixForm


def standing(shop) -> dict:
    """Points, sanctions and the credit level (the board and the dashboard show them)."""
    return {
        "points": points_summary(shop_id=shop.pk),
        "sanctions": sanctions_of(shop_id=shop.pk),
        "credit": credit_of(shop_id=shop.pk),
    }


@seller_view(P.HEALTH_HANDLE)
def health_board(request):
    status = request.GET.get("status") or "open"
    status = status if status in ("open", "all", *ITEM_STATUS_LABELS) else "open"
    page = Paginator(
        seller_item_list(shop=request.shop, status="" if status == "all" else status), 20
    ).get_page(request.GET.get("page"))
    return seller_render(
        request,
        "sellercenter/health/board.html",
        {
            "indicators": indicator_rows(shop_id=request.shop.pk),
            "page": page,
            "items": decorate_items(page.object_list),
            "status": status,
            "tabs": [
                ("open", _("待处理")),
                ("penalised", _("已扣分")),
                ("verified", _("已通过")),
                ("all", _("全部")),
            ],
            "penalties": list(seller_points(shop=request.shop)[:20]),
            "unacked": sum(1 for r in rules_for_shop(shop=request.shop) if not r.acked),
            "now": timezone.now(),
            **standing(request.shop),
        },
        active="health",
    )


@seller_view(P.HEALTH_HANDLE)
def health_item(request, item_id: int):
    item = seller_item_get(shop=request.shop, item_id=item_id)
    return seller_render(
        request,
        "sellercenter/health/item.html",
        {
            "item": item,
            "appeals": item_appeals(item=item),
            "audit": item_audit(item=item),
            "fix_form": ItemFixForm(),
            "appeal_form": AppealForm(),
            "now": timezone.now(),
        },
        active="health",
    )


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@require_POST
@seller_view(P.HEALTH_HANDLE)
def health_item_fix(request, item_id: int):
    form = ItemFixForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("sellercenter:health_item", item_id=item_id)
    with message_errors(request, passthrough=NotFound):
        item = item_mark_fixed(
            shop=request.shop, actor=request.user, item_id=item_id, note=form.cleaned_data["note"]
        )
        messages.success(
            request,
            _("系统复查已通过")
            if item.status == "verified"
            else _("已提交整改")
            if item.status == "fixed"
            else _("系统复查未通过，请继续整改"),
        )
    return redirect("sellercenter:health_item", item_id=item_id)


@require_POST
@seller_view(P.HEALTH_HANDLE)
def health_item_appeal(request, item_id: int):
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("sellercenter:health_item", item_id=item_id)
    with message_errors(request, passthrough=NotFound):
        appeal_submit(
            shop=request.shop,
            actor=request.user,
            item_id=item_id,
            reason=form.cleaned_data["reason"],
            evidence=form.cleaned_data["evidence"],
        )
        messages.success(request, _("申诉已提交，平台处理后会在这里显示结果"))
    return redirect("sellercenter:health_item", item_id=item_id)


@seller_view(P.HEALTH_HANDLE)
def health_rules(request):
    return seller_render(
        request,
        "sellercenter/health/rules.html",
        {"rules": rules_for_shop(shop=request.shop)},
        active="health_rules",
    )


@require_POST
@seller_view(P.HEALTH_HANDLE)
def health_rule_ack(request, rule_id: int):
    rule_acknowledge(shop=request.shop, actor=request.user, rule_id=rule_id)
    messages.success(request, _("已确认阅读该规则"))
    return redirect("sellercenter:health_rules")
