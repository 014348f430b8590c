"""评价审核: the moderation queue — merchants' reports (hide the review or reject, with a reason) and edited
reviews waiting to be shown again (approve, or hide with a reason)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound
from wanshang.common.web import message_errors
from wanshang.platform.access import operator_view
from wanshang.reviews.selectors import decorate, moderation_counts, moderation_edited, moderation_reports
from wanshang.reviews.services import report_decide, review_moderate

TABS = [("reports", _("待处理举报")), ("edited", _("修改待审")), ("decided", _("已处理举报"))]


@operator_view
def review_queue(request):
    tab = request.GET.get("tab", "reports")
    tab = tab if tab in dict(TABS) else "reports"
    if tab == "edited":
        rows = moderation_edited()
    else:
        rows = moderation_reports(status="pending" if tab == "reports" else "")
        if tab == "decided":
            rows = rows.exclude(status="pending")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    items = list(page.object_list)
    decorate(items if tab == "edited" else [r.review for r in items])
    return render(
        request,
        "platform/reviews.html",
        {
            "nav": "reviews",
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "items": items,
            "counts": moderation_counts(),
        },
    )


def _note(request) -> str:
    return (request.POST.get("note") or "").strip()


@operator_view
@require_POST
def report_decide_view(request, report_id):
    approve = request.POST.get("decision") == "hide"
    with message_errors(request, passthrough=NotFound):
        report_decide(operator=request.user, report_id=report_id, approve=approve, note=_note(request))
        messages.success(request, _("已隐藏该评价") if approve else _("已驳回举报，评价保留"))
    return redirect("platform:reviews")


@operator_view
@require_POST
def review_moderate_view(request, review_id):
    approve = request.POST.get("decision") == "approve"
    with message_errors(request, passthrough=NotFound):
        review_moderate(operator=request.user, review_id=review_id, approve=approve, note=_note(request))
        messages.success(request, _("评价已重新展示") if approve else _("已隐藏该评价"))
    return redirect(reverse("platform:reviews") + "?tab=edited")
