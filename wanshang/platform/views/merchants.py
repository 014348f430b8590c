"""入驻审核 and 店铺: operators decide applications and suspend or restore shops."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wanshang.catalog.selectors import product_counts_of_shop
from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.merchants.selectors import (
    APPLICATION_STATUSES,
    SHOP_STATUSES,
    application_get,
    application_list,
    application_status_counts,
    shop_application,
    shop_get,
    shop_list,
    staff_list,
)
from wanshang.merchants.services import application_approve, application_reject, shop_restore, shop_suspend
from wanshang.platform.access import operator_view
from wanshang.platform.forms import ApproveForm, RejectForm, SuspendForm
from wanshang.platform.views._util import page_of

APPLICATION_STATUS_VALUES = {value for value, _ in APPLICATION_STATUSES}
SHOP_STATUS_VALUES = {value for value, _ in SHOP_STATUSES}


# --- 入驻审核 ----------------------------------------------------------------------------------------------


@operator_view
def application_index(request):
    status = request.GET.get("status", "pending")
    if status not in APPLICATION_STATUS_VALUES:
        status = ""  # 全部
    return render(
        request,
        "platform/applications.html",
        {
            "nav": "applications",
            "status": status,
            "statuses": APPLICATION_STATUSES,
            "counts": application_status_counts(),
            "page": page_of(request, application_list(status=status or None)),
        },
    )


def _application_page(request, app, *, approve_form=None, reject_form=None, error=None, status=200):
    return render(
        request,
        "platform/application_detail.html",
        {
            "nav": "applications",
            "app": app,
            "error": error,
            "approve_form": approve_form or ApproveForm(),
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@operator_view
def application_detail(request, application_id):
    app = application_get(application_id=application_id)
    return _application_page(request, app)


@operator_view
@require_POST
def application_approve_view(request, application_id):
    app = application_get(application_id=application_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _application_page(request, app, approve_form=form, status=400)
    with form_errors(form) as outcome:
        shop = application_approve(
            application_id=app.pk, reviewer=request.user, slug=form.cleaned_data["slug"] or None
        )
        messages.success(request, f"已通过入驻申请，店铺“{shop.name}”已开通")
        return redirect("platform:shop_detail", shop_id=shop.pk)
    app = application_get(application_id=application_id)
    return _application_page(
        request, app, approve_form=form, error=outcome.error.message, status=outcome.status
    )


@operator_view
@require_POST
def application_reject_view(request, application_id):
    app = application_get(application_id=application_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _application_page(request, app, reject_form=form, status=400)
    with form_errors(form) as outcome:
        application_reject(application_id=app.pk, reviewer=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"已驳回“{app.shop_name}”的入驻申请")
        return redirect("platform:application_detail", application_id=app.pk)
    app = application_get(application_id=application_id)
    return _application_page(
        request, app, reject_form=form, error=outcome.error.message, status=outcome.status
    )


# --- 店铺 ---------------------------------------------------------------------------------------------------


@operator_view
def shop_index(request):
    status = request.GET.get("status", "")
    if status not in SHOP_STATUS_VALUES:
        status = ""
    q = request.GET.get("q", "").strip()[:60]
    return render(
        request,
        "platform/shops.html",
        {
            "nav": "shops",
            "status": status,
            "statuses": SHOP_STATUSES,
            "q": q,
            "page": page_of(request, shop_list(status=status or None, q=q)),
        },
    )


def _shop_page(request, shop, *, suspend_form=None, status=200):
    staff = staff_list(shop=shop)
    return render(
        request,
        "platform/shop_detail.html",
        {
            "nav": "shops",
            "shop": shop,
            "staff": staff,
            "owner": next((member for member in staff if member.role == "owner"), None),
            "products": product_counts_of_shop(shop=shop),
            "application": shop_application(shop=shop),
            "categories": list(shop.categories.all()),
            "suspend_form": suspend_form or SuspendForm(),
        },
        status=status,
    )


@operator_view
def shop_detail(request, shop_id):
    shop = shop_get(shop_id=shop_id)
    return _shop_page(request, shop)


@operator_view
@require_POST
def shop_suspend_view(request, shop_id):
    shop = shop_get(shop_id=shop_id)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        return _shop_page(request, shop, suspend_form=form, status=400)
    with message_errors(request):
        shop = shop_suspend(shop_id=shop.pk, reason=form.cleaned_data["reason"])
        messages.success(request, f"店铺“{shop.name}”已暂停营业，其商品已从前台隐藏")
    return redirect("platform:shop_detail", shop_id=shop.pk)


@operator_view
@require_POST
def shop_restore_view(request, shop_id):
    with message_errors(request, passthrough=NotFound):
        shop = shop_restore(shop_id=shop_id)
        messages.success(request, f"店铺“{shop.name}”已恢复营业")
    return redirect("platform:shop_detail", shop_id=shop_id)
