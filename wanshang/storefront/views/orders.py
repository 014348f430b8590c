"""我的订单: the list with status tabs, the detail with its timeline, and the buyer's actions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.aftersales.selectors import order_cases, order_claimable, order_for_refund
from wanshang.aftersales.services import refund_request, refund_withdraw
from wanshang.common.errors import DomainError, NotFound
from wanshang.common.web import message_errors
from wanshang.fulfillment.selectors import carrier_choices
from wanshang.orders.selectors import (
    buyer_order_get,
    buyer_orders_by_tab,
    buyer_tab_counts,
    late_shipment_of,
    order_return_windows,
)
from wanshang.orders.services import order_cancel, order_confirm_receipt
from wanshang.shipping.selectors import buyer_timeline
from wanshang.storefront.forms import CancelForm, RefundForm
from wanshang.storefront.views._common import buyer_required
from wanshang.storefront.views.reviews import mark_review_actions
from wanshang.stores.selectors import pickup_of_order, qr_svg

TABS = [
    ("all", _("全部")),
    ("unpaid", _("待付款")),
    ("to_ship", _("待发货")),
    ("to_receive", _("待收货")),
    ("done", _("已完成")),
    ("refund", _("退款/售后")),
]
TAB_KEYS = {key for key, _ in TABS}
CASE_ORDER_STATES = {"paid", "shipped", "received", "completed"}  # where 申请售后 is offered


@buyer_required
def order_list(request):
    tab = request.GET.get("tab", "all")
    tab = tab if tab in TAB_KEYS else "all"
    page = Paginator(buyer_orders_by_tab(buyer=request.user, tab=tab), 10).get_page(request.GET.get("page"))
    counts = buyer_tab_counts(buyer=request.user)
    mark_review_actions(page.object_list, buyer=request.user)
    return render(
        request,
        "storefront/orders.html",
        {
            "tabs": [(key, label, counts.get(key, 0)) for key, label in TABS],
            "tab": tab,
            "page": page,
            "orders": page.object_list,
        },
    )


@buyer_required
def order_detail(request, order_id):
    order = buyer_order_get(buyer=request.user, order_id=order_id)
    mark_review_actions([order], buyer=request.user)
    lines = list(order.lines.all())  # prefetched: the same line objects the review actions were set on
    windows = order_return_windows(order=order)
    claimable = order_claimable(order=order) if order.status in CASE_ORDER_STATES else {}
    for line in lines:
        line.return_last_day = windows[line.pk]["last_day"]
        line.return_open = windows[line.pk]["open"]
        line.case_left = claimable.get(line.pk, 0)  # units a new after-sales case may still take
    return render(
        request,
        "storefront/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "late": late_shipment_of(order=order),
            "cases": order_cases(order=order),
            "events": list(order.events.all()),
            "refund": order_for_refund(order),
            "carrier_label": dict(carrier_choices()).get(order.carrier, order.carrier),
            "packages": buyer_timeline(order=order),
            "cancel_form": CancelForm(),
            **_pickup(order),
        },
    )


def _pickup(order) -> dict:
    """到店自提: the pickup with its code and QR code (the code only while it can be collected)."""
    pickup = pickup_of_order(order_id=order.pk) if order.is_pickup else None
    return {
        "pickup": pickup,
        "pickup_qr": qr_svg(pickup.code) if pickup and pickup.status == "waiting" else "",
    }


def _act(request, order_id, action, success: str):
    """Run one buyer action; NotFound (not theirs) is a 404 page, other refusals a message on the order."""
    with message_errors(request, passthrough=NotFound):
        action()
        messages.success(request, success)
    return redirect("storefront:order_detail", order_id=order_id)


@buyer_required
@require_POST
def order_cancel_view(request, order_id):
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        order_id,
        lambda: order_cancel(
            order_id=order_id,
            buyer=request.user,
            actor=request.user,
            actor_kind="buyer",
            reason=reason or "买家取消",
        ),
        _("订单已取消"),
    )


@buyer_required
@require_POST
def order_confirm_view(request, order_id):
    return _act(
        request,
        order_id,
        lambda: order_confirm_receipt(buyer=request.user, order_id=order_id),
        _("已确认收货，交易成功"),
    )


@buyer_required
@require_POST
def order_refund_view(request, order_id):
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect("storefront:order_detail", order_id=order_id)
    lines = []
    for key, value in request.POST.items():
        if key.startswith("qty_"):
            try:
                line_id, qty = int(key[4:]), int(value or 0)
            except ValueError:
                messages.error(request, _("退款数量须为整数"))
                return redirect("storefront:order_detail", order_id=order_id)
            if qty:
                lines.append((line_id, qty))
    if not lines and any(k.startswith("qty_") for k in request.POST):
        messages.error(request, _("请填写要退款的商品数量"))
        return redirect("storefront:order_detail", order_id=order_id)
    return _act(
        request,
        order_id,
        lambda: refund_request(
            buyer=request.user,
            order_id=order_id,
            reason=form.cleaned_data["reason"],
            lines=lines or None,
        ),
        _("退款申请已提交，等待商家处理"),
    )


@buyer_required
@require_POST
def order_refund_withdraw_view(request, order_id):
    def withdraw():
        order = buyer_order_get(buyer=request.user, order_id=order_id)
        refund = order_for_refund(order)
        if refund is None:
            raise DomainError(_("该订单没有可撤销的退款申请"))
        refund_withdraw(buyer=request.user, refund_id=refund.pk)

    return _act(request, order_id, withdraw, _("退款申请已撤销"))
