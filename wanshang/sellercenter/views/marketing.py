"""营销中心: the shop's promotions (overview, create/edit per kind, detail with price preview, pause/resume/end,
coupon 定向发放), the SKU picker's search, 会员等级 and 价格合规提醒.

Every read and write goes through marketing / compliance services and selectors with `request.shop`; another
shop's promotion or alert id is a 404 page. Service errors on a form are shown on that form and change nothing.
"""

from datetime import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from wanshang.catalog.selectors import leaf_categories, seller_products_in_tab, seller_skus_by_id
from wanshang.common.errors import NotFound
from wanshang.common.money import fen_to_yuan_str
from wanshang.common.web import add_domain_error, form_errors, message_errors
from wanshang.compliance.selectors import open_price_alert_count, price_alerts
from wanshang.compliance.services import price_alert_resolve
from wanshang.marketing.selectors import (
    coupon_stats,
    flash_slots,
    member_levels,
    promotion_get,
    promotion_list,
    promotion_phase_label,
    promotion_preview,
    promotion_stacking_preview,
)
from wanshang.marketing.services import (
    coupon_issue,
    member_levels_save,
    promotion_end,
    promotion_pause,
    promotion_resume,
    promotion_save,
)
from wanshang.marketing.types import ITEM_KINDS, TOKEN_LABELS, Kind, Scope
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import shop_category_ids
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.forms import (
    CouponIssueForm,
    MemberLevelRowsForm,
    PromotionFilterForm,
    category_tree,
)
from wanshang.sellercenter.promoforms import (
    FORMS,
    bps_to_zhe,
    item_rows_from_post,
    items_from_rows,
    rows_from_promotion,
    service_field,
    sku_label,
)
from wanshang.sellercenter.views.products import safe_next

PHASE_TABS = [
    ("", _("全部")),
    ("running", _("进行中")),
    ("scheduled", _("未开始")),
    ("paused", _("已暂停")),
    ("ended", _("已结束")),
]


def has_items(kind: str) -> bool:
    return kind in ITEM_KINDS or kind == Kind.BUNDLE


def editable(promo, now) -> bool:
    """Only a promotion that has not started may be edited (the service says so too)."""
    return promo.starts_at > now and promo.phase(now) != "ended"


def rule_lines(promo) -> list[str]:
    """The promotion's rules as a person reads them."""
    c, y = promo.config or {}, fen_to_yuan_str
    lines = []
    if promo.kind == Kind.COUPON:
        body = f"满 ¥{y(c['threshold_fen'])} " if c.get("threshold_fen") else "无门槛 "
        if c.get("type") == "amount":
            body += f"减 ¥{y(c['amount_fen'])}"
        else:
            body += f"打 {bps_to_zhe(c['discount_bps'])} 折" + (
                f"，最多减 ¥{y(c['cap_fen'])}" if c.get("cap_fen") else ""
            )
        lines += [
            body,
            f"发放总量 {promo.total_quantity} 张"
            + (f"，每人限领 {promo.per_buyer_limit} 张" if promo.per_buyer_limit else ""),
            f"领取后 {c['valid_days']} 天内有效" if c.get("valid_days") else "活动期内有效",
            "公开领取" if c.get("public", True) else "仅定向发放",
        ]
    elif promo.kind == Kind.FULL_REDUCTION:
        if c.get("mode") == "tiers":
            lines.append("，".join(f"满 ¥{y(a)} 减 ¥{y(b)}" for a, b in c["tiers"]))
        elif c.get("mode") == "every":
            lines.append(
                f"每满 ¥{y(c['every_fen'])} 减 ¥{y(c['off_fen'])}"
                + (f"，最多减 ¥{y(c['cap_fen'])}" if c.get("cap_fen") else "")
            )
        else:
            lines.append("，".join(f"满 {a} 件打 {bps_to_zhe(b)} 折" for a, b in c.get("tiers", [])))
    elif promo.kind == Kind.GROUP_BUY:
        lines.append(f"{c.get('size')} 人成团，开团后 {c.get('hours')} 小时内有效")
    elif promo.kind == Kind.BUNDLE:
        lines.append(f"套餐价 ¥{y(c.get('price_fen', 0))}")
    elif promo.kind == Kind.WHOLESALE:
        lines.append("仅批发买家可享" if c.get("wholesale_only") else "所有买家可享")
    elif promo.kind == Kind.MEMBER_PRICE and c.get("level_bps"):
        lines.append("，".join(f"{r} 级会员 {bps_to_zhe(b)} 折" for r, b in sorted(c["level_bps"].items())))
    if promo.kind in ITEM_KINDS and promo.kind != Kind.MEMBER_PRICE and promo.per_buyer_limit:
        lines.append(f"每人限购 {promo.per_buyer_limit} 件")
    if promo.scope != Scope.ALL:
        lines.append(
            f"适用范围：{Scope(promo.scope).label} {', '.join(str(i) for i in promo.scope_ids or [])}"
        )
    tokens = [str(TOKEN_LABELS.get(t, t)) for t in c.get("combine_with", [])]
    lines.append("可叠加：" + "、".join(tokens) if tokens else "不与店铺级、平台级优惠叠加")
    return lines


