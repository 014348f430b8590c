"""全站推广 pages under /seller/ads/auto/: create and edit a goal plan (products, daily budget, target 投产比),
its status, and its report (target vs achieved by day and hour, spend, GMV, why delivery was limited, ECharts).
Thin over `ads.services` / `ads.selectors`; another shop's plan is 404, a refused input a form error."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wanshang.ads import selectors as ads
from wanshang.ads.services import AutoPlanInput, autoplan_create, autoplan_update, plan_set_status
from wanshang.catalog.selectors import seller_product_list
from wanshang.common.errors import ValidationError
from wanshang.common.forms import YuanField
from wanshang.common.money import fen_to_yuan_str
from wanshang.common.web import form_errors, message_errors
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view

PERM = P.ADS_MANAGE
PERIODS = (7, 14, 30)


class TargetField(forms.CharField):
    """A 投产比 typed as "3" or "3.50", cleaned to integer hundredths (350); never a float."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise forms.ValidationError(_("请填写数字，如 3 或 3.50")) from None
        if not number.is_finite() or number != number.quantize(Decimal("0.01")) or abs(number) > 10**6:
            raise forms.ValidationError(_("目标投产比最多两位小数"))
        return int(number * 100)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return fen_to_yuan_str(value)  # hundredths print like fen
        return value


class AutoPlanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("计划名称"), max_length=40)
    products = forms.TypedMultipleChoiceField(
        label=gettext_lazy("推广商品"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("商品 %(value)s 不存在、未在出售中或不属于本店")},
    )
    daily_budget = YuanField(label=gettext_lazy("日预算（元）"))
    target_roas = TargetField(
        label=gettext_lazy("目标投产比"),
        help_text=gettext_lazy("投产比 = 成交金额 ÷ 花费，如 3 表示每花 1 元带来 3 元成交"),
    )
    start_date = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=gettext_lazy("结束日期（可不填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    pacing = forms.ChoiceField(label=gettext_lazy("投放方式"), choices=ads.PACINGS)
    on_pc = forms.BooleanField(label=gettext_lazy("PC 端"), required=False)
    on_mobile = forms.BooleanField(label=gettext_lazy("移动端"), required=False)

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].choices = [
            (p.pk, f"{p.title}（¥{fen_to_yuan_str(p.min_price_fen)}）")
            for p in seller_product_list(shop=shop, status="on_sale")[:200]
        ]

    def clean(self):
        data = super().clean()
        if "products" in data and not data["products"]:
            self.add_error("products", _("请至少选择一个推广商品"))
        for name, text in (("daily_budget", _("请填写日预算")), ("target_roas", _("请填写目标投产比"))):
            if name in data and data[name] is None:
                self.add_error(name, text)
        return data

    def to_input(self) -> AutoPlanInput:
        d = self.cleaned_data
        return AutoPlanInput(
            name=d["name"],
            product_ids=list(d["products"]),
            daily_budget_fen=d["daily_budget"],
            target_roas_centi=d["target_roas"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            pacing=d["pacing"],
            on_pc=d["on_pc"],
            on_mobile=d["on_mobile"],
        )


def _initial(plan, auto) -> dict:
    return {
        "name": plan.name,
        "products": [g.product_id for g in ads.autoplan_products(shop=plan.shop, plan_id=plan.pk)],
        "daily_budget": plan.daily_budget_fen,
        "target_roas": auto.target_roas_centi,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "pacing": plan.pacing,
        "on_pc": plan.on_pc,
        "on_mobile": plan.on_mobile,
    }


@seller_view(PERM)
def auto_create_view(request):
    return _form(request)


@seller_view(PERM)
def auto_edit_view(request, plan_id: int):
    return _form(request, *ads.autoplan_get(shop=request.shop, plan_id=plan_id))


def _form(request, plan=None, auto=None):
    status = 200
    if request.method == "POST":
        form = AutoPlanForm(request.POST, shop=request.shop)
        if form.is_valid():
            with form_errors(form) as outcome:
                if plan is None:
                    plan = autoplan_create(shop=request.shop, data=form.to_input())
                else:
                    plan = autoplan_update(shop=request.shop, plan_id=plan.pk, data=form.to_input())
                messages.success(request, _("全站推广计划已保存"))
                return redirect("sellercenter:ads_auto", plan_id=plan.pk)
            status = outcome.status
        else:
            status = 400
    elif plan is not None:
        form = AutoPlanForm(initial=_initial(plan, auto), shop=request.shop)
    else:
        initial = {"start_date": timezone.localdate(), "pacing": "standard", "on_pc": True, "on_mobile": True}
        form = AutoPlanForm(initial=initial, shop=request.shop)
    return seller_render(
        request,
        "sellercenter/ads/auto_form.html",
        {"form": form, "plan": plan},
        status=status,
        active="ads_plans",
    )


def roas_chart(rows, *, hourly: bool) -> dict:
    """Spend and GMV (bars, yuan) with the target and the achieved 投产比 (lines, right axis)."""
    names = [_("花费(元)"), _("成交金额(元)"), _("目标投产比"), _("实际投产比")]
    labels = [f"{r.key:02d}:00" if hourly else r.key.strftime("%m-%d") for r in rows]
    return {
        "tooltip": {"trigger": "axis"},
        # a scroll legend keeps one line: wrapped at phone width it covered the axis names
        "legend": {"data": names, "top": 0, "type": "scroll"},
        "grid": {"left": 48, "right": 48, "top": 56, "bottom": 28},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": [{"type": "value", "name": _("元")}, {"type": "value", "name": _("投产比")}],
        "series": [
            {"name": names[0], "type": "bar", "data": [float(fen_to_yuan_str(r.spend_fen)) for r in rows]},
            {"name": names[1], "type": "bar", "data": [float(fen_to_yuan_str(r.gmv_fen)) for r in rows]},
            {"name": names[2], "type": "line", "yAxisIndex": 1, "data": [r.target for r in rows]},
            {
                "name": names[3],
                "type": "line",
                "yAxisIndex": 1,
                "connectNulls": False,
                "data": [None if r.achieved is None else round(r.achieved, 2) for r in rows],
            },
        ],
    }


def _period(get) -> tuple[int, object]:
    days = get.get("days", "7")
    if days not in {str(d) for d in PERIODS}:
        raise ValidationError(_("统计周期须是 7、14 或 30 天"), field="days")
    raw = get.get("day", "")
    day = None
    if raw:
        try:
            day = parse_date(raw)
        except ValueError:
            day = None
        if day is None:
            raise ValidationError(_("日期格式应为 YYYY-MM-DD"), field="day")
    return int(days), day


@seller_view(PERM)
def auto_detail_view(request, plan_id: int):
    plan, _auto = ads.autoplan_get(shop=request.shop, plan_id=plan_id)
    days, day = _period(request.GET)
    report = ads.autoplan_report(shop=request.shop, plan_id=plan.pk, days=days, day=day)
    return seller_render(
        request,
        "sellercenter/ads/auto_detail.html",
        {
            "plan": plan,
            "report": report,
            "daily_chart": roas_chart(report.days, hourly=False),
            "hourly_chart": roas_chart(report.hours, hourly=True),
            "next_statuses": [(s, ads.STATUS_ACTIONS[s]) for s in ads.plan_next_statuses(plan)],
            "periods": PERIODS,
            "days": days,
        },
        active="ads_plans",
    )


@seller_view(PERM)
@require_POST
def auto_status_view(request, plan_id: int):
    plan, _auto = ads.autoplan_get(shop=request.shop, plan_id=plan_id)
    with message_errors(request):
        plan = plan_set_status(shop=request.shop, plan_id=plan.pk, status=request.POST.get("status", ""))
        messages.success(request, _("计划状态：%(s)s") % {"s": plan.get_status_display()})
    return redirect("sellercenter:ads_auto", plan_id=plan.pk)


urlpatterns = [
    path("auto/new/", auto_create_view, name="ads_auto_create"),
    path("auto/<int:plan_id>/", auto_detail_view, name="ads_auto"),
    path("auto/<int:plan_id>/edit/", auto_edit_view, name="ads_auto_edit"),
    path("auto/<int:plan_id>/status/", auto_status_view, name="ads_auto_status"),
]
