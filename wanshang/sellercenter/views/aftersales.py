"""售后工作台: the shop's cases with filters by state, type and deadline, bulk approve of 仅退款, a case with its
evidence and timeline (approve with a return address, reject with a reason, confirm the return received), and
the return address book."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.aftersales.selectors import (
    CASE_STATUSES,
    CASE_TYPES,
    case_deadline,
    case_evidence,
    case_items,
    case_messages,
    case_refund,
    case_risk,
    case_timeline,
    return_address_get,
    return_address_list,
    seller_case_get,
    seller_case_list,
    shop_instant_figures,
    shop_instant_refund_on,
)
from wanshang.aftersales.services import (
    case_approve,
    case_message_post,
    case_reject,
    case_reship,
    case_return_receive,
    cases_approve_bulk,
    return_address_delete,
    return_address_save,
    shop_instant_refund_set,
)
from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.fulfillment.selectors import carrier_choices
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import can, seller_render, seller_view

ROLE_LABELS = {"buyer": _("买家"), "seller": _("商家"), "platform": _("平台"), "system": _("系统")}
DUE_CHOICES = [
    ("", _("全部")),
    ("mine", _("待我处理")),
    ("24h", _("24 小时内到期")),
    ("overdue", _("已超时")),
]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("拒绝理由"),
        min_length=2,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写拒绝理由"), "min_length": _("拒绝理由至少 2 个字")},
    )


class ReturnAddressForm(forms.Form):
    contact = forms.CharField(label=_("收件人"), max_length=20)
    phone = forms.CharField(label=_("电话"), max_length=20)
    address = forms.CharField(label=_("详细地址"), max_length=200)
    is_default = forms.BooleanField(label=_("设为默认"), required=False)


def _filters(request) -> dict:
    get = request.GET
    return {
        "status": get.get("status") if get.get("status") in {"open", *dict(CASE_STATUSES)} else "",
        "type": get.get("type") if get.get("type") in dict(CASE_TYPES) else "",
        "due": get.get("due") if get.get("due") in {"mine", "24h", "overdue"} else "",
    }


@seller_view(P.ORDER_VIEW)
def case_list(request):
    f = _filters(request)
    rows = seller_case_list(
        shop=request.shop, status=f["status"] or None, case_type=f["type"] or None, due=f["due"] or None
    )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return seller_render(
        request,
        "sellercenter/aftersales/list.html",
        {
            "page": page,
            "rows": [(c, case_items(case=c), case_deadline(case=c)) for c in page.object_list],
            "f": f,
            "statuses": [("", _("全部")), ("open", _("处理中"))] + list(CASE_STATUSES),
            "types": [("", _("全部"))] + list(CASE_TYPES),
            "dues": DUE_CHOICES,
            "can_handle": can(request.staff, P.REFUND_HANDLE),
        },
        active="cases",
    )


@seller_view(P.REFUND_HANDLE)
@require_POST
def case_bulk_approve(request):
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    if not ids:
        messages.error(request, _("请勾选要同意的仅退款申请"))
        return redirect("sellercenter:case_list")
    done, errors = cases_approve_bulk(shop=request.shop, case_ids=ids, actor=request.user)
    if done:
        messages.success(request, _("已同意 %(n)d 个仅退款申请") % {"n": len(done)})
    for case_id, message in errors.items():
        messages.error(request, f"#{case_id}：{message}")
    return redirect("sellercenter:case_list")


def _case_page(request, case, *, reject_form=None, status=200):
    timeline = case_timeline(case=case)
    for event in timeline:
        event.role_label = ROLE_LABELS.get(event.role, event.role)
    return seller_render(
        request,
        "sellercenter/aftersales/case.html",
        {
            "case": case,
            "items": case_items(case=case),
            "timeline": timeline,
            "evidence": case_evidence(case=case),
            "thread": case_messages(case=case),
            "refund": case_refund(case=case),
            "risk": case_risk(case=case),  # the buyer's score when the case was opened (docs/refund-risk.md)
            "deadline": case_deadline(case=case),
            "addresses": return_address_list(shop=request.shop),
            "reject_form": reject_form or RejectForm(),
            "can_handle": can(request.staff, P.REFUND_HANDLE),
            "carriers": carrier_choices(),
        },
        status=status,
        active="cases",
    )


@seller_view(P.ORDER_VIEW)
def case_detail(request, case_id: int):
    return _case_page(request, seller_case_get(shop=request.shop, case_id=case_id))


def _back(case_id):
    return redirect("sellercenter:case_detail", case_id=case_id)


@seller_view(P.REFUND_HANDLE)
@require_POST
def case_approve_view(request, case_id: int):
    case = seller_case_get(shop=request.shop, case_id=case_id)
    address_id = request.POST.get("address_id") or None
    with message_errors(request, passthrough=NotFound):
        case = case_approve(shop=request.shop, case_id=case.pk, actor=request.user, address_id=address_id)
        if case.status == "refunding":
            messages.warning(request, _("已同意，支付渠道处理中，系统会自动重试"))
        else:
            messages.success(request, _("已同意售后申请"))
    return _back(case_id)


@seller_view(P.REFUND_HANDLE)
@require_POST
def case_reject_view(request, case_id: int):
    case = seller_case_get(shop=request.shop, case_id=case_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        with form_errors(form, passthrough=NotFound) as outcome:
            case_reject(
                shop=request.shop, case_id=case.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("已拒绝售后申请"))
            return _back(case_id)
        return _case_page(request, case, reject_form=form, status=outcome.status)
    return _case_page(request, case, reject_form=form, status=400)


@seller_view(P.REFUND_HANDLE)
@require_POST
def case_receive_view(request, case_id: int):
    case = seller_case_get(shop=request.shop, case_id=case_id)
    with message_errors(request, passthrough=NotFound):
        case = case_return_receive(shop=request.shop, case_id=case.pk, actor=request.user)
        messages.success(request, _("已确认收到退货"))
    return _back(case_id)


@seller_view(P.REFUND_HANDLE)
@require_POST
def case_reship_view(request, case_id: int):
    case = seller_case_get(shop=request.shop, case_id=case_id)
    with message_errors(request, passthrough=NotFound):
        case_reship(
            shop=request.shop,
            case_id=case.pk,
            actor=request.user,
            carrier=request.POST.get("carrier", ""),
            tracking_no=request.POST.get("tracking_no", ""),
        )
        messages.success(request, _("换货已发出"))
    return _back(case_id)


@seller_view(P.REFUND_HANDLE)
@require_POST
def case_message_view(request, case_id: int):
    case = seller_case_get(shop=request.shop, case_id=case_id)
    with message_errors(request, passthrough=NotFound):
        case_message_post(
            case_id=case.pk,
            user=request.user,
            role="seller",
            shop=request.shop,
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("images"),
        )
        messages.success(request, _("留言已发送"))
    return _back(case_id)


# --- return address book ------------------------------------------------------------------------------------------


@seller_view(P.ORDER_VIEW)
def return_addresses(request):
    return _addresses_page(request, ReturnAddressForm())


def _addresses_page(request, form, *, editing=None, status=200):
    return seller_render(
        request,
        "sellercenter/aftersales/addresses.html",
        {
            "addresses": return_address_list(shop=request.shop),
            "form": form,
            "editing": editing,
            "can_handle": can(request.staff, P.REFUND_HANDLE),
        },
        status=status,
        active="return_addresses",
    )


@seller_view(P.REFUND_HANDLE)
def return_address_edit(request, address_id: int | None = None):
    row = return_address_get(shop=request.shop, address_id=address_id) if address_id else None
    if request.method != "POST":
        initial = (
            {"contact": row.contact, "phone": row.phone, "address": row.address, "is_default": row.is_default}
            if row
            else None
        )
        return _addresses_page(request, ReturnAddressForm(initial=initial), editing=row)
    form = ReturnAddressForm(request.POST)
    if form.is_valid():
        with form_errors(form, passthrough=NotFound) as outcome:
            return_address_save(shop=request.shop, address_id=address_id, **form.cleaned_data)
            messages.success(request, _("退货地址已保存"))
            return redirect("sellercenter:return_addresses")
        return _addresses_page(request, form, editing=row, status=outcome.status)
    return _addresses_page(request, form, editing=row, status=400)


@seller_view(P.REFUND_HANDLE)
@require_POST
def return_address_remove(request, address_id: int):
    return_address_delete(shop=request.shop, address_id=address_id)
    messages.success(request, _("退货地址已删除"))
    return redirect("sellercenter:return_addresses")


# --- 售后设置: the shop's 极速退款 switch (docs/refund-risk.md) ------------------------------------------------------


class AfterSalesSettingsForm(forms.Form):
    instant_refund = forms.ChoiceField(
        label=_("极速退款"),
        choices=[
            ("on", _("开启：符合条件的未发货仅退款申请，提交即退款")),
            ("off", _("关闭：每笔仅退款由本店处理")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择开启或关闭"), "invalid_choice": _("请选择开启或关闭")},
    )


def _settings_page(request, form, *, status=200):
    cfg = settings.WANSHANG
    return seller_render(
        request,
        "sellercenter/aftersales/settings.html",
        {
            "form": form,
            "enabled": shop_instant_refund_on(shop_id=request.shop.pk),
            "platform_enabled": cfg["INSTANT_REFUND_ENABLED"],
            "max_fen": cfg["INSTANT_REFUND_MAX_FEN"],
            "min_days": cfg["INSTANT_REFUND_MIN_ACCOUNT_DAYS"],
            "figures": shop_instant_figures(shop=request.shop),
            "can_edit": can(request.staff, P.SHOP_EDIT),
        },
        status=status,
        active="aftersales_settings",
    )


@seller_view(P.ORDER_VIEW)
def aftersales_settings(request):
    on = shop_instant_refund_on(shop_id=request.shop.pk)
    return _settings_page(request, AfterSalesSettingsForm(initial={"instant_refund": "on" if on else "off"}))


@seller_view(P.SHOP_EDIT)
@require_POST
def aftersales_settings_save(request):
    form = AfterSalesSettingsForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    enabled = form.cleaned_data["instant_refund"] == "on"
    shop_instant_refund_set(shop=request.shop, enabled=enabled, actor=request.user)
    messages.success(request, _("已开启极速退款") if enabled else _("已关闭极速退款"))
    return redirect("sellercenter:aftersales_settings")
