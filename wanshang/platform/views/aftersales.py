"""售后 for the platform: the list of reasons buyers choose from (typed by case type, marked as whose fault)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from wanshang.aftersales.selectors import reason_get, reason_list
from wanshang.aftersales.services import reason_save
from wanshang.common.web import form_errors
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
