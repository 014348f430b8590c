"""评价管理: the shop's reviews with filters, one reply per review and per 追评, a report to the platform with a
reason; the DSR card against the category with its trend."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound
from wanshang.common.web import message_errors
from wanshang.faces_common import charts
from wanshang.merchants import permissions as P
from wanshang.reviews.selectors import (
    REPORT_LABELS,
    SELLER_FILTERS,
    decorate,
    open_report,
    seller_review_list,
    shop_dsr,
    shop_dsr_trend,
)
from wanshang.reviews.services import review_reply, review_report
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.forms import ReviewReplyForm, ReviewReportForm


def dsr_board(shop, *, days: int = 30) -> dict:
    """The DSR card and its trend chart (评价管理 and 数据中心 · 服务评价 show the same)."""
    trend = shop_dsr_trend(shop=shop, days=days)
    return {"dsr": shop_dsr(shop_id=shop.pk), "dsr_chart": charts.dsr_trend(trend) if trend else None}


@seller_view(P.REVIEW_HANDLE)
def review_list(request):
    kind = request.GET.get("kind") or "all"
    kind = kind if kind in SELLER_FILTERS else "all"
    q = (request.GET.get("q") or "").strip()[:60]
    page = Paginator(seller_review_list(shop=request.shop, kind=kind, q=q), 20).get_page(
        request.GET.get("page")
    )
    reviews = decorate(page.object_list)
    for r in reviews:
        r.open_report = open_report(r)
        r.last_report = next(iter(r.reports.all()), None)
    return seller_render(
        request,
        "sellercenter/reviews/list.html",
        {
            "page": page,
            "reviews": reviews,
            "kind": kind,
            "q": q,
            "tabs": [(key, _(label)) for key, (label, _c) in SELLER_FILTERS.items()],
            "reply_form": ReviewReplyForm(),
            "report_form": ReviewReportForm(),
            "report_labels": REPORT_LABELS,
            **dsr_board(request.shop),
        },
        active="reviews",
    )


@require_POST
@seller_view(P.REVIEW_HANDLE)
def review_reply_view(request, review_id: int):
    form = ReviewReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("sellercenter:review_list")
    with message_errors(request, passthrough=NotFound):
        review_reply(
            shop=request.shop,
            actor=request.user,
            review_id=review_id,
            text=form.cleaned_data["text"],
            followup=form.cleaned_data["followup"],
        )
        messages.success(request, _("回复已发布"))
    return redirect("sellercenter:review_list")


@require_POST
@seller_view(P.REVIEW_HANDLE)
def review_report_view(request, review_id: int):
    form = ReviewReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("sellercenter:review_list")
    with message_errors(request, passthrough=NotFound):
        review_report(
            shop=request.shop, actor=request.user, review_id=review_id, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("已提交举报，平台审核后处理"))
    return redirect("sellercenter:review_list")
