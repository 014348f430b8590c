"""平台券: cross-shop coupons the platform sets up, funds (in part) and hands out."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wanshang.common.errors import DomainError, NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.marketing.selectors import platform_promotions, promotion_get
from wanshang.marketing.services import (
    coupon_issue,
    promotion_end,
    promotion_pause,
    promotion_resume,
    promotion_save,
)
from wanshang.marketing.types import Kind
from wanshang.platform.access import operator_view
from wanshang.platform.forms import CouponIssueForm, PlatformCouponForm
from wanshang.platform.marketing import (
    category_choices,
    coupon_input,
    decorate,
    form_field,
    scope_names,
    shop_choices,
)
from wanshang.platform.views._util import page_of


def _form(data=None, **kwargs) -> PlatformCouponForm:
    return PlatformCouponForm(
        data, shop_choices=shop_choices(), category_choices=category_choices(), **kwargs
    )


def _add_error(form, exc: DomainError) -> None:
    field = form_field(exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _save(request, form, *, promotion_id=None):
    """The cleaned form through promotion_save; None (with the error on the form) when refused."""
    d = form.cleaned_data
    with form_errors(form, add=_add_error):
        data = coupon_input(
            name=d["name"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            type=d["type"],
            threshold_fen=d.get("threshold") or 0,
            amount_fen=d.get("amount"),
            discount_bps=d.get("discount"),
            cap_fen=d.get("cap") or 0,
            valid_days=d.get("valid_days") or 0,
            public=d.get("public"),
            total_quantity=d["total_quantity"],
            per_buyer_limit=d["per_buyer_limit"],
            scope=d["scope"],
            scope_ids=d["scope_ids"],
            platform_share_bps=d["platform_share"],
            combine_with=d.get("combine_with") or [],
        )
        return promotion_save(shop=None, actor=request.user, data=data, promotion_id=promotion_id)
    return None


@operator_view
def coupon_index(request):
    page = page_of(request, platform_promotions(kind=Kind.COUPON))
    now = timezone.now()
    for promo in page.object_list:
        decorate(promo, now=now)
    return render(request, "platform/coupons.html", {"nav": "coupons", "page": page})


@operator_view
def coupon_new(request):
    form = _form(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            promo = _save(request, form)
            if promo is not None:
                messages.success(request, f"平台券“{promo.name}”已创建")
                return redirect("platform:coupon_detail", promotion_id=promo.pk)
        status = 400
    return render(
        request, "platform/coupon_form.html", {"nav": "coupons", "form": form, "promo": None}, status=status
    )


def _coupon_or_error(request, promotion_id):
    """A platform coupon, decorated for display. Raises NotFound for shop promotions and unknown ids."""
    promo = promotion_get(shop=None, promotion_id=promotion_id)
    if promo.kind != Kind.COUPON:
        raise NotFound("平台券不存在")
    return decorate(promo)


@operator_view
def coupon_edit(request, promotion_id):
    promo = _coupon_or_error(request, promotion_id)
    if not promo.editable:
        messages.error(request, "平台券已开始或已结束，不能修改；可以暂停或结束它")
        return redirect("platform:coupon_detail", promotion_id=promo.pk)
    status = 200
    if request.method == "POST":
        form = _form(request.POST)
        if form.is_valid():
            saved = _save(request, form, promotion_id=promo.pk)
            if saved is not None:
                messages.success(request, f"平台券“{saved.name}”已保存")
                return redirect("platform:coupon_detail", promotion_id=promo.pk)
        status = 400
    else:
        form = _form(initial=PlatformCouponForm.initial_from(promo))
    return render(
        request, "platform/coupon_form.html", {"nav": "coupons", "form": form, "promo": promo}, status=status
    )


def _detail_page(request, promo, *, issue_form=None, status=200):
    return render(
        request,
        "platform/coupon_detail.html",
        {
            "nav": "coupons",
            "promo": promo,
            "scope_names": scope_names(promo),
            "issue_form": issue_form or CouponIssueForm(),
        },
        status=status,
    )


@operator_view
def coupon_detail(request, promotion_id):
    promo = _coupon_or_error(request, promotion_id)
    return _detail_page(request, promo)


ACTIONS = {
    "pause": (promotion_pause, "平台券“{name}”已暂停：买家暂时不能再领取，已领的券仍可使用"),
    "resume": (promotion_resume, "平台券“{name}”已恢复"),
    "end": (promotion_end, "平台券“{name}”已结束：不再发放，已领的券在各自有效期内仍可使用"),
}


@operator_view
@require_POST
def coupon_action(request, promotion_id, action):
    service, done = ACTIONS[action]
    with message_errors(request, passthrough=NotFound):
        promo = _coupon_or_error(request, promotion_id)
        promo = service(shop=None, promotion_id=promo.pk, actor=request.user, platform=True)
        messages.success(request, done.format(name=promo.name))
    return redirect("platform:coupon_detail", promotion_id=promotion_id)


@operator_view
@require_POST
def coupon_issue_view(request, promotion_id):
    promo = _coupon_or_error(request, promotion_id)
    form = CouponIssueForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, promo, issue_form=form, status=400)
    ids = form.cleaned_data["buyer_ids"]
    with form_errors(form, add=lambda form, exc: form.add_error("buyer_ids", exc.message)) as outcome:
        issued = coupon_issue(
            shop=None, actor=request.user, promotion_id=promo.pk, buyer_ids=ids, platform=True
        )
        skipped = len(set(ids)) - issued
        note = f"，{skipped} 位已达每人限领，已跳过" if skipped else ""
        messages.success(request, f"已向 {issued} 位买家发放“{promo.name}”{note}")
        return redirect("platform:coupon_detail", promotion_id=promo.pk)
    return _detail_page(request, promo, issue_form=form, status=outcome.status)
