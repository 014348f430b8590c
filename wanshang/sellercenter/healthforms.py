"""Forms of the 体检中心 pages (mark fixed, appeal). The services check again and say why they refuse."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ItemFixForm(forms.Form):
    note = forms.CharField(
        label=_("整改说明"),
        min_length=2,
        max_length=500,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("说明做了哪些整改，例如：已补发超时订单并调整发货排班")}
        ),
        error_messages={"required": _("请填写整改说明"), "min_length": _("整改说明至少2个字")},
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("申诉理由"),
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写申诉理由"), "min_length": _("申诉理由至少5个字")},
    )
    evidence = forms.CharField(
        label=_("证据说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("订单号、聊天记录、物流单号等可核实的信息")}
        ),
    )
