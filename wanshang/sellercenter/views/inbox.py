"""消息中心: the shop's messages (its own and the platform's broadcasts) with filters by category and unread, mark
one read, open one (marked read, then to the page where the shop acts), mark all read. The bell in the header of
every seller page links here (its count: `access.seller_context`).

Everything reads and writes through the inbox's selectors and services with `request.shop`: another shop's
message id is a 404 page, a bad filter a 400 page.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.inbox.selectors import (
    KIND_LABELS,
    message_list,
    parse_unread,
    shown_all,
    unread_counts_by_kind,
)
from wanshang.inbox.services import message_mark_read, messages_mark_all_read
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.inbox_links import target_link


def _filters(request) -> tuple[str, bool | None]:
    return (request.GET.get("kind") or "").strip(), parse_unread(request.GET.get("unread"))


@seller_view(P.INBOX_READ)
def inbox_view(request):
    kind, unread = _filters(request)
    page = Paginator(message_list(shop=request.shop, kind=kind, unread=unread), 20).get_page(
        request.GET.get("page")
    )
    rows = shown_all(page.object_list)
    for row in rows:
        row.link, row.link_label = target_link(row)
    counts = unread_counts_by_kind(shop=request.shop)
    return seller_render(
        request,
        "sellercenter/inbox.html",
        {
            "page": page,
            "rows": rows,
            "kind": kind,
            "unread": unread,
            "kinds": [(value, label, counts.get(value, 0)) for value, label in KIND_LABELS.items()],
            "query": request.GET.urlencode(),
        },
        active="inbox",
    )


def _back(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("sellercenter:inbox")


@require_POST
@seller_view(P.INBOX_READ)
def inbox_read(request, message_id: int):
    message_mark_read(shop=request.shop, user=request.user, message_id=message_id)  # another shop's: 404
    return _back(request)


@require_POST
@seller_view(P.INBOX_READ)
def inbox_open(request, message_id: int):
    """Mark the message read and go to the page where the shop acts on it (the inbox when it leads nowhere)."""
    message = message_mark_read(shop=request.shop, user=request.user, message_id=message_id)
    link, _label = target_link(message)
    return redirect(link or reverse("sellercenter:inbox"))


@require_POST
@seller_view(P.INBOX_READ)
def inbox_read_all(request):
    kind = (request.POST.get("kind") or "").strip()
    marked = messages_mark_all_read(shop=request.shop, user=request.user, kind=kind)  # bad kind: 400
    messages.success(request, _("已将 %(n)s 条消息标为已读") % {"n": marked})
    return _back(request)
