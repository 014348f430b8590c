"""淘宝客 on the platform: promoter applications (approve, or reject with a reason), withdrawals (pay, or reject
with a reason) and the program's figures. A refused decision re-renders the queue with the error's 4xx."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.affiliates import selectors as aff
from wanshang.affiliates.services import promoter_review, withdrawal_review
from wanshang.common.errors import DomainError
from wanshang.platform.access import operator_view

# queue → (template, rows by status, status labels, review service and its id argument, messages, its page)
QUEUES = {
    "promoters": (
        "platform/affiliates/promoters.html",
        aff.platform_promoters,
        aff.PROMOTER_STATUS_LABELS,
        promoter_review,
        "promoter_id",
        (_("已通过达人申请"), _("已驳回达人申请")),
        "platform:affiliate_promoters",
    ),
    "withdrawals": (
        "platform/affiliates/withdrawals.html",
        aff.platform_withdrawals,
        aff.WITHDRAWAL_STATUS_LABELS,
        withdrawal_review,
        "withdrawal_id",
        (_("已打款"), _("已驳回提现申请")),
        "platform:affiliate_withdrawals",
    ),
}


def _queue(request, which: str, *, status: int = 200):
    template, rows_of, labels, *_rest = QUEUES[which]
    tab = request.GET.get("status", "pending")
    tab = tab if tab in labels or tab == "all" else "pending"
    context = {
        "nav": "affiliates",
        "tab": tab,
        "labels": labels,
        "page": Paginator(rows_of(status="" if tab == "all" else tab), 20).get_page(request.GET.get("page")),
    }
    if which == "promoters":
        context.update(figures=aff.platform_figures(), conf=aff.settings_view())
    return render(request, template, context, status=status)


def _review(request, which: str, pk: int):
    _template, _rows, _labels, review, id_arg, (done, refused), back = QUEUES[which]
    approve = request.POST.get("decision") == "approve"
    try:
        review(operator=request.user, approve=approve, reason=request.POST.get("reason", ""), **{id_arg: pk})
    except DomainError as exc:
        messages.error(request, exc.message)
        return _queue(request, which, status=exc.status_code)
    messages.success(request, done if approve else refused)
    return redirect(back)


@operator_view
def affiliate_promoters(request):
    return _queue(request, "promoters")


@operator_view
@require_POST
def affiliate_promoter_review(request, promoter_id: int):
    return _review(request, "promoters", promoter_id)


@operator_view
def affiliate_withdrawals(request):
    return _queue(request, "withdrawals")


@operator_view
@require_POST
def affiliate_withdrawal_review(request, withdrawal_id: int):
    return _review(request, "withdrawals", withdrawal_id)
