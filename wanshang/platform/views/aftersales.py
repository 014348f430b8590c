"""售后 for the platform: the 平台介入 queue and the decision page (thread, evidence of both sides, the shop's
dispute figures), and the list of reasons buyers choose from (typed by case type, marked as whose fault)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.aftersales.selectors import (
    arbitration_queue,
    case_evidence,
    case_items,
    case_messages,
    case_refund,
    case_timeline,
    platform_case_get,
    reason_get,
    reason_list,
    shop_dispute_stats,
)
from wanshang.aftersales.services import DECISIONS, case_arbitrate, case_message_post, reason_save
from wanshang.common.errors import NotFound
from wanshang.common.money import yuan_to_fen
from wanshang.common.web import form_errors, message_errors
from wanshang.platform.access import operator_view


class CaseReasonForm(forms.Form):
    name = forms.CharField(label=_("原因"), max_length=30)
    fault = forms.ChoiceField(label=_("责任方"), choices=[("buyer", _("买家原因")), ("shop", _("商家原因"))])
    for_refund_only = forms.BooleanField(label=_("仅退款可选"), required=False)
    for_return = forms.BooleanField(label=_("退货退款可选"), required=False)
    for_exchange = forms.BooleanField(label=_("换货可选"), required=False)
    no_reason = forms.BooleanField(label=_("七天无理由（校验商品是否支持）"), required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    position = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=0)


@operator_view
def reason_index(request, reason_id: int | None = None):
    row = reason_get(reason_id=reason_id) if reason_id else None
    initial = (
        {f: getattr(row, f) for f in CaseReasonForm.base_fields} if row else {"active": True, "position": 0}
    )
    form = CaseReasonForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with form_errors(form) as outcome:
                saved = reason_save(reason_id=reason_id, **form.cleaned_data)
                messages.success(request, _("已保存售后原因“%(name)s”") % {"name": saved.name})
                return redirect("platform:case_reasons")
            status = outcome.status
        else:
            status = 400
    return render(
        request,
        "platform/aftersales_reasons.html",
        {"nav": "aftersales", "reasons": reason_list(active_only=False), "form": form, "editing": row},
        status=status,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("裁决"), choices=list(DECISIONS.items()), widget=forms.RadioSelect)
    amount = forms.CharField(label=_("部分退款金额（元）"), required=False, max_length=12)
    note = forms.CharField(label=_("裁决说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


@operator_view
def arbitration_index(request):
    page = Paginator(arbitration_queue(), 20).get_page(request.GET.get("page"))
    return render(request, "platform/aftersales_queue.html", {"nav": "aftersales", "page": page})


@operator_view
def arbitration_case(request, case_id: int):
    case = platform_case_get(case_id=case_id)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with form_errors(form, passthrough=NotFound) as outcome:
                raw = form.cleaned_data["amount"].strip()
                case_arbitrate(
                    operator=request.user,
                    case_id=case.pk,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    amount_fen=yuan_to_fen(raw, field="amount") if raw else None,
                )
                messages.success(request, _("已裁决"))
                return redirect("platform:arbitration_case", case_id=case.pk)
            status = outcome.status
        else:
            status = 400
    return render(
        request,
        "platform/aftersales_case.html",
        {
            "nav": "aftersales",
            "case": case,
            "items": case_items(case=case),
            "timeline": case_timeline(case=case),
            "evidence": case_evidence(case=case),
            "thread": case_messages(case=case),
            "refund": case_refund(case=case),
            "stats": shop_dispute_stats(shop_id=case.shop_id),
            "form": form,
        },
        status=status,
    )


@operator_view
@require_POST
def arbitration_message(request, case_id: int):
    with message_errors(request, passthrough=NotFound):
        case_message_post(
            case_id=case_id, user=request.user, role="platform", text=request.POST.get("text", "")
        )
        messages.success(request, _("留言已发送"))
    return redirect("platform:arbitration_case", case_id=case_id)
