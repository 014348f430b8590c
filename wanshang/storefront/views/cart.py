"""The cart: one page grouped by shop; every change is a POST that answers htmx with the new cart body."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.checkout.selectors import cart_count, cart_items, cart_priced
from wanshang.checkout.services import cart_add as cart_add_service
from wanshang.checkout.services import cart_remove as cart_remove_service
from wanshang.checkout.services import cart_select as cart_select_service
from wanshang.checkout.services import cart_set_quantity
from wanshang.common.errors import DomainError
from wanshang.storefront.forms import CartAddForm, CartQuantityForm
from wanshang.storefront.views._common import buyer_required, int_or_none, is_htmx, safe_next


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return "输入有误"


def cart_context(user) -> dict:
    cart = cart_priced(user=user)
    chosen = [line for line in cart.valid_lines if line.selected]
    return {
        "cart": cart,
        "line_count": len(cart.lines),
        "selected_qty": sum(line.quantity for line in chosen),
        "selected_fen": sum(line.payable_fen for line in chosen),
        "all_selected": bool(cart.valid_lines) and len(chosen) == len(cart.valid_lines),
        "invalid_ids": [line.sku_id for line in cart.lines if not line.ok],
    }


@buyer_required
def cart(request):
    return render(request, "storefront/cart.html", cart_context(request.user))


def _answer(request, error: str | None = None, success: str | None = None):
    """htmx: the refreshed cart body (and header count); otherwise a redirect back to the cart."""
    if is_htmx(request):
        context = cart_context(request.user)
        context.update(error=error, success=success, oob_count=True)
        return render(request, "storefront/_cart_body.html", context)
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    return redirect("storefront:cart")


@buyer_required
@require_POST
def cart_add(request):
    form = CartAddForm(request.POST)
    error = None
    if form.is_valid():
        try:
            cart_add_service(
                user=request.user, sku_id=form.cleaned_data["sku_id"], quantity=form.cleaned_data["quantity"]
            )
        except DomainError as exc:
            error = exc.message
    else:
        error = _first_error(form)
    if is_htmx(request):
        return render(
            request,
            "storefront/_added.html",
            {
                "error": error,
                "cart_count": cart_count(user=request.user),
            },
        )
    if error:
        messages.error(request, error)
        return redirect(safe_next(request, request.POST.get("next"), default="storefront:cart"))
    messages.success(request, _("已加入购物车"))
    return redirect("storefront:cart")


@buyer_required
@require_POST
def cart_update(request):
    data = request.POST.copy()
    if data.get("set"):  # the − / + buttons carry the new quantity
        data["quantity"] = data["set"]
    form = CartQuantityForm(data)
    if not form.is_valid():
        return _answer(request, error=_first_error(form))
    try:
        cart_set_quantity(
            user=request.user, sku_id=form.cleaned_data["sku_id"], quantity=form.cleaned_data["quantity"]
        )
    except DomainError as exc:
        return _answer(request, error=exc.message)
    return _answer(request)


def _sku_ids(request) -> list[int]:
    if request.POST.get("all") == "1":
        return [item.sku_id for item in cart_items(user=request.user)]
    return [i for i in (int_or_none(v) for v in request.POST.getlist("sku_id")) if i]


@buyer_required
@require_POST
def cart_remove(request):
    ids = _sku_ids(request)
    if not ids:
        return _answer(request, error="请选择要删除的商品")
    removed = cart_remove_service(user=request.user, sku_ids=ids)
    return _answer(request, success=f"已删除 {removed} 件商品")


@buyer_required
@require_POST
def cart_select(request):
    ids = _sku_ids(request)
    cart_select_service(user=request.user, sku_ids=ids, selected=request.POST.get("selected") == "1")
    return _answer(request)
