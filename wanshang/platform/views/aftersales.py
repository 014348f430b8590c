"""售后 for the platform: the 平台介入 queue and the decision page (thread, evidence of both sides, the shop's
dispute figures), and the list of reasons buyers choose from (typed by case type, marked as whose fault)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.accounts.selectors import users_by_ids
from wanshang.aftersales.selectors import (
    RISK_ACTIONS,
    RISK_FLAG_LABELS,
    arbitration_queue,
    buyer_cases_with_risk,
    buyer_flag,
    buyer_risk,
    buyer_risk_trail,
    buyers_instant_figures,
    case_evidence,
    case_items,
    case_messages,
    case_refund,
    case_risk,
    case_timeline,
    platform_case_get,
    platform_instant_figures,
    reason_get,
    reason_list,
    risky_buyers,
    risky_buyers_page,
    shop_dispute_stats,
)
from wanshang.aftersales.services import (
    DECISIONS,
    buyer_risk_flag_set,
    case_arbitrate,
    case_message_post,
    reason_save,
)
from wanshang.common.errors import NotFound
from wanshang.common.money import yuan_to_fen
from wanshang.common.web import form_errors, message_errors
from wanshang.platform.access import operator_view
from wanshang.platform.views._util import page_of


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
    return render(
        request,
        "platform/aftersales_queue.html",
        {"nav": "aftersales", "page": page, "instant": platform_instant_figures()},
    )


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
            "risk": case_risk(case=case),
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


# --- 退款风险 (docs/refund-risk.md) ----------------------------------------------------------------------------------

RISK_FILTERS = [
    ("high", _("高风险")),
    ("medium", _("中风险及以上")),
    ("watch", _("重点关注")),
    ("trusted", _("已核实可信")),
]


class RiskFlagForm(forms.Form):
    status = forms.ChoiceField(
        label=_("标记"),
        choices=[
            ("trusted", _("已核实可信（不再增加售后阻力）")),
            ("watch", _("重点关注（至少按中风险处理）")),
            ("", _("取消标记")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("说明"), min_length=2, max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


@operator_view
def risk_index(request):
    level = request.GET.get("level", "high")
    if level not in dict(RISK_FILTERS):
        level = "high"
    page = page_of(request, risky_buyers(level=level))
    return render(
        request,
        "platform/refund_risk.html",
        {
            "nav": "aftersales",
            "page": page,
            "rows": risky_buyers_page(page.object_list),
            "instant": platform_instant_figures(),
            "level": level,
            "filters": RISK_FILTERS,
        },
    )


def _buyer(buyer_id):
    buyer = users_by_ids(ids=[buyer_id]).get(buyer_id)
    if buyer is None:
        raise NotFound("买家不存在")
    return buyer


@operator_view
def risk_buyer(request, buyer_id: int):
    buyer = _buyer(buyer_id)
    flag = buyer_flag(buyer_id=buyer.pk)
    form = RiskFlagForm(request.POST or None, initial={"status": flag.status if flag else "trusted"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with form_errors(form) as outcome:
                buyer_risk_flag_set(
                    operator=request.user,
                    buyer=buyer,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("已保存平台标记"))
                return redirect("platform:refund_risk_buyer", buyer_id=buyer.pk)
            status = outcome.status
        else:
            status = 400
    trail = buyer_risk_trail(buyer_id=buyer.pk)
    for row in trail:
        row.action_label = RISK_ACTIONS.get(row.action, row.action)
    return render(
        request,
        "platform/refund_risk_buyer.html",
        {
            "nav": "aftersales",
            "buyer": buyer,
            "risk": buyer_risk(buyer=buyer),
            "instant": buyers_instant_figures(buyer_ids=[buyer.pk]).get(buyer.pk),
            "flag": flag,
            "flag_labels": RISK_FLAG_LABELS,
            "cases": buyer_cases_with_risk(buyer_id=buyer.pk),
            "trail": trail,
            "form": form,
        },
        status=status,
    )
