"""Plain forms of the platform face. They parse what an operator typed; the services decide the rules."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wanshang.adlaw.selectors import FAMILY_CHOICES as ADLAW_FAMILIES
from wanshang.adlaw.selectors import SEVERITY_CHOICES as ADLAW_SEVERITIES
from wanshang.adlaw.selectors import STRICT_CATEGORY_CHOICES as ADLAW_STRICT
from wanshang.catalog.selectors import NEVER_RETURN_KINDS
from wanshang.common.forms import YuanField  # noqa: F401  (re-exported for the platform views)
from wanshang.marketing.types import LATER_TOKENS, TOKEN_LABELS

MAX_COMMISSION_BPS = 5000  # 50%: the same ceiling as merchants.services.commission_set
OPTION_SPLIT = re.compile(r"[,，、;；\n]+")


class ApproveForm(forms.Form):
    slug = forms.SlugField(
        label=_("店铺标识（可选）"),
        max_length=60,
        required=False,
        help_text=_("用于店铺网址，只能包含字母、数字、“-”；留空自动生成"),
        error_messages={"invalid": _("店铺标识只能包含字母、数字、“-”和“_”")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"),
        max_length=300,
        min_length=2,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("请填写原因"),
            "min_length": _("原因至少 2 个字"),
            "max_length": _("原因不能超过 300 字"),
        },
    )


class CategoryCreateForm(forms.Form):
    parent_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("类目名称"), max_length=40, error_messages={"required": _("请填写类目名称")}
    )
    slug = forms.CharField(
        label=_("标识"),
        max_length=60,
        help_text=_("小写字母、数字和“-”，全站唯一"),
        error_messages={"required": _("请填写标识")},
    )
    sort = forms.IntegerField(label=_("排序"), initial=0, required=False, min_value=-9999, max_value=9999)


NEVER_RETURN_CHOICES = [("", _("无（支持7天无理由，或按上级类目）")), *NEVER_RETURN_KINDS]


class CategoryEditForm(forms.Form):
    name = forms.CharField(
        label=_("类目名称"), max_length=40, error_messages={"required": _("请填写类目名称")}
    )
    is_active = forms.BooleanField(label=_("启用"), required=False)
    never_return_kind = forms.ChoiceField(
        label=_("不支持7天无理由（法定）"),
        choices=NEVER_RETURN_CHOICES,
        required=False,
        help_text=_(
            "消保法第二十五条：定作、鲜活易腐、在线下载或已拆封的数字商品、已交付的报纸期刊。子类目随之不支持。"
        ),
    )


class AttributeTemplateForm(forms.Form):
    name = forms.CharField(label=_("属性名"), max_length=30, error_messages={"required": _("请填写属性名")})
    options = forms.CharField(
        label=_("可选值"),
        required=False,
        max_length=1000,
        help_text=_("用逗号分隔，如：纯棉, 涤纶, 真丝；留空表示自由填写"),
    )
    required = forms.BooleanField(label=_("必填"), required=False)

    def clean_options(self) -> list[str]:
        return [
            part.strip()
            for part in OPTION_SPLIT.split(self.cleaned_data.get("options") or "")
            if part.strip()
        ]


class BrandForm(forms.Form):
    name = forms.CharField(label=_("品牌名"), max_length=60, error_messages={"required": _("请填写品牌名")})
    name_en = forms.CharField(label=_("英文名"), max_length=60, required=False)


def parse_percent_to_bps(text) -> int:
    """'5.5' / '5.50%' → 550. Raises forms.ValidationError with a message for anything else."""
    raw = str(text or "").strip().rstrip("%").strip()
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        raise forms.ValidationError(
            _("“%(text)s” 不是有效的百分比，请输入数字，例如 5.00") % {"text": text}
        ) from None
    if not value.is_finite():
        raise forms.ValidationError(_("“%(text)s” 不是有效的百分比，请输入数字，例如 5.00") % {"text": text})
    # The range first: quantize raises InvalidOperation on values past Decimal's 28 digits ('1e30').
    if not 0 <= value <= Decimal(MAX_COMMISSION_BPS) / 100:
        raise forms.ValidationError(_("佣金比例须在 0%–50% 之间"))
    if value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("佣金比例最多两位小数"))
    return int(value * 100)


class CommissionForm(forms.Form):
    category_id = forms.TypedChoiceField(
        label=_("类目"),
        coerce=int,
        error_messages={"required": _("请选择类目"), "invalid_choice": _("请选择类目")},
    )
    rate = forms.CharField(
        label=_("佣金比例（%）"),
        max_length=12,
        help_text=_("百分比，最多两位小数，如 5.00"),
        error_messages={"required": _("请填写佣金比例")},
    )

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


# --- 平台券、秒杀场次 -----------------------------------------------------------------------------------------

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
INT_ERRORS = {
    "invalid": _("请输入整数"),
    "required": _("此项必填"),
    "min_value": _("不能小于 %(limit_value)s"),
    "max_value": _("不能大于 %(limit_value)s"),
}
ID_SPLIT = re.compile(r"[\s,，、;；]+")


def datetime_field(label, **kwargs):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": format_lazy(_("请填写{label}"), label=label),
            "invalid": _("请输入有效的时间，如 2026-05-01 10:00"),
        },
        **kwargs,
    )


def int_field(label, *, required=True, min_value=0, max_value=10_000_000, **kwargs):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=max_value,
        error_messages=INT_ERRORS,
        **kwargs,
    )


def _decimal(text, message) -> Decimal:
    try:
        value = Decimal(str(text).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise forms.ValidationError(message) from None
    if not value.is_finite():
        raise forms.ValidationError(message)
    return value


def parse_share_to_bps(text) -> int:
    """The platform's share typed as a percentage: '50' / '50%' → 5000; 0–100, at most two decimals."""
    value = _decimal(
        text, _("“%(text)s” 不是有效的百分比，请输入 0–100 之间的数字，例如 50") % {"text": text}
    )
    if not Decimal(0) <= value <= Decimal(100):
        raise forms.ValidationError(_("平台承担比例须在 0%–100% 之间"))
    if value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("平台承担比例最多两位小数"))
    return int(value * 100)


