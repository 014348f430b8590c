"""推广中心 (platform): the ad rules (reserve price, maximum bid, slot positions, click dedup and attribution
windows, limits), every shop's ad account, and an account's ledger with the audited 平台调账 and the refund of
an invalid click."""

import uuid
from datetime import date

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wanshang.ads.selectors import (
    account_list,
    account_of_shop,
    ad_settings,
    charge_exists,
    platform_ledger,
    platform_overview,
)
from wanshang.ads.services import account_adjust, ad_settings_update, invalid_click_refund
from wanshang.common.errors import ValidationError
from wanshang.common.forms import YuanField
from wanshang.common.money import fen_to_yuan_str
from wanshang.common.web import form_errors, message_errors
from wanshang.platform.access import operator_view
from wanshang.platform.views._util import page_of


class AdSettingsForm(forms.Form):
    reserve_price_fen = YuanField(label=gettext_lazy("底价（元）"))
    max_bid_fen = YuanField(label=gettext_lazy("最高出价（元）"))
    slot_positions = forms.CharField(
        label=gettext_lazy("搜索结果广告位"),
        help_text=gettext_lazy("第几个位置放广告，逗号隔开，如 1,6,11,16"),
        max_length=100,
    )
    click_dedup_minutes = forms.IntegerField(
        label=gettext_lazy("点击去重窗口（分钟）"), min_value=1, max_value=1440
    )
    attribution_days = forms.IntegerField(label=gettext_lazy("归因窗口（天）"), min_value=1, max_value=90)
    max_keywords_per_group = forms.IntegerField(
        label=gettext_lazy("每单元关键词上限"), min_value=1, max_value=1000
    )
    min_topup_fen = YuanField(label=gettext_lazy("单笔最低充值（元）"))
    max_topup_fen = YuanField(label=gettext_lazy("单笔最高充值（元）"))
    trust_words = forms.CharField(
        label=gettext_lazy("信任背书词"),
        help_text=gettext_lazy("创意标题检查用，逗号隔开"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_slot_positions(self):
        parts = [
            p.strip() for p in self.cleaned_data["slot_positions"].replace("，", ",").split(",") if p.strip()
        ]
        # ASCII digits only: "²" passes str.isdigit() and fails int()
        if not parts or not all(p.isascii() and p.isdigit() for p in parts):
            raise forms.ValidationError(_("请填写逗号隔开的正整数"))
        return [int(p) for p in parts]

    def clean_trust_words(self):
        return [
            w.strip() for w in self.cleaned_data["trust_words"].replace("，", ",").split(",") if w.strip()
        ]

    def clean(self):
        data = super().clean()
        for key in ("reserve_price_fen", "max_bid_fen", "min_topup_fen", "max_topup_fen"):
            if key in data and data[key] is None:
                self.add_error(key, _("请填写金额"))
        return data


class AdjustForm(forms.Form):
    direction = forms.ChoiceField(
        label=gettext_lazy("方向"),
        choices=[("credit", gettext_lazy("增加余额")), ("debit", gettext_lazy("扣减余额"))],
    )
    amount = YuanField(label=gettext_lazy("金额（元）"))
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200)
    reference = forms.CharField(widget=forms.HiddenInput, max_length=64)


class RefundForm(forms.Form):
    charge_ref = forms.CharField(label=gettext_lazy("扣费关联单号（点击编号）"), max_length=64)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=150)


REPORT_PERIODS = (7, 30, 90)


def _date(raw, name: str) -> date | None:
    if raw in (None, ""):
        return None
    text = str(raw)
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("日期格式须是 YYYY-MM-DD"), field=name) from None


def report_period(get) -> dict:
    """The platform report's period from a query string: the last 7, 30 or 90 days, or start..end (checked by
    the selector). ValidationError (a 400 page) otherwise."""
    start, end = _date(get.get("start"), "start"), _date(get.get("end"), "end")
    if start is not None or end is not None:
        return {"days": None, "start": start, "end": end}
    days = get.get("days", "30")
    if days not in {str(d) for d in REPORT_PERIODS}:
        raise ValidationError(_("统计周期须是 7、30 或 90 天"), field="days")
    return {"days": int(days), "start": None, "end": None}


