"""我的收藏: the 收藏 toggle of the product page (htmx) and the buyer's favourites list."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.catalog.selectors import favourite_list, paginate
from wanshang.catalog.services import favourite_add, favourite_remove
from wanshang.common.errors import DomainError
from wanshang.storefront.promo_display import card_overlay
from wanshang.storefront.views._common import buyer_required, int_or_none, is_htmx, safe_next

PER_PAGE = 40


@buyer_required
def my_favourites(request):
    page = paginate(favourite_list(user=request.user), page=request.GET.get("page"), per_page=PER_PAGE)
    favourites = list(page.object_list)
    return render(
        request,
        "storefront/my_favourites.html",
        {
            "page": page,
            "favourites": favourites,
            "card_overlay": card_overlay(
                buyer=request.user, products=[f.product for f in favourites if f.buyable]
            ),
        },
    )


@buyer_required
@require_POST
def favourite_toggle(request):
    """POST product_id and action=add|remove. htmx gets the button in its new state (and a toast); a card of
    the 我的收藏 list (`from=list`) is answered with nothing, so it disappears."""
    product_id = int_or_none(request.POST.get("product_id"))
    remove = request.POST.get("action") == "remove"
    error = None
    try:
        if remove:
            favourite_remove(user=request.user, product_id=product_id)
        else:
            favourite_add(user=request.user, product_id=product_id)
    except DomainError as exc:
        error = exc.message
    favourited = not remove if error is None else remove
    notice = _("已取消收藏") if remove else _("已加入收藏")
    if is_htmx(request):
        if remove and error is None and request.POST.get("from") == "list":
            return HttpResponse("")
        return render(
            request,
            "storefront/_favourite_button.html",
            {
                "product_id": product_id,
                "favourited": favourited,
                "error": error,
                "notice": notice,
                "toast": True,
                "next": request.POST.get("next", ""),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    default = (
        reverse("storefront:product", args=[product_id])
        if product_id and not remove
        else "storefront:my_favourites"
    )
    return redirect(safe_next(request, request.POST.get("next"), default=default))
