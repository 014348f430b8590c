"""Forms of the seller center's 发货与物流 pages. They parse input; the rules live in shipping.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wanshang.fulfillment.selectors import carrier_choices
from wanshang.sellercenter.forms import INT_ERRORS

PROVIDERS = [("sandbox", _("沙箱快递（演示与测试）")), ("kdniao", _("快递鸟"))]


class PackageForm(forms.Form):
    """One package: a quantity per order line still to ship, then a carrier and number or a 电子面单."""

    waybill = forms.BooleanField(label=_("使用电子面单（由物流账户取号）"), required=False)
    carrier = forms.ChoiceField(label=_("快递公司"), required=False)
    tracking_no = forms.CharField(label=_("运单号"), max_length=40, required=False)

    def __init__(self, *args, plan=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [("", _("请选择"))] + list(carrier_choices())
        self.plan = [p for p in plan if p.remaining]
        for p in self.plan:
            self.fields[f"qty_{p.line.pk}"] = forms.IntegerField(
                label=p.line.title,
                min_value=0,
                max_value=p.remaining,
                initial=p.remaining,
                error_messages=INT_ERRORS,
            )

    def qty_rows(self):
        return [(p, self[f"qty_{p.line.pk}"]) for p in self.plan]

    def clean(self):
        data = super().clean()
        if not data.get("waybill") and not data.get("carrier") and not self.errors.get("carrier"):
            self.add_error("carrier", _("请选择快递公司，或使用电子面单"))
        return data

    def items(self):
        return [(p.line.pk, self.cleaned_data.get(f"qty_{p.line.pk}") or 0) for p in self.plan]


class AccountForm(forms.Form):
    provider = forms.ChoiceField(label=_("电子面单服务商"), choices=PROVIDERS)
    carrier = forms.ChoiceField(label=_("默认快递公司"))
    ebusiness_id = forms.CharField(label=_("快递鸟 EBusinessID（商户ID）"), max_length=40, required=False)
    app_key = forms.CharField(
        label=_("快递鸟 AppKey"),
        max_length=80,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("出于安全不回显；留空则保留已保存的 AppKey"),
    )
    sender_name = forms.CharField(label=_("寄件人"), max_length=30)
    sender_phone = forms.CharField(label=_("寄件电话"), max_length=20)
    sender_province = forms.CharField(label=_("省"), max_length=20)
    sender_city = forms.CharField(label=_("市"), max_length=20)
    sender_district = forms.CharField(label=_("区/县"), max_length=20, required=False)
    sender_address = forms.CharField(label=_("详细地址"), max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [(v, label) for v, label in carrier_choices() if v != "SELF"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"), error_messages={"required": _("请选择要导入的 Excel 文件")}
    )