# --- overview --------------------------------------------------------------------------------------------------


@seller_view(P.MARKETING)
def marketing(request):
    form = PromotionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    kind, phase = data.get("kind") or "", data.get("phase") or ""
    now = timezone.now()
    page = Paginator(
        promotion_list(shop=request.shop, kind=kind or None, phase=phase or None, now=now), 20
    ).get_page(request.GET.get("page"))
    rows = [
        {
            "promo": p,
            "kind_label": p.get_kind_display(),
            "phase": p.phase(now),
            "phase_label": promotion_phase_label(p, now),
            "can_edit": editable(p, now),
        }
        for p in page
    ]
    return seller_render(
        request,
        "sellercenter/marketing/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "kind": kind,
            "phase": phase,
            "tabs": PHASE_TABS,
            "kinds": Kind.choices,
            "alert_count": open_price_alert_count(shop=request.shop),
        },
        active="marketing",
    )


# --- create / edit ---------------------------------------------------------------------------------------------


def _label_rows(shop, rows: list[dict]) -> None:
    ids = [int(r["sku_id"]) for r in rows if str(r.get("sku_id", "")).isdigit()]
    skus = seller_skus_by_id(shop=shop, sku_ids=ids) if ids else {}
    for row in rows:
        sku = skus.get(int(row["sku_id"])) if str(row.get("sku_id", "")).isdigit() else None
        row["label"] = sku_label(sku) if sku else ""


def _add_service_error(form, exc) -> None:
    service_field(exc)  # the service's field names (amount_fen …) to the form's (amount …)
    add_domain_error(form, exc)


def _promotion_form(request, kind: str, promo=None):
    shop, now = request.shop, timezone.now()
    form_cls = FORMS[kind]
    kwargs = {
        "levels": member_levels(shop=shop) if kind == Kind.MEMBER_PRICE else (),
        "slots": [s for s in flash_slots(upcoming_only=True) if s.is_open] if kind == Kind.FLASH_SALE else (),
    }
    status = 200
    if request.method == "POST":
        form = form_cls(request.POST, **kwargs)
        rows = item_rows_from_post(request.POST, form) if has_items(kind) else []
        _label_rows(shop, rows)
        items, row_errors = items_from_rows(rows, form)
        if form.is_valid() and not row_errors:
            with form_errors(form, add=_add_service_error) as outcome:
                saved = promotion_save(
                    shop=shop,
                    actor=request.user,
                    data=form.promotion_input(items),
                    promotion_id=promo.pk if promo else None,
                )
                messages.success(request, f"{saved.get_kind_display()}“{saved.name}”已保存")
                return redirect("sellercenter:promotion_detail", promotion_id=saved.pk)
            status = outcome.status
        else:
            status = 400
            for message in row_errors:
                form.add_error(None, message)
    else:
        initial = form_cls.initial_from(promo) if promo else form_cls.initial_new()
        form = form_cls(initial=initial, **kwargs)
        rows = rows_from_promotion(promo, form) if promo else []
        _label_rows(shop, rows)
    columns = form.item_columns()
    blank = [{"sku_id": "", "label": "", "error": ""}] * 3
    static_rows = [
        {
            **r,
            "cells": [{"key": c["key"], "label": c["label"], "value": r.get(c["key"], "")} for c in columns],
        }
        for r in rows + blank
    ]  # the rows without JS; Alpine replaces them with `items_json`
    return seller_render(
        request,
        "sellercenter/marketing/form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "promo": promo,
            "static_rows": static_rows,
            "columns": columns,
            "has_items": has_items(kind),
            "levels": kwargs["levels"],
            "items_json": {"rows": rows, "columns": columns},
            "locked": promo is not None and not editable(promo, now),
            # 指定类目: the shop's categories for the scope picker (any level may be chosen)
            "scope_categories": (
                category_tree(leaf_categories(shop=shop), allowed_ids=shop_category_ids(shop=shop))
                if "scope" in form.fields
                else []
            ),
        },
        status=status,
        active="marketing",
    )


@seller_view(P.MARKETING)
def promotion_create(request, kind: str):
    if kind not in FORMS:
        raise NotFound("未知的活动类型")
    return _promotion_form(request, kind)


@seller_view(P.MARKETING)
def promotion_edit(request, promotion_id: int):
    promo = promotion_get(shop=request.shop, promotion_id=promotion_id)
    return _promotion_form(request, promo.kind, promo)


@require_GET
@seller_view(P.MARKETING)
def promotion_skus(request):
    """The SKU picker: the shop's products matching `q` with their active SKUs (JSON)."""
    q = (request.GET.get("q") or "").strip()[:60]
    products = seller_products_in_tab(shop=request.shop, tab="all", q=q)[:20]
    return JsonResponse(
        {
            "products": [
                {
                    "id": p.pk,
                    "title": p.title,
                    "status": p.get_status_display(),
                    "skus": [
                        {
                            "id": s.pk,
                            "spec": s.spec_text,
                            "price": fen_to_yuan_str(s.price_fen),
                            "label": sku_label(s),
                        }
                        for s in p.skus.all()
                        if s.is_active
                    ],
                }
                for p in products
            ]
        }
    )


