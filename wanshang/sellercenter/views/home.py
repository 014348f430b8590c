"""入驻申请 (for logged-in non-staff), the 工作台 dashboard, and the region lookup used by address pickers."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from wanshang.aftersales.selectors import seller_cases_waiting, seller_refunds_open
from wanshang.catalog.selectors import categories_by_ids, category_tree
from wanshang.common.web import form_errors
from wanshang.fulfillment.selectors import region_children
from wanshang.health.selectors import credit_of, unacked_rule_count
from wanshang.insights.selectors import stock_cover_alerts_unread
from wanshang.inventory.selectors import low_stock_skus
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import applications_of_user, staff_for_user
from wanshang.merchants.services import application_submit
from wanshang.orders.selectors import seller_today
from wanshang.sellercenter.access import login_url, seller_render, seller_view
from wanshang.sellercenter.forms import ApplyForm
from wanshang.shipping.selectors import seller_alert_count


def _applicant_gate(request):
    """Anonymous → login; staff → their dashboard; otherwise None (may apply)."""
    if not request.user.is_authenticated:
        return redirect(login_url(request.get_full_path()))
    if staff_for_user(user=request.user) is not None:
        return redirect("sellercenter:dashboard")
    return None


def apply(request):
    gate = _applicant_gate(request)
    if gate is not None:
        return gate
    applications = applications_of_user(user=request.user)
    pending = next((a for a in applications if a.status == "pending"), None)
    if pending is not None and request.method != "POST":
        return redirect("sellercenter:apply_status")
    categories = category_tree()
    form = ApplyForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            application_submit(
                user=request.user,
                company_name=data["company_name"],
                credit_code=data["credit_code"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                shop_name=data["shop_name"],
                categories=categories_by_ids(ids=data["category_ids"]),
            )
            messages.success(request, _("入驻申请已提交，平台审核后会在这里显示结果"))
            return redirect("sellercenter:apply_status")
    return render(
        request,
        "sellercenter/apply.html",
        {"form": form, "applications": applications},
        status=400 if form.errors else 200,
    )


def apply_status(request):
    gate = _applicant_gate(request)
    if gate is not None:
        return gate
    applications = applications_of_user(user=request.user)
    can_apply = not any(a.status == "pending" for a in applications)
    return render(
        request, "sellercenter/apply_status.html", {"applications": applications, "can_apply": can_apply}
    )


@seller_view()
def dashboard(request):
    shop = request.shop
    if P.role_can(request.staff.role, P.PICKUP_VERIFY) and not P.role_can(request.staff.role, P.ORDER_VIEW):
        return redirect(
            "sellercenter:pickup_verify"
        )  # 门店 staff: the 核销 page is their whole seller center
    return seller_render(
        request,
        "sellercenter/dashboard.html",
        {
            "today": {
                **seller_today(shop=shop),
                "refunds_open": seller_refunds_open(shop=shop),
                "cases_waiting": seller_cases_waiting(shop=shop),
            },
            "low_stock": low_stock_skus(shop=shop).count(),
            "stock_alerts": stock_cover_alerts_unread(shop=shop),
            "shipping_alerts": seller_alert_count(shop=shop),
            "unacked_rules": unacked_rule_count(shop=shop),
            "credit": credit_of(shop_id=shop.pk),
            "can_health": P.role_can(request.staff.role, P.HEALTH_HANDLE),
        },
        active="dashboard",
    )


@require_GET
def regions(request):
    """Children of a region code (provinces without `parent`): [{code, name}]. Public reference data."""
    parent = (request.GET.get("parent") or "").strip() or None
    if parent is not None and not parent.isdigit():
        return JsonResponse([], safe=False)
    return JsonResponse(
        [{"code": r.code, "name": r.name} for r in region_children(parent_code=parent)], safe=False
    )
