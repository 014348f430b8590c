"""退款/售后 for the buyer: 申请售后 from an order (per line: type, quantity, reason, text, images), my cases, a case
with its timeline and the countdown of whoever must act, the return's tracking number, cancelling."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.aftersales.selectors import (
    CASE_TYPES,
    buyer_case_get,
    buyer_case_list,
    case_deadline,
    case_evidence,
    case_items,
    case_messages,
    case_refund,
    case_timeline,
    order_claimable,
    reason_list,
)
from wanshang.aftersales.services import (
    case_cancel,
    case_escalate,
    case_evidence_add,
    case_instant_preview,
    case_message_post,
    case_open,
    case_return_ship,
)
from wanshang.catalog.selectors import active_skus_of_products
from wanshang.common.errors import DomainError, NotFound
from wanshang.common.money import yuan_to_fen
from wanshang.common.web import form_errors, message_errors
from wanshang.fulfillment.selectors import carrier_choices
from wanshang.orders.selectors import buyer_order_get
from wanshang.storefront.views._common import buyer_required

CASE_TABS = [("", _("全部")), ("open", _("处理中")), ("done", _("已完成")), ("rejected", _("已拒绝"))]


class CaseForm(forms.Form):
    type = forms.ChoiceField(label=_("售后类型"), choices=CASE_TYPES, widget=forms.RadioSelect)
    reason = forms.TypedChoiceField(label=_("售后原因"), coerce=int, choices=())
    description = forms.CharField(
        label=_("问题描述"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("请描述问题，便于商家尽快处理")}),
    )

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("请选择"))] + [(r.pk, r.name) for r in reasons]


class ReturnForm(forms.Form):
    carrier = forms.ChoiceField(label=_("快递公司"), choices=())
    tracking_no = forms.CharField(label=_("运单号"), max_length=40)
    freight_yuan = forms.CharField(label=_("垫付运费（元）"), max_length=12, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [(c, label) for c, label in carrier_choices() if c != "SELF"]


def _lines_from(post, claimable: dict[int, int]) -> list[tuple[int, int]]:
    out = []
    for line_id in claimable:
        raw = (post.get(f"qty_{line_id}") or "0").strip()
        qty = int(raw) if raw.isdigit() else -1
        if qty:
            out.append((line_id, qty))
    return out


@buyer_required
def case_new(request, order_id):
    order = buyer_order_get(buyer=request.user, order_id=order_id)
    claimable = order_claimable(order=order)
    lines = [line for line in order.lines.all() if claimable.get(line.pk)]
    chosen = request.GET.get("line", "")
    reasons = reason_list()
    form = CaseForm(
        request.POST or None, reasons=reasons, initial={"type": request.GET.get("type") or "refund_only"}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            case = case_open(
                buyer=request.user,
                order_id=order.pk,
                case_type=form.cleaned_data["type"],
                lines=_lines_from(request.POST, claimable) or [(0, 0)],
                reason_id=form.cleaned_data["reason"],
                description=form.cleaned_data["description"],
                images=request.FILES.getlist("images"),
                replacement_sku_id=request.POST.get("replacement_sku") or None,
            )
            if case.instant_refund:
                messages.success(request, _("已极速退款，款项将原路退回"))
            else:
                messages.success(request, _("售后申请已提交，等待商家处理"))
            return redirect("storefront:case_detail", case_id=case.pk)
        status = outcome.status
    elif request.method == "POST":
        status = 400
    rows = [
        {
            "line": line,
            "max": claimable[line.pk],
            "value": request.POST.get(f"qty_{line.pk}")
            or (claimable[line.pk] if str(line.pk) == chosen or len(lines) == 1 else 0),
        }
        for line in lines
    ]
    return render(
        request,
        "storefront/aftersales_new.html",
        {
            "order": order,
            "form": form,
            "rows": rows,
            "instant": _instant_preview(request, order, form, rows),
            "reasons": reasons,
            "skus": active_skus_of_products(product_ids={line.product_id for line in lines}),
            "chosen_sku": request.POST.get("replacement_sku", ""),
        },
        status=status,
    )


def _instant_preview(request, order, form, rows) -> bool | None:
    """极速退款 for the units shown as chosen (the same decision as on submitting; the page asks the API again
    when the buyer changes them): True, False (the shop decides), or None when nothing is chosen yet."""
    case_type = form["type"].value() or "refund_only"
    wanted = [(r["line"].pk, int(r["value"])) for r in rows if str(r["value"]).isdigit() and int(r["value"])]
    if case_type != "refund_only" or not wanted:
        return None
    try:
        return case_instant_preview(
            buyer=request.user, order_id=order.pk, case_type=case_type, lines=wanted
        ).eligible
    except DomainError:
        return None


@buyer_required
def case_list(request):
    tab = request.GET.get("tab", "")
    tab = tab if tab in {key for key, _ in CASE_TABS} else ""
    page = Paginator(buyer_case_list(buyer=request.user, status=tab or None), 10).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "storefront/aftersales_list.html",
        {
            "tabs": CASE_TABS,
            "tab": tab,
            "page": page,
            "cases": [(c, case_items(case=c)) for c in page.object_list],
        },
    )


@buyer_required
def case_detail(request, case_id):
    case = buyer_case_get(buyer=request.user, case_id=case_id)
    return render(
        request,
        "storefront/aftersales_case.html",
        {
            "case": case,
            "items": case_items(case=case),
            "timeline": case_timeline(case=case),
            "evidence": case_evidence(case=case),
            "refund": case_refund(case=case),
            "deadline": case_deadline(case=case),
            "messages_": case_messages(case=case),
            "return_form": ReturnForm(),
            "freight_cap_fen": settings.WANSHANG["AFTERSALES_RETURN_FREIGHT_CAP_FEN"],
        },
    )


def _back(case_id):
    return redirect("storefront:case_detail", case_id=case_id)


@buyer_required
@require_POST
def case_cancel_view(request, case_id):
    with message_errors(request, passthrough=NotFound):
        case_cancel(buyer=request.user, case_id=case_id)
        messages.success(request, _("售后申请已撤销"))
    return _back(case_id)


@buyer_required
@require_POST
def case_return_view(request, case_id):
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择快递公司并填写运单号"))
        return _back(case_id)
    with message_errors(request, passthrough=NotFound):
        typed = form.cleaned_data["freight_yuan"].strip()
        case_return_ship(
            buyer=request.user,
            case_id=case_id,
            carrier=form.cleaned_data["carrier"],
            tracking_no=form.cleaned_data["tracking_no"],
            freight_fen=yuan_to_fen(typed, field="freight_fen") if typed else 0,
        )
        messages.success(request, _("退货物流已提交，等待商家收货"))
    return _back(case_id)


@buyer_required
@require_POST
def case_evidence_view(request, case_id):
    with message_errors(request, passthrough=NotFound):
        case_evidence_add(
            case_id=case_id, user=request.user, role="buyer", files=request.FILES.getlist("images")
        )
        messages.success(request, _("凭证已上传"))
    return _back(case_id)


@buyer_required
@require_POST
def case_escalate_view(request, case_id):
    with message_errors(request, passthrough=NotFound):
        case_escalate(
            buyer=request.user,
            case_id=case_id,
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("images"),
        )
        messages.success(request, _("已申请平台介入，平台将在查看双方凭证后裁决"))
    return _back(case_id)


@buyer_required
@require_POST
def case_message_view(request, case_id):
    with message_errors(request, passthrough=NotFound):
        case_message_post(
            case_id=case_id,
            user=request.user,
            role="buyer",
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("images"),
        )
        messages.success(request, _("留言已发送"))
    return _back(case_id)
