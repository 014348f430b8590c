"""数据中心 · 客户分析 and 人群包: RFM segments with a drill-down, 复购率 and monthly cohorts; crowd packs saved from
a segment or from the repurchasers / one-time buyers, refreshed, deleted, and given one of the shop's running
coupons.

Reads go through `insights.customers`, writes through `insights.crowds`, always with `request.shop`: another
shop's pack id is a 404 page. Issuing a coupon also needs the marketing permission. Bad input is shown on the
form (4xx) and changes nothing.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound, PermissionDenied
from wanshang.common.web import form_errors, message_errors
from wanshang.insights.selectors import (
    buyer_logins,
    cohort_months_check,
    cohorts,
    crowd_pack_built_at,
    crowd_pack_get,
    crowd_packs,
    repurchase,
    rfm_compute,
    rfm_segment_buyers,
    rfm_segment_rows,
    rule_label,
    segment_check,
    window_check,
)
from wanshang.insights.services import (
    crowd_pack_create,
    crowd_pack_delete,
    crowd_pack_issue_coupon,
    crowd_pack_refresh,
)
from wanshang.insights.types import (
    COHORT_MONTHS,
    COHORT_OFFSETS,
    COHORT_RULE,
    DEFAULT_WINDOW,
    HIGH_RULE,
    R_RULE,
    SCORE_RULE,
    SEGMENTS,
    SOURCE_ONE_TIME,
    SOURCE_REPURCHASERS,
    SOURCE_RFM,
    SOURCES,
    WINDOWS,
)
from wanshang.marketing.selectors import coupon_label, promotion_list
from wanshang.marketing.types import Kind
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import can, forbidden, seller_render, seller_view

BUYERS_PER_PAGE = 50


def pct(rate, digits: int = 1) -> str:
    return "—" if rate is None else f"{rate * 100:.{digits}f}%"


def heat_style(rate) -> str:
    """A cohort cell's background: deeper red for a higher share."""
    if rate is None:
        return ""
    alpha = 0.06 + 0.9 * min(1.0, rate)
    return f"background: rgba(226, 35, 26, {alpha:.2f}); color: {'#fff' if alpha > 0.5 else 'inherit'};"


