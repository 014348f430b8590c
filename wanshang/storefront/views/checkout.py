"""Checkout (order confirmation) and the cashier (收银台): pick a gateway, pay, see the result."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.accounts.selectors import address_list
from wanshang.catalog.selectors import return_policies
from wanshang.checkout.services import checkout_preview, checkout_submit, selected_cart_items
from wanshang.common.errors import DomainError, NotFound
from wanshang.common.web import error_page, message_errors
from wanshang.payments.selectors import available_gateways, payment_get_for_buyer
from wanshang.payments.services import payment_start, sandbox_pay
from wanshang.pricing.types import PricingOptions
from wanshang.storefront.forms import CheckoutForm, GatewayForm, format_items, format_pickup, parse_pickup
from wanshang.storefront.promo_display import parse_ids
from wanshang.storefront.views._common import buyer_required, int_or_none, is_htmx
from wanshang.stores.selectors import pickup_stores


def _options_from_query(request) -> PricingOptions:
    """The buyer's coupon and points choice on the page: `pick=1` with the ticked `coupon`s (possibly none);
    without `pick` the engine chooses the best coupons. `points=1` uses points."""
    coupon_ids = None
    if request.GET.get("pick") == "1":
        try:
            coupon_ids = parse_ids(",".join(request.GET.getlist("coupon")))
        except ValueError:
            coupon_ids = None
    return PricingOptions(coupon_ids=coupon_ids, use_points=request.GET.get("points") == "1")


def _pickup_from_query(request) -> dict[int, int]:
    try:
        return parse_pickup(request.GET.get("pickup", ""))
    except ValueError:
        return {}


def _delivery_choices(cart, pickup: dict) -> None:
    """Per shop group: 快递配送 or 到店自提 at one of the shop's pickup stores, each a link that reloads the page
    with that choice (`group.delivery`: [{label, store, param, chosen}]); `group.pickup_store` the chosen one."""
    stores = pickup_stores(shop_ids=[g.shop.pk for g in cart.groups])
    for group in cart.groups:
        sid = group.shop.pk
        group.pickup_store = next((s for s in stores.get(sid, []) if pickup.get(sid) == s.pk), None)
        others = {k: v for k, v in pickup.items() if k != sid}
        group.delivery = [
            {"store": None, "param": format_pickup(others), "chosen": group.pickup_store is None}
        ]
        group.delivery += [
            {"store": s, "param": format_pickup({**others, sid: s.pk}), "chosen": group.pickup_store == s}
            for s in stores.get(sid, [])
        ]


def _render(
    request,
    *,
    mode: str,
    items,
    address_id=None,
    key: str | None = None,
    note: str = "",
    error: str | None = None,
    options: PricingOptions | None = None,
    status: int = 200,
    pickup: dict | None = None,
):
    options = options or PricingOptions()
    pickup = pickup or {}
    try:
        cart, address = checkout_preview(
            user=request.user, items=items, address_id=address_id, options=options, pickup=pickup
        )
    except DomainError as exc:
        if exc.field == "pickup" and pickup:  # a store that closed pickup meanwhile: show delivery instead
            return _render(
                request,
                mode=mode,
                items=items,
                address_id=address_id,
                key=key,
                note=note,
                error=exc.message,
                options=options,
                status=exc.status_code,
            )
        if mode == "cart" and not isinstance(exc, NotFound):
            messages.error(request, exc.message)
            return redirect("storefront:cart")
        return error_page(request, exc)
    form = CheckoutForm(
        initial={
            "mode": mode,
            "items": format_items((line.sku_id, line.quantity) for line in cart.lines),
            "address_id": address.pk if address else "",
            "buyer_note": note,
            "idempotency_key": key or uuid.uuid4().hex,
            "expected_payable_fen": cart.payable_fen,
            # what was applied, not what was asked: the order is priced with exactly these (engine re-checks them)
            "coupon_ids": ",".join(str(v.coupon.pk) for v in cart.coupons if v.chosen),
            "use_points": bool(cart.points_used),
            "pickup": format_pickup(pickup),
        }
    )
    _delivery_choices(cart, pickup)
    policies = return_policies(products={line.product.pk: line.product for line in cart.lines}.values())
    for line in cart.lines:  # 7天无理由 on each line; the products the buyer must confirm below the lines
        line.product.return_policy = policies[line.product.pk]
    to_confirm = [
        p
        for p in {line.product.pk: line.product for line in cart.valid_lines}.values()
        if p.return_policy.needs_confirm
    ]
    # the coupon/points form reloads this page: it carries what the page is about (a direct buy, the address)
    keep = [("sku", items[0][0]), ("qty", items[0][1])] if mode == "direct" and items else []
    if address:
        keep.append(("address", address.pk))
    if pickup:
        keep.append(("pickup", format_pickup(pickup)))
    return render(
        request,
        "storefront/checkout.html",
        {
            "cart": cart,
            "address": address,
            "addresses": address_list(user=request.user),
            "form": form,
            "mode": mode,
            "error": error,
            "can_submit": bool(address) and bool(cart.valid_lines) and not cart.problems,
            "back_url": request.get_full_path(),
            "keep_params": keep,
            "options": options,
            "chosen_ids": {v.coupon.pk for v in cart.coupons if v.chosen},
            "to_confirm": to_confirm,
            "points_value_fen": next((a.amount_fen for a in cart.adjustments if a.code == "points"), 0),
            "all_pickup": bool(cart.groups) and all(g.pickup_store for g in cart.groups),
        },
        status=status,
    )


@buyer_required
def checkout(request):
    if request.method == "POST":
        return _submit(request)
    address_id = int_or_none(request.GET.get("address"))
    options = _options_from_query(request)
    pickup = _pickup_from_query(request)
    if "sku" in request.GET:
        return _render(
            request,
            mode="direct",
            items=[(request.GET.get("sku"), request.GET.get("qty") or 1)],
            address_id=address_id,
            options=options,
            pickup=pickup,
        )
    items = selected_cart_items(user=request.user)
    if not items:
        messages.error(request, _("请先在购物车中选择要结算的商品"))
        return redirect("storefront:cart")
    return _render(request, mode="cart", items=items, address_id=address_id, options=options, pickup=pickup)


def _submit(request):
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        if "items" in form.errors or "mode" in form.errors:
            messages.error(request, _("结算信息已失效，请重新结算"))
            return redirect("storefront:cart")
        mode = form.cleaned_data["mode"]
        message = "；".join(e for errors in form.errors.values() for e in errors)
        return _render(
            request,
            mode=mode,
            items=form.cleaned_data["items"],
            address_id=int_or_none(request.POST.get("address_id")),
            error=message,
            note=request.POST.get("buyer_note", "")[:200],
        )
    data = form.cleaned_data
    options = PricingOptions(coupon_ids=data["coupon_ids"], use_points=data["use_points"])
    try:
        payment = checkout_submit(
            user=request.user,
            items=data["items"],
            address_id=data["address_id"],
            idempotency_key=data["idempotency_key"],
            buyer_note=data["buyer_note"],
            expected_payable_fen=data["expected_payable_fen"],
            from_cart=data["mode"] == "cart",
            options=options,
            confirm_no_return=data["confirm_no_return"],
            pickup=data["pickup"],
        )
    except DomainError as exc:
        return _render(
            request,
            mode=data["mode"],
            items=data["items"],
            address_id=data["address_id"],
            key=data["idempotency_key"],
            note=data["buyer_note"],
            error=exc.message,
            options=options,
            status=exc.status_code,
            pickup=data["pickup"] if exc.field != "pickup" else {},
        )
    return redirect("storefront:cashier", payment_no=payment.no)


# --- cashier ---------------------------------------------------------------------------------------------------


def _payment(request, payment_no):
    return payment_get_for_buyer(buyer=request.user, payment_no=payment_no)


@buyer_required
def cashier(request, payment_no):
    payment = _payment(request, payment_no)
    if payment.status == "paid":
        return redirect("storefront:pay_done", payment_no=payment.no)
    orders = list(payment.orders.all())
    pending = [o.pay_deadline for o in orders if o.status == "pending_payment"]
    return render(
        request,
        "storefront/cashier.html",
        {
            "payment": payment,
            "orders": orders,
            "deadline": min(pending) if pending else None,
            "gateways": available_gateways(),
            "payable": payment.status == "pending" and bool(pending),
        },
    )


@buyer_required
@require_POST
def pay_sandbox(request, payment_no):
    with message_errors(request, passthrough=NotFound):
        sandbox_pay(buyer=request.user, payment_no=payment_no)
        return redirect("storefront:pay_done", payment_no=payment_no)
    return redirect("storefront:cashier", payment_no=payment_no)


@buyer_required
@require_POST
def pay_start(request, payment_no):
    form = GatewayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择支付方式"))
        return redirect("storefront:cashier", payment_no=payment_no)
    code = form.cleaned_data["gateway"]
    with message_errors(request, passthrough=NotFound) as outcome:
        action = payment_start(
            buyer=request.user,
            payment_no=payment_no,
            gateway_code=code,
            return_url=request.build_absolute_uri(reverse("storefront:pay_done", args=[payment_no])),
            notify_url=request.build_absolute_uri(reverse("api:notify", kwargs={"gateway": code})),
        )
    if outcome.failed:
        return redirect("storefront:cashier", payment_no=payment_no)
    if action.kind == "redirect" and action.url:
        return redirect(action.url)
    if action.kind == "qrcode":
        payment = _payment(request, payment_no)
        return render(
            request, "storefront/pay_qrcode.html", {"payment": payment, "action": action, "gateway": code}
        )
    messages.info(request, _("请在收银台点击“确认支付（沙箱）”完成支付"))
    return redirect("storefront:cashier", payment_no=payment_no)


@buyer_required
def pay_status(request, payment_no):
    """Polled by the cashier (htmx): sends the browser to the result page once the payment is in."""
    try:
        payment = _payment(request, payment_no)
    except DomainError:
        return HttpResponse(status=404)
    if payment.status == "pending":
        return HttpResponse(status=204)
    response = HttpResponse(status=204)
    target = reverse("storefront:pay_done", args=[payment.no])
    if is_htmx(request):
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@buyer_required
def pay_done(request, payment_no):
    payment = _payment(request, payment_no)
    return render(
        request, "storefront/pay_done.html", {"payment": payment, "orders": list(payment.orders.all())}
    )
