"""Forms of the seller's 推广中心. Money typed in yuan (`YuanField`), cleaned to fen; the rules themselves are the
services' (their refusals land on these fields through `form_errors`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wanshang.ads.selectors import MATCH_TYPES, NEGATIVE_MATCH_TYPES, PACINGS, PLAN_KINDS, REGION_MAX
from wanshang.ads.services import KeywordInput
from wanshang.common.errors import ValidationError as DomainValidationError
from wanshang.common.forms import YuanField
from wanshang.common.money import yuan_to_fen

REGION_PREFIX = "region_"
MATCH_WORDS = {
    "精确": "exact",
    "exact": "exact",
    "短语": "phrase",
    "phrase": "phrase",
    "广泛": "broad",
    "broad": "broad",
}


class TopUpForm(forms.Form):
    amount = YuanField(label=_("充值金额（元）"))


class PlanForm(forms.Form):
    name = forms.CharField(label=_("计划名称"), max_length=40)
    kind = forms.ChoiceField(label=_("推广类型"), choices=PLAN_KINDS, required=False)  # on creation only
    daily_budget = YuanField(label=_("日预算（元）"))
    total_budget = YuanField(label=_("总预算（元，可不填）"), required=False)
    start_date = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=_("结束日期（可不填）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    pacing = forms.ChoiceField(label=_("投放方式"), choices=PACINGS)
    on_pc = forms.BooleanField(label=_("PC 端"), required=False)
    on_mobile = forms.BooleanField(label=_("移动端"), required=False)
    hours = forms.CharField(
        label=_("分时折扣（%）"),
        required=False,
        help_text=_(
            "24 个百分比，从 0 点到 23 点，用逗号隔开；100 为原价，0 为该时段不投放。留空：全天 100%"
        ),
        widget=forms.TextInput(attrs={"placeholder": "100,100,…"}),
    )

    def clean_hours(self):
        text = self.cleaned_data["hours"].strip()
        if not text:
            return [100] * 24
        parts = [p.strip() for p in text.replace("，", ",").split(",")]
        if len(parts) != 24 or not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("请填写 24 个整数百分比，用逗号隔开"))
        return [int(p) for p in parts]

    def __init__(self, *args, provinces=None, **kwargs):
        """`provinces`: code → name of the provinces the region multipliers may name (one field each)."""
        super().__init__(*args, **kwargs)
        self.provinces = dict(provinces or {})
        for code in self.provinces:
            self.fields[f"{REGION_PREFIX}{code}"] = forms.IntegerField(
                label=self.provinces[code],
                required=False,
                min_value=0,
                max_value=REGION_MAX,
                error_messages={
                    # Django fills in %(limit_value)s
                    "min_value": _("地域溢价不能小于 %(limit_value)s%%"),
                    "max_value": _("地域溢价不能超过 %(limit_value)s%%"),
                    "invalid": _("请填写整数百分比"),
                },
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": REGION_MAX, "step": 1, "placeholder": "100"}
                ),
            )

    def region_rows(self):
        """(code, name, bound field) per province, for the template's table."""
        return [(code, name, self[f"{REGION_PREFIX}{code}"]) for code, name in self.provinces.items()]

    def clean(self):
        data = super().clean()
        unknown = [
            key[len(REGION_PREFIX) :]
            for key in self.data
            if key.startswith(REGION_PREFIX) and key not in self.fields and str(self.data.get(key)).strip()
        ]
        if unknown:
            raise forms.ValidationError(
                _("未知的省级地区编码：%(codes)s") % {"codes": "、".join(unknown)[:60]}
            )
        data["regions"] = {
            code: data[f"{REGION_PREFIX}{code}"]
            for code in self.provinces
            if data.get(f"{REGION_PREFIX}{code}") is not None
        }
        return data


def region_initial(regions: dict) -> dict:
    """A plan's region multipliers as the plan form's initial values."""
    return {f"{REGION_PREFIX}{code}": pct for code, pct in (regions or {}).items()}


class GroupForm(forms.Form):
    product_id = forms.IntegerField(label=_("推广商品"), widget=forms.HiddenInput)
    default_bid = YuanField(label=_("默认出价（元）"))


class GroupBidForm(forms.Form):
    default_bid = YuanField(label=_("默认出价（元）"))


class KeywordBulkForm(forms.Form):
    """One keyword a line: `词[,出价元][,匹配方式]`; the bid empty = the group's default, the match empty =
    the chosen default match."""

    lines = forms.CharField(
        label=_("批量添加关键词"),
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "纯棉t恤,1.20,精确\n短袖 男,,广泛\n夏季t恤"}),
        help_text=_("每行一个：关键词,出价(元),匹配方式（精确/短语/广泛）；出价留空用单元默认出价"),
    )
    match_type = forms.ChoiceField(label=_("默认匹配方式"), choices=MATCH_TYPES, initial="broad")

    def clean(self):
        data = super().clean()
        if "lines" not in data:
            return data
        rows = []
        for n, line in enumerate(data["lines"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) > 3:
                self.add_error("lines", _("第 %(n)s 行：最多三列（关键词,出价,匹配方式）") % {"n": n})
                continue
            word, bid_text, match_text = (parts + ["", ""])[:3]
            bid = None
            if bid_text:
                try:
                    bid = yuan_to_fen(bid_text, field="lines")
                except DomainValidationError as exc:
                    self.add_error("lines", _("第 %(n)s 行：%(msg)s") % {"n": n, "msg": exc.message})
                    continue
            match = (
                MATCH_WORDS.get(match_text.lower(), None) if match_text else data.get("match_type", "broad")
            )
            if match is None:
                self.add_error("lines", _("第 %(n)s 行：匹配方式须是 精确、短语 或 广泛") % {"n": n})
                continue
            rows.append(KeywordInput(word=word, bid_fen=bid, match_type=match))
        if not rows and not self.errors:
            self.add_error("lines", _("请至少填写一个关键词"))
        data["rows"] = rows
        return data


class KeywordEditForm(forms.Form):
    bid = YuanField(label=_("出价（元）"), required=False, help_text=_("留空：用单元默认出价"))
    match_type = forms.ChoiceField(label=_("匹配方式"), choices=MATCH_TYPES)


class NegativeForm(forms.Form):
    word = forms.CharField(label=_("否定词"), max_length=60)
    match_type = forms.ChoiceField(label=_("匹配方式"), choices=NEGATIVE_MATCH_TYPES, initial="phrase")


class CreativeForm(forms.Form):
    title = forms.CharField(
        label=_("创意标题"),
        max_length=60,
        help_text=_("建议：品牌词 + 核心功能词 + 信任背书，不超过 20 个字"),
    )
    image_url = forms.ChoiceField(label=_("创意图片"), widget=forms.RadioSelect)

    def __init__(self, *args, images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image_url"].choices = [(url, url) for url in images]


class SuggestionAddForm(forms.Form):
    """One suggested keyword added with one click: its word, a bid (empty = the suggested bid) and a match type."""

    word = forms.CharField(label=_("关键词"), max_length=60)
    bid = YuanField(label=_("出价（元）"), required=False, help_text=_("留空：用建议出价"))
    match_type = forms.ChoiceField(label=_("匹配方式"), choices=MATCH_TYPES, initial="broad")