class CrowdPackForm(forms.Form):
    """Save a crowd: name, where it comes from (an RFM segment / repurchasers / one-time buyers) and the window."""

    name = forms.CharField(
        label=_("人群包名称"),
        max_length=40,
        error_messages={"required": _("请填写人群包名称"), "max_length": _("人群包名称最多 40 个字")},
    )
    source = forms.ChoiceField(
        label=_("人群来源"),
        choices=list(SOURCES.items()),
        error_messages={"required": _("请选择人群来源"), "invalid_choice": _("请选择人群来源")},
    )
    segment = forms.ChoiceField(
        label=_("RFM 分群"),
        required=False,
        choices=[("", _("（来源为 RFM 分群时选择）"))] + [(s.code, s.name) for s in SEGMENTS],
        error_messages={"invalid_choice": _("未知的客户分群")},
    )
    window_days = forms.TypedChoiceField(
        label=_("统计窗口"),
        coerce=int,
        initial=DEFAULT_WINDOW,
        choices=[(w, format_lazy(_("近 {} 天"), w)) for w in WINDOWS],
        error_messages={
            "invalid_choice": _("统计窗口只能是 90 / 180 / 365 天"),
            "required": _("请选择统计窗口"),
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("source") == SOURCE_RFM and not data.get("segment"):
            self.add_error("segment", _("请选择 RFM 分群"))
        return data


class CrowdCouponForm(forms.Form):
    """定向发放 to a pack: one of the shop's running coupons."""

    promotion_id = forms.TypedChoiceField(
        label=_("优惠券"),
        coerce=int,
        error_messages={
            "required": _("请选择一张进行中的优惠券"),
            "invalid_choice": _("请选择一张进行中的优惠券"),
        },
    )

    def __init__(self, *args, coupons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promotion_id"].choices = [("", _("请选择优惠券"))] + [
            (c["id"], c["label"]) for c in coupons
        ]


def running_coupons(shop) -> list[dict]:
    """The shop's running coupons, as the 定向发放 list shows them: name, rule, how many are left."""
    out = []
    for promo in promotion_list(shop=shop, kind=Kind.COUPON, phase="running"):
        left = (
            gettext("剩余 %(n)s 张") % {"n": promo.total_quantity - promo.issued_count}
            if promo.total_quantity
            else gettext("不限量")
        )
        out.append({"id": promo.pk, "label": f"{promo.name}（{coupon_label(promo)}，{left}）"})
    return out


# --- 客户分析 ----------------------------------------------------------------------------------------------------


def _rfm_chart(rows: list[dict]) -> dict:
    return {
        "codes": [r["code"] for r in rows],
        "option": {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 48, "right": 24, "top": 24, "bottom": 40},
            "xAxis": {"type": "category", "data": [r["name"] for r in rows], "axisLabel": {"interval": 0}},
            "yAxis": {"type": "value", "name": gettext("买家数"), "minInterval": 1},
            "series": [
                {
                    "name": gettext("买家数"),
                    "type": "bar",
                    "data": [r["buyers"] for r in rows],
                    "itemStyle": {"color": "#e2231a"},
                    "label": {"show": True, "position": "top"},
                }
            ],
        },
    }


@seller_view(P.DATA_VIEW)
def data_customers(request):
    """RFM segments over the chosen window, a segment's buyers, 复购率 and the cohort table."""
    window = window_check(request.GET.get("window"))
    months = cohort_months_check(request.GET.get("months"))
    segment = segment_check(request.GET["segment"]) if request.GET.get("segment") else None
    now = timezone.now()
    rfm = rfm_compute(shop=request.shop, window_days=window, now=now)
    rows = rfm_segment_rows(rfm)
    for row in rows:
        row["share_text"] = pct(row["share"])
    page = None
    if segment is not None:
        page = Paginator(rfm_segment_buyers(rfm, segment), BUYERS_PER_PAGE).get_page(request.GET.get("page"))
    rep = repurchase(shop=request.shop, window_days=window, now=now, rfm=rfm)
    table = cohorts(shop=request.shop, months=months, now=now)
    for row in table:
        for cell in row["cells"]:
            cell["text"] = pct(cell["rate"]) if cell["buyers"] is not None else ""
            cell["style"] = heat_style(cell["rate"])
    return seller_render(
        request,
        "sellercenter/datacenter/customers.html",
        {
            "window": window,
            "windows": WINDOWS,
            "months": months,
            "month_choices": COHORT_MONTHS,
            "rfm": rfm,
            "rows": rows,
            "means": rfm.means,
            "segment": segment,
            "page": page,
            "score_rule": SCORE_RULE,
            "high_rule": HIGH_RULE,
            "r_rule": R_RULE,
            "chart": _rfm_chart(rows),
            "repurchase": rep,
            "repurchase_rate": pct(rep["rate"]),
            "cohorts": table,
            "offsets": range(COHORT_OFFSETS),
            "cohort_rule": COHORT_RULE,
            "sources": {"rfm": SOURCE_RFM, "repurchasers": SOURCE_REPURCHASERS, "one_time": SOURCE_ONE_TIME},
        },
        active="data_customers",
    )


# --- 人群包 ------------------------------------------------------------------------------------------------------


def _crowds_page(request, form=None, *, status=200):
    packs = [
        {"pack": p, "rule": rule_label(p.rule), "built_at": crowd_pack_built_at(p)}
        for p in crowd_packs(shop=request.shop)
    ]
    return seller_render(
        request,
        "sellercenter/datacenter/crowds.html",
        {
            "packs": packs,
            "form": form or CrowdPackForm(initial={"window_days": DEFAULT_WINDOW}),
        },
        status=status,
        active="data_crowds",
    )


@seller_view(P.DATA_VIEW)
def data_crowds(request):
    return _crowds_page(request)


@require_POST
@seller_view(P.DATA_VIEW)
def data_crowd_create(request):
    form = CrowdPackForm(request.POST)
    if not form.is_valid():
        return _crowds_page(request, form, status=400)
    data = form.cleaned_data
    with form_errors(form) as outcome:
        pack = crowd_pack_create(
            shop=request.shop,
            actor=request.user,
            name=data["name"],
            source=data["source"],
            segment=data.get("segment") or None,
            window_days=data["window_days"],
        )
        messages.success(
            request, gettext("人群包“%(name)s”已保存，共 %(n)s 位买家") % {"name": pack.name, "n": pack.size}
        )
        return redirect("sellercenter:data_crowd_detail", pack_id=pack.pk)
    return _crowds_page(request, form, status=outcome.status)


def _crowd_page(request, pack, *, coupon_form=None, status=200):
    may_issue = can(request.staff, P.MARKETING)
    coupons = running_coupons(request.shop) if may_issue else []
    page = Paginator(list(pack.buyer_ids), BUYERS_PER_PAGE).get_page(request.GET.get("page"))
    logins = buyer_logins(ids=list(page))
    return seller_render(
        request,
        "sellercenter/datacenter/crowds_detail.html",
        {
            "pack": pack,
            "rule": rule_label(pack.rule),
            "built_at": crowd_pack_built_at(pack),
            "page": page,
            "buyers": [{"id": i, "login": logins.get(i, gettext("（账号已注销）"))} for i in page],
            "may_issue": may_issue,
            "coupons": coupons,
            "coupon_form": coupon_form or CrowdCouponForm(coupons=coupons),
        },
        status=status,
        active="data_crowds",
    )


@seller_view(P.DATA_VIEW)
def data_crowd_detail(request, pack_id: int):
    return _crowd_page(request, crowd_pack_get(shop=request.shop, pack_id=pack_id))


@require_POST
@seller_view(P.DATA_VIEW)
def data_crowd_refresh(request, pack_id: int):
    pack = crowd_pack_get(shop=request.shop, pack_id=pack_id)
    with message_errors(
        request, text=lambda exc: gettext("未更新：%(msg)s") % {"msg": exc.message}, passthrough=NotFound
    ):
        pack = crowd_pack_refresh(shop=request.shop, pack_id=pack.pk)
        messages.success(request, gettext("已按规则重新计算，现有 %(n)s 位买家") % {"n": pack.size})
    return redirect("sellercenter:data_crowd_detail", pack_id=pack.pk)


@require_POST
@seller_view(P.DATA_VIEW)
def data_crowd_delete(request, pack_id: int):
    pack = crowd_pack_get(shop=request.shop, pack_id=pack_id)
    crowd_pack_delete(shop=request.shop, pack_id=pack.pk)
    messages.success(request, gettext("人群包“%(name)s”已删除") % {"name": pack.name})
    return redirect("sellercenter:data_crowds")


@require_POST
@seller_view(P.DATA_VIEW)
def data_crowd_issue(request, pack_id: int):
    """Issue a running coupon to everyone in the pack: needs the marketing permission as well."""
    try:
        staff_require(user=request.user, perm=P.MARKETING)
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    pack = crowd_pack_get(shop=request.shop, pack_id=pack_id)
    coupons = running_coupons(request.shop)
    form = CrowdCouponForm(request.POST, coupons=coupons)
    if not form.is_valid():
        return _crowd_page(request, pack, coupon_form=form, status=400)
    with form_errors(form) as outcome:
        result = crowd_pack_issue_coupon(
            shop=request.shop,
            actor=request.user,
            pack_id=pack.pk,
            promotion_id=form.cleaned_data["promotion_id"],
        )
        text = gettext("“%(coupon)s”已发放 %(n)s 张") % {
            "coupon": result["promotion_name"],
            "n": result["issued"],
        }
        if result["at_limit"]:
            text += gettext("，%(n)s 位买家已达每人限领数，已跳过") % {"n": result["at_limit"]}
        if result["inactive"]:
            text += gettext("，%(n)s 位买家账号已注销，已跳过") % {"n": result["inactive"]}
        messages.success(request, text)
        return redirect(reverse("sellercenter:data_crowd_detail", args=[pack.pk]))
    return _crowd_page(request, pack, coupon_form=form, status=outcome.status)


urlpatterns = [
    path("customers/", data_customers, name="data_customers"),
    path("crowds/", data_crowds, name="data_crowds"),
    path("crowds/new/", data_crowd_create, name="data_crowd_create"),
    path("crowds/<int:pack_id>/", data_crowd_detail, name="data_crowd_detail"),
    path("crowds/<int:pack_id>/refresh/", data_crowd_refresh, name="data_crowd_refresh"),
    path("crowds/<int:pack_id>/delete/", data_crowd_delete, name="data_crowd_delete"),
    path("crowds/<int:pack_id>/issue/", data_crowd_issue, name="data_crowd_issue"),
]
