"""图片巡查: cross-shop near-duplicate pictures (possible stolen pictures: dismiss as not stolen, or open a
case with a note) and the shops' logo/portrait declarations to review (docs/image-checks.md)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.catalog.selectors import products_using_assets
from wanshang.common.errors import NotFound
from wanshang.common.web import message_errors
from wanshang.media.selectors import (
    DECLARATION_STATUSES,
    DUPLICATE_STATUSES,
    declaration_file,
    declaration_get,
    duplicate_pairs,
    open_duplicate_count,
    pending_declaration_count,
    platform_declarations,
)
from wanshang.media.services import declaration_review, duplicate_decide
from wanshang.platform.access import operator_view


def _status(request, choices, default: str) -> str:
    value = request.GET.get("status", default)
    return value if value in dict(choices) or value == "" else default


@operator_view
def duplicate_index(request):
    status = _status(request, DUPLICATE_STATUSES, "open")
    page = Paginator(duplicate_pairs(status=status), 20).get_page(request.GET.get("page"))
    pairs = list(page.object_list)
    users = products_using_assets(asset_ids={a for p in pairs for a in (p.original_id, p.copy_id)})
    for pair in pairs:
        pair.original_products = users.get(pair.original_id, [])
        pair.copy_products = users.get(pair.copy_id, [])
    return render(
        request,
        "platform/image_duplicates.html",
        {
            "nav": "images",
            "page": page,
            "pairs": pairs,
            "status": status,
            "statuses": DUPLICATE_STATUSES,
            "open_count": open_duplicate_count(),
            "pending_count": pending_declaration_count(),
        },
    )


@operator_view
@require_POST
def duplicate_decide_view(request, duplicate_id):
    decision = request.POST.get("decision") or ""
    with message_errors(request, passthrough=NotFound):
        duplicate_decide(
            operator=request.user,
            duplicate_id=duplicate_id,
            decision=decision,
            note=request.POST.get("note") or "",
        )
        messages.success(request, _("已立案") if decision == "case" else _("已标记为非盗图"))
    return redirect("platform:image_duplicates")


@operator_view
def declaration_index(request):
    status = _status(request, DECLARATION_STATUSES, "pending")
    page = Paginator(platform_declarations(status=status), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "platform/image_declarations.html",
        {
            "nav": "images",
            "page": page,
            "status": status,
            "statuses": DECLARATION_STATUSES,
            "open_count": open_duplicate_count(),
            "pending_count": pending_declaration_count(),
        },
    )


@operator_view
@require_POST
def declaration_review_view(request, declaration_id):
    approve = request.POST.get("decision") == "approve"
    with message_errors(request, passthrough=NotFound):
        declaration_review(
            operator=request.user,
            declaration_id=declaration_id,
            approve=approve,
            reason=request.POST.get("reason") or "",
        )
        messages.success(request, _("授权已通过") if approve else _("授权已驳回，店铺会看到驳回原因"))
    return redirect(reverse("platform:image_declarations"))


@operator_view
def declaration_file_view(request, declaration_id):
    declaration = declaration_get(shop=None, declaration_id=declaration_id)
    return FileResponse(
        declaration_file(declaration=declaration),
        content_type=declaration.file_type,
        filename=declaration.file_name,
    )
