"""Forms of the seller's 淘宝客 pages: rates are typed as percentages ('10', '12.5') and kept in basis points."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _


class PercentField(forms.CharField):
    """A percentage with at most two decimals → basis points (12.5 → 1250). The range is the service's to check
    (it knows the platform's setting), so the message names the platform's limits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip().rstrip("%").strip()
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError(_("请填写百分比数字，如 10 或 12.5")) from exc
        if not number.is_finite() or number < 0:
            raise forms.ValidationError(_("请填写百分比数字，如 10 或 12.5"))
        bps = number * 100
        if bps != bps.to_integral_value():
            raise forms.ValidationError(_("佣金比例最多两位小数"))
        return int(bps)


class ShopRateForm(forms.Form):
    rate = PercentField(label=_("全店通用佣金（%）"), help_text=_("店内所有商品默认按此比例给推广达人计佣"))


class ProductRateForm(forms.Form):
    product_id = forms.TypedChoiceField(label=_("商品"), coerce=int)
    rate = PercentField(label=_("单品佣金（%）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_id"].choices = [(p.pk, p.title) for p in products]


class InviteForm(forms.Form):
    promoter_code = forms.CharField(
        label=_("达人编号"), max_length=12, help_text=_("达人在达人中心看到的推广者编号")
    )
    rate = PercentField(label=_("定向佣金（%）"), help_text=_("须高于全店通用佣金；达人接受后生效"))
    note = forms.CharField(label=_("邀请说明"), max_length=200, required=False)
