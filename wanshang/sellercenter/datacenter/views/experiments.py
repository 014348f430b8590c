"""数据中心 · A/B 实验: the shop's experiments (list, create/edit a draft with its variants, detail with the
results per variant and a chart, start and stop).

Reading needs the data permission, changing needs the marketing one. Everything goes through
`wanshang.insights.experiments` with `request.shop`: another shop's experiment id is a 404 page. Opening the
detail page of a running experiment below its planned sample counts as a peek (the service records it).
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wanshang.common.errors import DomainError, NotFound
from wanshang.common.money import fen_to_yuan_str
from wanshang.common.web import form_errors, message_errors
from wanshang.insights.selectors import (
    experiment_get,
    experiment_list,
    experiment_products,
    experiment_results_open,
)
from wanshang.insights.services import experiment_save, experiment_start, experiment_stop
from wanshang.insights.types import MAX_VARIANTS, ExperimentInput
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import can, seller_render, seller_view

STATUS_TABS = [
    ("", gettext_lazy("全部")),
    ("draft", gettext_lazy("草稿")),
    ("running", gettext_lazy("进行中")),
    ("stopped", gettext_lazy("已结束")),
]
STATUS_BADGES = {"draft": "badge-gray", "running": "badge-ok", "stopped": "badge-info"}
METRIC_CHOICES = [
    ("conversion", gettext_lazy("支付转化率")),
    ("revenue", gettext_lazy("UV价值（每访客支付金额）")),
]
VARIANT_FIELDS = ("key", "name", "weight", "title", "image")


# --- forms -----------------------------------------------------------------------------------------------------


def _id_list(text: str) -> list[int]:
    parts = [
        p.strip()
        for p in (text or "").replace("，", ",").replace("\n", ",").replace(" ", ",").split(",")
        if p.strip()
    ]
    bad = [p for p in parts if not p.isdigit()]
    if bad:
        raise forms.ValidationError(_("商品编号须为数字，“%(bad)s” 无效") % {"bad": bad[0]})
    return [int(p) for p in parts]


def _bps(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def _pct_text(bps: int) -> str:
    return f"{Decimal(bps) / 100:.2f}".rstrip("0").rstrip(".")


class ExperimentForm(forms.Form):
    """The experiment's own fields; the variant rows are parsed beside it (`variant_rows`)."""

    name = forms.CharField(label=gettext_lazy("实验名称"), max_length=60)
    key = forms.SlugField(
        label=gettext_lazy("实验标识"),
        max_length=40,
        help_text=gettext_lazy("字母、数字、短横线，如 title-0601；开始后参与分流计算，不能再改"),
    )
    metric = forms.ChoiceField(label=gettext_lazy("评估指标"), choices=METRIC_CHOICES, initial="conversion")
    product_ids = forms.CharField(
        label=gettext_lazy("参与实验的商品编号（逗号分隔）"),
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "10001, 10002"}),
        help_text=gettext_lazy("商品编号见“商品管理”；同一商品同时只能参加一个进行中的实验"),
    )
    baseline_pct = forms.DecimalField(
        label=gettext_lazy("当前支付转化率（%）"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("99.98"),
        initial=Decimal("3"),
    )
    mde_pct = forms.DecimalField(
        label=gettext_lazy("希望检测出的最小提升（百分点）"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("99.98"),
        initial=Decimal("0.5"),
        help_text=gettext_lazy("例如转化率 3% → 3.5% 填 0.5；提升越小，需要的访客越多"),
    )

    def clean_product_ids(self):
        return _id_list(self.cleaned_data["product_ids"])

    @staticmethod
    def initial_from(exp) -> dict:
        return {
            "name": exp.name,
            "key": exp.key,
            "metric": exp.metric,
            "product_ids": ", ".join(str(i) for i in exp.product_ids),
            "baseline_pct": _pct_text(exp.baseline_bps),
            "mde_pct": _pct_text(exp.mde_bps),
        }


def variant_rows(post) -> list[dict]:
    """The variant rows as typed (`variant_key`, `variant_name`, … lists); rows left empty are dropped."""
    columns = {f: post.getlist(f"variant_{f}") for f in VARIANT_FIELDS}
    rows = []
    for i in range(min(MAX_VARIANTS + 2, max((len(c) for c in columns.values()), default=0))):
        row = {f: (columns[f][i] if i < len(columns[f]) else "").strip() for f in VARIANT_FIELDS}
        if any(row.values()):
            rows.append(row)
    return rows


def _padded(rows: list[dict]) -> list[dict]:
    blank = {f: "" for f in VARIANT_FIELDS}
    return (rows + [blank] * MAX_VARIANTS)[: max(MAX_VARIANTS, len(rows))]


FORM_FIELDS = {"baseline_bps": "baseline_pct", "mde_bps": "mde_pct"}  # service field → form field


def _service_error(form, exc: DomainError) -> None:
    """A service's refusal on the form: on its field when the form has one, else above the form (variants)."""
    name = FORM_FIELDS.get(exc.field, exc.field)
    form.add_error(name if name in form.fields else None, exc.message)


NEW_VARIANTS = [
    {"key": "A", "name": gettext_lazy("对照组（原商品）"), "weight": "50", "title": "", "image": ""},
    {"key": "B", "name": gettext_lazy("新标题"), "weight": "50", "title": "", "image": ""},
]


def _form_page(request, exp=None):
    status = 200
    if request.method == "POST":
        form = ExperimentForm(request.POST)
        rows = variant_rows(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            data = ExperimentInput(
                key=d["key"],
                name=d["name"],
                metric=d["metric"],
                variants=rows,
                product_ids=d["product_ids"],
                baseline_bps=_bps(d["baseline_pct"]),
                mde_bps=_bps(d["mde_pct"]),
            )
            with form_errors(form, add=_service_error, passthrough=NotFound) as outcome:
                saved = experiment_save(shop=request.shop, data=data, experiment_id=exp.pk if exp else None)
                messages.success(
                    request,
                    _("实验“%(name)s”已保存，每组计划样本 %(n)s 名访客")
                    % {"name": saved.name, "n": saved.planned_per_arm},
                )
                return redirect("sellercenter:data_experiment_detail", experiment_id=saved.pk)
            status = outcome.status
        else:
            status = 400
    elif exp is not None:
        form, rows = (
            ExperimentForm(initial=ExperimentForm.initial_from(exp)),
            [{f: str(v.get(f, "")) for f in VARIANT_FIELDS} for v in exp.variants],
        )
    else:
        form, rows = ExperimentForm(), [dict(v) for v in NEW_VARIANTS]
    return seller_render(
        request,
        "sellercenter/datacenter/experiment_form.html",
        {
            "form": form,
            "exp": exp,
            "rows": _padded(rows),
        },
        status=status,
        active="data_experiments",
    )


# --- pages -----------------------------------------------------------------------------------------------------


@seller_view(P.DATA_VIEW)
def data_experiments(request):
    status = request.GET.get("status") or ""
    status = status if status in dict(STATUS_TABS) else ""
    rows = [
        {"exp": e, "badge": STATUS_BADGES[e.status]}
        for e in experiment_list(shop=request.shop, status=status or None)[:200]
    ]
    return seller_render(
        request,
        "sellercenter/datacenter/experiment_list.html",
        {
            "rows": rows,
            "tabs": STATUS_TABS,
            "status": status,
            "can_write": can(request.staff, P.MARKETING),
        },
        active="data_experiments",
    )


@seller_view(P.MARKETING)
def data_experiment_create(request):
    return _form_page(request)


@seller_view(P.MARKETING)
def data_experiment_edit(request, experiment_id: int):
    exp = experiment_get(shop=request.shop, experiment_id=experiment_id)
    if exp.status != "draft":
        messages.error(request, _("实验已开始，不能再修改；可以结束它后新建一个实验"))
        return redirect("sellercenter:data_experiment_detail", experiment_id=exp.pk)
    return _form_page(request, exp)


def _yuan(fen: float | None) -> str:
    if fen is None:
        return "—"
    return ("-" if fen < 0 else "") + "¥" + fen_to_yuan_str(abs(round(fen)))


def _signed_yuan(fen: float | None) -> str:
    return "—" if fen is None else ("+" if fen >= 0 else "-") + _yuan(abs(fen))


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"


def _pts(diff: float | None) -> str:
    return "—" if diff is None else f"{diff * 100:+.2f}"


def _p_value(p: float | None) -> str:
    if p is None:
        return "—"
    return "<0.0001" if p < 0.0001 else f"{p:.4f}"


def _verdict(arm, below_plan: bool) -> str:
    cmp = arm.vs_control
    if arm.is_control:
        return _("对照组")
    if cmp is None or cmp.p_value is None:
        return _("数据不足")
    if below_plan:
        return _("样本未达计划，暂不下结论")
    if not cmp.significant:
        return _("与对照无显著差异")
    return _("显著优于对照") if cmp.diff > 0 else _("显著差于对照")


def result_rows(results) -> list[dict]:
    """The results table as text: rates in %, differences in percentage points or yuan per visitor."""
    revenue = results.metric == "revenue"
    rows = []
    for arm in results.arms:
        cmp = arm.vs_control
        fmt, diff_fmt = (_yuan, _signed_yuan) if revenue else (_pct, _pts)
        rows.append(
            {
                "arm": arm,
                "rate": _pct(arm.rate),
                "revenue": _yuan(arm.revenue_fen),
                "value": _yuan(arm.value_fen),
                "metric": fmt(arm.value_fen if revenue else arm.rate),
                "ci": f"[{fmt(arm.ci[0])}, {fmt(arm.ci[1])}]" if arm.ci else "—",
                "diff": diff_fmt(cmp.diff) if cmp else "—",
                "diff_ci": f"[{diff_fmt(cmp.low)}, {diff_fmt(cmp.high)}]" if cmp else "—",
                "p_value": _p_value(cmp.p_value) if cmp else "—",
                "significant": bool(cmp and cmp.significant),
                "verdict": _verdict(arm, results.below_plan),
            }
        )
    return rows


def result_chart(results) -> dict:
    """ECharts option: the metric per variant as bars, its 95% interval as whiskers (a boxplot whose box is
    collapsed onto the value, so the option stays plain JSON for static/js/charts.js)."""
    revenue = results.metric == "revenue"

    def scale(v):
        return round(v / 100, 2) if revenue else round(v * 100, 3)

    names = [f"{a.key} {a.name}" for a in results.arms]
    values, whiskers = [], []
    for arm in results.arms:
        value = arm.value_fen if revenue else arm.rate
        values.append(scale(value) if value is not None else None)
        if arm.ci and value is not None:
            low, mid, high = scale(arm.ci[0]), scale(value), scale(arm.ci[1])
            whiskers.append([low, mid, mid, mid, high])
        else:
            whiskers.append([])
    unit = _("元/访客") if revenue else "%"
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 56, "right": 16, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value", "name": unit},
        "series": [
            {
                "name": _("UV价值") if revenue else _("支付转化率"),
                "type": "bar",
                "barMaxWidth": 56,
                "data": values,
                "label": {"show": True, "position": "insideTop"},
            },
            {
                "name": _("95% 置信区间"),
                "type": "boxplot",
                "boxWidth": [4, 8],
                "data": whiskers,
                "itemStyle": {"color": "#333", "borderColor": "#333"},
            },
        ],
    }


@seller_view(P.DATA_VIEW)
def data_experiment_detail(request, experiment_id: int):
    results = experiment_results_open(shop=request.shop, experiment_id=experiment_id)
    exp = results.experiment
    return seller_render(
        request,
        "sellercenter/datacenter/experiment_detail.html",
        {
            "exp": exp,
            "badge": STATUS_BADGES[exp.status],
            "results": results,
            "rows": result_rows(results),
            "warnings": results.warnings(),
            "products": experiment_products(shop=request.shop, experiment=exp),
            "chart": result_chart(results) if results.visitors else None,
            "baseline": _pct_text(exp.baseline_bps),
            "mde": _pct_text(exp.mde_bps),
            "can_write": can(request.staff, P.MARKETING),
        },
        active="data_experiments",
    )


def _transition(request, experiment_id: int, service, done: str):
    exp = experiment_get(shop=request.shop, experiment_id=experiment_id)  # another shop's id: 404
    with message_errors(
        request, text=lambda exc: _("操作未完成：%(reason)s") % {"reason": exc.message}, passthrough=NotFound
    ):
        service(shop=request.shop, experiment_id=exp.pk)
        messages.success(request, done % {"name": exp.name})
    return redirect(reverse("sellercenter:data_experiment_detail", args=[exp.pk]))


@require_POST
@seller_view(P.MARKETING)
def data_experiment_start(request, experiment_id: int):
    return _transition(request, experiment_id, experiment_start, _("实验“%(name)s”已开始，访客将按比例分流"))


@require_POST
@seller_view(P.MARKETING)
def data_experiment_stop(request, experiment_id: int):
    return _transition(request, experiment_id, experiment_stop, _("实验“%(name)s”已结束，前台恢复原商品"))


urlpatterns = [
    path("experiments/", data_experiments, name="data_experiments"),
    path("experiments/new/", data_experiment_create, name="data_experiment_create"),
    path("experiments/<int:experiment_id>/", data_experiment_detail, name="data_experiment_detail"),
    path("experiments/<int:experiment_id>/edit/", data_experiment_edit, name="data_experiment_edit"),
    path("experiments/<int:experiment_id>/start/", data_experiment_start, name="data_experiment_start"),
    path("experiments/<int:experiment_id>/stop/", data_experiment_stop, name="data_experiment_stop"),
]