def revenue_chart(days) -> dict:
    """Ad revenue net of refunds (bars, yuan) and the invalid-click rate (line, %) by day."""
    names = [_("广告收入(元)"), _("无效点击退款(元)"), _("无效点击率(%)")]
    return {
        "tooltip": {"trigger": "axis"},
        # a scroll legend keeps one line: wrapped at phone width it covered the axis names
        "legend": {"data": names, "top": 0, "type": "scroll"},
        "grid": {"left": 56, "right": 56, "top": 56, "bottom": 28},
        "xAxis": {"type": "category", "data": [r.key.strftime("%m-%d") for r in days]},
        "yAxis": [{"type": "value", "name": _("元")}, {"type": "value", "name": "%"}],
        "series": [
            {"name": names[0], "type": "bar", "data": [float(fen_to_yuan_str(r.revenue_fen)) for r in days]},
            {
                "name": names[1],
                "type": "line",
                "data": [float(fen_to_yuan_str(r.refunded_fen)) for r in days],
            },
            {
                "name": names[2],
                "type": "line",
                "yAxisIndex": 1,
                "data": [round(r.invalid_rate * 100, 2) for r in days],
            },
        ],
    }


def _report_context(request) -> dict:
    period = report_period(request.GET)
    overview = platform_overview(**period)
    return {
        "report": overview,
        "period": period,
        "report_periods": REPORT_PERIODS,
        "revenue_chart": revenue_chart(overview.days),
    }


@operator_view
def ads_index(request):
    rules = ad_settings()
    status = 200
    if request.method == "POST":
        form = AdSettingsForm(request.POST)
        if form.is_valid():
            with form_errors(form) as outcome:
                ad_settings_update(**form.cleaned_data)
                messages.success(request, _("推广设置已保存"))
                return redirect("platform:ads")
            status = outcome.status
        else:
            status = 400
    else:
        initial = {key: getattr(rules, key) for key in AdSettingsForm.base_fields}
        initial["slot_positions"] = ",".join(str(s) for s in rules.slot_positions)
        initial["trust_words"] = ",".join(rules.trust_words)
        form = AdSettingsForm(initial=initial)
    return render(
        request,
        "platform/ads.html",
        {"form": form, "page": page_of(request, account_list()), "nav": "ads", **_report_context(request)},
        status=status,
    )


@operator_view
def ads_account(request, shop_id: int):
    return _account_page(request, shop_id)


def _account_page(request, shop_id, *, adjust_form=None, refund_form=None, status=200):
    account = account_of_shop(shop_id=shop_id)
    return render(
        request,
        "platform/ads_account.html",
        {
            "account": account,
            "page": page_of(request, platform_ledger(shop_id=shop_id), per_page=30),
            "adjust_form": adjust_form or AdjustForm(initial={"reference": f"ADJ{uuid.uuid4().hex[:20]}"}),
            "refund_form": refund_form or RefundForm(),
            "nav": "ads",
        },
        status=status,
    )


@operator_view
@require_POST
def ads_adjust(request, shop_id: int):
    form = AdjustForm(request.POST)
    if form.is_valid() and form.cleaned_data["amount"]:
        data = form.cleaned_data
        sign = -1 if data["direction"] == "debit" else 1
        with form_errors(form) as outcome:
            account_adjust(
                shop_id=account_of_shop(shop_id=shop_id).shop_id,
                amount_fen=sign * data["amount"],
                reason=data["reason"],
                reference=data["reference"],
                actor=request.user,
            )
            messages.success(request, _("调账已记入流水"))
            return redirect("platform:ads_account", shop_id=shop_id)
        return _account_page(request, shop_id, adjust_form=form, status=outcome.status)
    if form.is_valid():
        form.add_error("amount", _("金额须大于 0"))
    return _account_page(request, shop_id, adjust_form=form, status=400)


@operator_view
@require_POST
def ads_refund(request, shop_id: int):
    account = account_of_shop(shop_id=shop_id)
    form = RefundForm(request.POST)
    if form.is_valid():
        ref = form.cleaned_data["charge_ref"]
        if not charge_exists(shop_id=account.shop_id, reference=ref):
            form.add_error("charge_ref", _("该店铺没有这笔扣费"))
            return _account_page(request, shop_id, refund_form=form, status=404)
        with message_errors(request):
            invalid_click_refund(charge_ref=ref, reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("已退回该次点击的费用"))
        return redirect("platform:ads_account", shop_id=shop_id)
    return _account_page(request, shop_id, refund_form=form, status=400)