# --- detail and actions ----------------------------------------------------------------------------------------


def _detail_page(request, promo, *, issue_form=None, status=200):
    now = timezone.now()
    phase = promo.phase(now)
    return seller_render(
        request,
        "sellercenter/marketing/detail.html",
        {
            "promo": promo,
            "kind_label": promo.get_kind_display(),
            "phase": phase,
            "phase_label": promotion_phase_label(promo, now),
            "rules": rule_lines(promo),
            "can_edit": editable(promo, now),
            "preview": promotion_preview(shop=request.shop, promotion_id=promo.pk)
            if has_items(promo.kind)
            else [],
            "stacking": promotion_stacking_preview(shop=request.shop, promotion_id=promo.pk)
            if promo.kind == Kind.FULL_REDUCTION
            else [],
            "stats": coupon_stats(shop=request.shop, promotion_id=promo.pk)
            if promo.kind == Kind.COUPON
            else None,
            "issue_form": issue_form or CouponIssueForm(),
            "slot": promo.slot if promo.slot_id else None,
        },
        status=status,
        active="marketing",
    )


@seller_view(P.MARKETING)
def promotion_detail(request, promotion_id: int):
    return _detail_page(request, promotion_get(shop=request.shop, promotion_id=promotion_id))


def _action(request, promotion_id, service, done: str):
    promo = promotion_get(shop=request.shop, promotion_id=promotion_id)
    with message_errors(request, prefix="操作未完成：", passthrough=NotFound):
        service(shop=request.shop, promotion_id=promo.pk, actor=request.user)
        messages.success(request, f"“{promo.name}”{done}")
    return redirect(safe_next(request, reverse("sellercenter:promotion_detail", args=[promo.pk])))


@require_POST
@seller_view(P.MARKETING)
def promotion_pause_view(request, promotion_id: int):
    return _action(request, promotion_id, promotion_pause, "已暂停，新买家将不能参加")


@require_POST
@seller_view(P.MARKETING)
def promotion_resume_view(request, promotion_id: int):
    return _action(request, promotion_id, promotion_resume, "已恢复")


@require_POST
@seller_view(P.MARKETING)
def promotion_end_view(request, promotion_id: int):
    return _action(request, promotion_id, promotion_end, "已结束")


@require_POST
@seller_view(P.MARKETING)
def coupon_issue_view(request, promotion_id: int):
    promo = promotion_get(shop=request.shop, promotion_id=promotion_id)
    form = CouponIssueForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, promo, issue_form=form, status=400)
    with form_errors(form, passthrough=NotFound) as outcome:
        issued = coupon_issue(
            shop=request.shop,
            actor=request.user,
            promotion_id=promo.pk,
            buyer_ids=form.cleaned_data["buyer_ids"],
        )
        skipped = len(form.cleaned_data["buyer_ids"]) - issued
        messages.success(
            request, f"已发放 {issued} 张" + (f"，{skipped} 位买家已达每人限领数，已跳过" if skipped else "")
        )
        return redirect("sellercenter:promotion_detail", promotion_id=promo.pk)
    return _detail_page(request, promo, issue_form=form, status=outcome.status)


# --- 会员等级 -----------------------------------------------------------------------------------------------------


@seller_view(P.MARKETING)
def member_levels_view(request):
    status = 200
    if request.method == "POST":
        form = MemberLevelRowsForm(request.POST)
        levels = form.levels()
        if not form.errors:
            with form_errors(form, add=lambda rows, exc: rows.errors.append(exc.message)) as outcome:
                member_levels_save(shop=request.shop, levels=levels)
                messages.success(request, _("会员等级已保存"))
                return redirect("sellercenter:member_levels")
            status = outcome.status
        else:
            status = 400
    else:
        form = MemberLevelRowsForm(levels=member_levels(shop=request.shop))
    return seller_render(
        request,
        "sellercenter/marketing/levels.html",
        {
            "rows": form.padded(),
            "errors": form.errors,
        },
        status=status,
        active="member_levels",
    )


# --- 价格合规提醒 -------------------------------------------------------------------------------------------------


def _evidence(row: dict) -> dict:
    try:
        at = timezone.localtime(datetime.fromisoformat(row.get("at", "")))
    except (TypeError, ValueError):
        at = None
    return {"at": at, "price_fen": row.get("price_fen"), "old_price_fen": row.get("old_price_fen")}


@seller_view(P.MARKETING)
def price_alerts_view(request):
    rows = [
        {"alert": a, "evidence": [_evidence(e) for e in a.evidence or [] if isinstance(e, dict)]}
        for a in price_alerts(shop=request.shop)
    ]
    return seller_render(request, "sellercenter/marketing/alerts.html", {"rows": rows}, active="price_alerts")


@require_POST
@seller_view(P.MARKETING)
def price_alert_resolve_view(request, alert_id: int):
    price_alert_resolve(alert_id=alert_id, shop=request.shop)  # another shop's alert: NotFound → 404
    messages.success(request, _("已标记为已处理"))
    return redirect("sellercenter:price_alerts")