def parse_discount_to_bps(text) -> int:
    """A discount typed in 折: '8.5' → 8500 (万分比 of the price); more than 0 and less than 10 折."""
    value = _decimal(text, _("“%(text)s” 不是有效的折扣，请输入如 8.5（表示 8.5 折）") % {"text": text})
    if not Decimal(0) < value < Decimal(10):
        raise forms.ValidationError(_("折扣须大于 0 折且小于 10 折，如 8.5"))
    if value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("折扣最多两位小数，如 8.85"))
    return int(value * 1000)


class PlatformCouponForm(forms.Form):
    """平台券. Amounts are typed in yuan, the discount in 折, the platform's share in percent."""

    TYPE_CHOICES = [("amount", _("满减券（减固定金额）")), ("percent", _("折扣券（按比例打折）"))]
    SCOPE_CHOICES = [("all", _("全场通用")), ("shops", _("指定店铺")), ("categories", _("指定类目"))]

    name = forms.CharField(
        label=_("券名称"),
        max_length=40,
        min_length=2,
        error_messages={"required": _("请填写券名称"), "min_length": _("券名称至少 2 个字")},
    )
    type = forms.ChoiceField(
        label=_("券类型"),
        choices=TYPE_CHOICES,
        initial="amount",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择券类型"), "invalid_choice": _("请选择券类型")},
    )
    threshold = YuanField(
        label=_("使用门槛（元）"),
        required=False,
        help_text=_("订单商品金额满多少元可用（跨店合计）；留空或 0 表示无门槛"),
    )
    amount = YuanField(label=_("面额（元）"), required=False, help_text=_("满减券：减多少元，须小于使用门槛"))
    discount = forms.CharField(
        label=_("折扣（折）"), required=False, max_length=8, help_text=_("折扣券：如 8.5 表示 8.5 折")
    )
    cap = YuanField(
        label=_("最多优惠（元）"), required=False, help_text=_("折扣券的封顶金额；留空表示不封顶")
    )
    starts_at = datetime_field(_("开始时间"))
    ends_at = datetime_field(_("结束时间"))
    valid_days = int_field(
        _("领取后有效天数"),
        required=False,
        max_value=365,
        help_text=_("领取后多少天内可用；留空或 0 表示活动结束前都可用"),
    )
    public = forms.BooleanField(label=_("公开领取（在领券中心展示）"), required=False, initial=True)
    total_quantity = int_field(_("发放总量（张）"), min_value=1)
    per_buyer_limit = int_field(_("每人限领（张）"), max_value=9999, initial=1, help_text=_("0 表示不限"))
    scope = forms.ChoiceField(
        label=_("适用范围"),
        choices=SCOPE_CHOICES,
        initial="all",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择适用范围"), "invalid_choice": _("请选择适用范围")},
    )
    scope_shops = forms.MultipleChoiceField(
        label=_("适用店铺"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("适用范围为“指定店铺”时选择，可多选（按住 Ctrl/⌘）"),
        error_messages={"invalid_choice": _("所选店铺不存在")},
    )
    scope_categories = forms.MultipleChoiceField(
        label=_("适用类目"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("适用范围为“指定类目”时选择，选上级类目包含其下全部类目"),
        error_messages={"invalid_choice": _("所选类目不存在")},
    )
    platform_share = forms.CharField(
        label=_("平台承担比例（%）"),
        max_length=8,
        initial="100",
        help_text=_("优惠金额中由平台出资的比例，其余由商家按商品金额分摊；如 50 表示平台承担一半"),
        error_messages={"required": _("请填写平台承担比例")},
    )
    combine_with = forms.MultipleChoiceField(
        label=_("可同时使用"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不勾选表示本券不与其他优惠同时使用"),
    )

    def __init__(self, *args, shop_choices=(), category_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_shops"].choices = [(str(pk), label) for pk, label in shop_choices]
        self.fields["scope_categories"].choices = [(str(pk), label) for pk, label in category_choices]
        tokens = LATER_TOKENS["platform_coupon"]
        self.fields["combine_with"].choices = [(t, TOKEN_LABELS[t]) for t in tokens]
        if not self.is_bound and "combine_with" not in self.initial:
            self.initial["combine_with"] = list(tokens)

    def clean_discount(self):
        text = (self.cleaned_data.get("discount") or "").strip()
        return parse_discount_to_bps(text) if text else None

    def clean_platform_share(self) -> int:
        return parse_share_to_bps(self.cleaned_data["platform_share"])

    def clean(self):
        data = super().clean()
        kind = data.get("type")
        if kind == "amount" and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", _("请填写面额"))
        if kind == "percent" and data.get("discount") is None and "discount" not in self.errors:
            self.add_error("discount", _("请填写折扣"))
        scope = data.get("scope")
        data["scope_ids"] = []
        if scope == "shops":
            data["scope_ids"] = [int(i) for i in data.get("scope_shops") or []]
            if not data["scope_ids"] and "scope_shops" not in self.errors:
                self.add_error("scope_shops", _("请选择适用的店铺"))
        elif scope == "categories":
            data["scope_ids"] = [int(i) for i in data.get("scope_categories") or []]
            if not data["scope_ids"] and "scope_categories" not in self.errors:
                self.add_error("scope_categories", _("请选择适用的类目"))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("结束时间须晚于开始时间"))
        return data

    @classmethod
    def initial_from(cls, promo) -> dict:
        """The form's values for an existing platform coupon (editing one that has not started)."""
        c = promo.config
        ids = [str(i) for i in promo.scope_ids or []]
        discount = c.get("discount_bps")
        return {
            "name": promo.name,
            "type": c.get("type", "amount"),
            "threshold": c.get("threshold_fen") or None,
            "amount": c.get("amount_fen"),
            "discount": f"{Decimal(discount) / 1000:f}".rstrip("0").rstrip(".") if discount else "",
            "cap": c.get("cap_fen") or None,
            "starts_at": timezone.localtime(promo.starts_at),
            "ends_at": timezone.localtime(promo.ends_at),
            "valid_days": c.get("valid_days") or 0,
            "public": c.get("public", True),
            "total_quantity": promo.total_quantity,
            "per_buyer_limit": promo.per_buyer_limit,
            "scope": promo.scope,
            "scope_shops": ids if promo.scope == "shops" else [],
            "scope_categories": ids if promo.scope == "categories" else [],
            "platform_share": f"{promo.platform_share_bps // 100}"
            + (
                f".{promo.platform_share_bps % 100:02d}".rstrip("0") if promo.platform_share_bps % 100 else ""
            ),
            "combine_with": list(c.get("combine_with") or []),
        }


class CouponIssueForm(forms.Form):
    buyer_ids = forms.CharField(
        label=_("买家编号"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "1001, 1002, 1003"}),
        help_text=_("用逗号、空格或换行分隔；已达每人限领的买家会被跳过"),
        error_messages={"required": _("请填写买家编号")},
    )

    def clean_buyer_ids(self) -> list[int]:
        ids = []
        for part in ID_SPLIT.split(self.cleaned_data["buyer_ids"].strip()):
            if not part:
                continue
            if not part.isdigit() or int(part) <= 0:
                raise forms.ValidationError(_("“%(part)s” 不是有效的买家编号，编号为正整数") % {"part": part})
            ids.append(int(part))
        if not ids:
            raise forms.ValidationError(_("请填写买家编号"))
        if len(ids) > 10000:
            raise forms.ValidationError(_("一次最多向 10000 位买家发放"))
        return ids


class FlashSlotForm(forms.Form):
    name = forms.CharField(
        label=_("场次名称"),
        max_length=40,
        min_length=2,
        widget=forms.TextInput(attrs={"placeholder": _("如：10点场")}),
        error_messages={"required": _("请填写场次名称"), "min_length": _("场次名称至少 2 个字")},
    )
    starts_at = datetime_field(_("开始时间"))
    ends_at = datetime_field(_("结束时间"), help_text=_("一个场次最长 24 小时"))
    is_open = forms.BooleanField(label=_("开放商家报名"), required=False, initial=True)


class SynonymForm(forms.Form):
    words = forms.CharField(
        label=_("同义词"),
        max_length=400,
        help_text=_("用逗号或空格分隔，如：连衣裙，裙子，长裙"),
        error_messages={"required": _("请填写同义词")},
    )
    one_way = forms.BooleanField(label=_("单向（只从第一个词扩展到其余词）"), required=False)
    note = forms.CharField(label=_("备注"), max_length=60, required=False)

    def clean_words(self):
        return [w for w in re.split(r"[,，、\s]+", self.cleaned_data["words"]) if w]


class HotWordForm(forms.Form):
    term = forms.CharField(label=_("搜索词"), max_length=50, error_messages={"required": _("请填写搜索词")})
    action = forms.ChoiceField(
        label=_("操作"),
        choices=[
            ("pin", _("置顶为热搜")),
            ("unpin", _("取消置顶")),
            ("hide", _("不再联想")),
            ("unhide", _("恢复联想")),
        ],
    )


class AdlawTermForm(forms.Form):
    """One 广告法 term as the platform edits it; lists are typed comma- or line-separated."""

    text = forms.CharField(label=_("用语"), max_length=40)
    family = forms.ChoiceField(label=_("类别"), choices=ADLAW_FAMILIES)
    severity = forms.ChoiceField(label=_("级别"), choices=ADLAW_SEVERITIES)
    strict_categories = forms.MultipleChoiceField(
        label=_("严格类目（在这些类目中提醒类用语也禁止）"),
        choices=ADLAW_STRICT,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    explanation = forms.CharField(label=_("说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    replacements = forms.CharField(label=_("替换建议（逗号分隔）"), max_length=400, required=False)
    allowed_words = forms.CharField(
        label=_("不算违规的普通词（逗号分隔，须包含该用语）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class AdlawDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("reject", _("驳回"))])
    reason = forms.CharField(label=_("审核理由"), max_length=300)
