"""Plain forms of the platform face. They parse what an operator typed; the services decide the rules."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_COMMISSION_BPS = 5000  # 50%: the same ceiling as merchants.services.commission_set
OPTION_SPLIT = re.compile(r"[,，、;；\n]+")


class ApproveForm(forms.Form):
    slug = forms.SlugField(label=_("店铺标识（可选）"), max_length=60, required=False,
                           help_text=_("用于店铺网址，只能包含字母、数字、“-”；留空自动生成"),
                           error_messages={"invalid": _("店铺标识只能包含字母、数字、“-”和“_”")})


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, min_length=2, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请填写原因"), "min_length": _("原因至少 2 个字"),
                                             "max_length": _("原因不能超过 300 字")})


class CategoryCreateForm(forms.Form):
    parent_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("类目名称"), max_length=40, error_messages={"required": _("请填写类目名称")})
    slug = forms.CharField(label=_("标识"), max_length=60, help_text=_("小写字母、数字和“-”，全站唯一"),
                           error_messages={"required": _("请填写标识")})
    sort = forms.IntegerField(label=_("排序"), initial=0, required=False, min_value=-9999, max_value=9999)


class CategoryEditForm(forms.Form):
    name = forms.CharField(label=_("类目名称"), max_length=40, error_messages={"required": _("请填写类目名称")})
    is_active = forms.BooleanField(label=_("启用"), required=False)


class AttributeTemplateForm(forms.Form):
    name = forms.CharField(label=_("属性名"), max_length=30, error_messages={"required": _("请填写属性名")})
    options = forms.CharField(label=_("可选值"), required=False, max_length=1000,
                              help_text=_("用逗号分隔，如：纯棉, 涤纶, 真丝；留空表示自由填写"))
    required = forms.BooleanField(label=_("必填"), required=False)

    def clean_options(self) -> list[str]:
        return [part.strip() for part in OPTION_SPLIT.split(self.cleaned_data.get("options") or "") if part.strip()]


class BrandForm(forms.Form):
    name = forms.CharField(label=_("品牌名"), max_length=60, error_messages={"required": _("请填写品牌名")})
    name_en = forms.CharField(label=_("英文名"), max_length=60, required=False)


def parse_percent_to_bps(text) -> int:
    """'5.5' / '5.50%' → 550. Raises forms.ValidationError with a message for anything else."""
    raw = str(text or "").strip().rstrip("%").strip()
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        raise forms.ValidationError(_("“%(text)s” 不是有效的百分比，请输入数字，例如 5.00") % {"text": text})
    if not value.is_finite():
        raise forms.ValidationError(_("“%(text)s” 不是有效的百分比，请输入数字，例如 5.00") % {"text": text})
    if value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("佣金比例最多两位小数"))
    bps = int(value * 100)
    if not 0 <= bps <= MAX_COMMISSION_BPS:
        raise forms.ValidationError(_("佣金比例须在 0%–50% 之间"))
    return bps


class CommissionForm(forms.Form):
    category_id = forms.TypedChoiceField(label=_("类目"), coerce=int, error_messages={"required": _("请选择类目"),
                                                                                 "invalid_choice": _("请选择类目")})
    rate = forms.CharField(label=_("佣金比例（%）"), max_length=12, help_text=_("百分比，最多两位小数，如 5.00"),
                           error_messages={"required": _("请填写佣金比例")})

    def __init__(self, *args, category_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = [("", _("请选择类目"))] + list(category_choices)

    def clean_rate(self) -> int:
        return parse_percent_to_bps(self.cleaned_data["rate"])


class RejectForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("驳回原因")
        self.fields["reason"].help_text = _("申请人会在入驻进度页看到这段说明")


class SuspendForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("暂停原因")
        self.fields["reason"].help_text = _("暂停后店铺及其商品将从前台隐藏，买家无法下单")
