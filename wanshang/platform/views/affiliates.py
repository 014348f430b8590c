"""淘宝客 on the platform: promoter applications (approve, or reject with a reason), withdrawals (pay, or reject
with a reason) and the program's figures. A refused decision re-renders the queue with the error's 4xx."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.affiliates import selectors as aff
from wanshang.affiliates.services import promoter_review, withdrawal_review
from wanshang.common.errors import DomainError
from wanshang.platform.access import operator_view


def _tab(request, choices, default="pending") -> str:
    tab = request.GET.get("status", default)
    return tab if tab in choices or tab == "all" else default


def _promoters_page(request, *, status: int = 200):
    tab = _tab(request, aff.PROMOTER_STATUS_LABELS)
    rows = aff.platform_promoters(status="" if tab == "all" else tab)
    return render(
        request,
        "platform/affiliates/promoters.html",
        {
            "nav": "affiliates",
            "tab": tab,
            "labels": aff.PROMOTER_STATUS_LABELS,
            "page": Paginator(rows, 20).get_page(request.GET.get("page")),
            "figures": aff.platform_figures(),
            "conf": aff.settings_view(),
        },
        status=status,
    )


@operator_view
def affiliate_promoters(request):
    return _promoters_page(request)


@operator_view
@require_POST
def affiliate_promoter_review(request, promoter_id: int):
    approve = request.POST.get("decision") == "approve"
    try:
        promoter_review(
            operator=request.user,
            promoter_id=promoter_id,
            approve=approve,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _promoters_page(request, status=exc.status_code)
    messages.success(request, _("已通过达人申请") if approve else _("已驳回达人申请"))
    return redirect("platform:affiliate_promoters")


def _withdrawals_page(request, *, status: int = 200):
    tab = _tab(request, aff.WITHDRAWAL_STATUS_LABELS)
    rows = aff.platform_withdrawals(status="" if tab == "all" else tab)
    return render(
        request,
        "platform/affiliates/withdrawals.html",
        {
            "nav": "affiliates",
            "tab": tab,
            "labels": aff.WITHDRAWAL_STATUS_LABELS,
            "page": Paginator(rows, 20).get_page(request.GET.get("page")),
        },
        status=status,
    )


@operator_view
def affiliate_withdrawals(request):
    return _withdrawals_page(request)


@operator_view
@require_POST
def affiliate_withdrawal_review(request, withdrawal_id: int):
    approve = request.POST.get("decision") == "approve"
    try:
        withdrawal_review(
            operator=request.user,
            withdrawal_id=withdrawal_id,
            approve=approve,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _withdrawals_page(request, status=exc.status_code)
    messages.success(request, _("已打款") if approve else _("已驳回提现申请"))
    return redirect("platform:affiliate_withdrawals")
