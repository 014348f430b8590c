"""订单 (list, detail, 发货) and 退款 (list, detail, 同意/拒绝)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.aftersales.selectors import (
    REFUND_STATUS_LABELS,
    order_cases,
    refund_items,
    seller_refund_get,
    seller_refund_list,
)
from wanshang.aftersales.services import refund_approve, refund_reject
from wanshang.common.errors import NotFound
from wanshang.common.money import fen_to_yuan_str
from wanshang.common.web import form_errors, message_errors
from wanshang.fulfillment.selectors import carrier_choices
from wanshang.merchants import permissions as P
from wanshang.orders.selectors import (
    ORDER_STATUSES,
    seller_late_shipment_count,
    seller_order_get,
    seller_order_list,
    seller_status_counts,
)
from wanshang.sellercenter.access import can, seller_render, seller_view
from wanshang.sellercenter.forms import OrderFilterForm, RefundRejectForm, ShipForm
from wanshang.shipping.selectors import order_shipments
from wanshang.shipping.services import shipment_create
from wanshang.stores.selectors import pickup_of_order

ACTOR_KINDS = {
    "buyer": _("买家"),
    "seller": _("商家"),
    "platform": _("平台"),
    "system": _("系统"),
    "gateway": _("支付渠道"),
}


@seller_view(P.ORDER_VIEW)
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or ""
    status = status if status in dict(ORDER_STATUSES) else ""
    late = request.GET.get("late") == "1"  # 延迟发货: orders not shipped by their promised time
    orders = seller_order_list(
        shop=request.shop,
        status=status or None,
        q=(data.get("q") or "").strip(),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        late=late,
    )
    page = Paginator(orders, 20).get_page(request.GET.get("page"))
    counts = seller_status_counts(shop=request.shop)
    tabs = [("", _("全部"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in ORDER_STATUSES
    ]
    return seller_render(
        request,
        "sellercenter/orders/list.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "tabs": tabs,
            "late": late,
            "late_count": seller_late_shipment_count(shop=request.shop),
        },
        active="orders",
    )


def _order_page(request, order, *, ship_form=None, status=200):
    refunds = list(order.refunds.all())
    open_refund = next((r for r in refunds if r.status == "requested"), None)
    cases = order_cases(order=order)
    can_ship = order.status == "paid" and not order.is_pickup and can(request.staff, P.ORDER_SHIP)
    return seller_render(
        request,
        "sellercenter/orders/detail.html",
        {
            "order": order,
            "refunds": refunds,
            "open_refund": open_refund,
            "paying_refund": next((r for r in refunds if r.status == "processing"), None),
            "open_refund_case": next((c for c in cases if c.type == "refund_only" and c.is_open), None),
            "cases": cases,
            "can_ship": can_ship,
            "packages": order_shipments(order=order),
            "pickup": pickup_of_order(order_id=order.pk) if order.is_pickup else None,
            "ship_form": ship_form or ShipForm(carriers=carrier_choices()),
            "events": [
                {"event": e, "who": ACTOR_KINDS.get(e.actor_kind, e.actor_kind)} for e in order.events.all()
            ],
        },
        status=status,
        active="orders",
    )


@seller_view(P.ORDER_VIEW)
def order_detail(request, order_id: int):
    return _order_page(request, seller_order_get(shop=request.shop, order_id=order_id))


@require_POST
@seller_view(P.ORDER_SHIP)
def order_ship_view(request, order_id: int):
    order = seller_order_get(shop=request.shop, order_id=order_id)
    form = ShipForm(request.POST, carriers=carrier_choices())
    if form.is_valid():
        with form_errors(form, passthrough=NotFound) as outcome:
            shipment_create(  # one package with every unit still to ship
                shop=request.shop,
                order_id=order.pk,
                carrier=form.cleaned_data["carrier"],
                tracking_no=form.cleaned_data["tracking_no"],
                actor=request.user,
            )
            messages.success(request, f"订单 {order.no} 已发货")
            return redirect("sellercenter:order_detail", order_id=order.pk)
        return _order_page(request, order, ship_form=form, status=outcome.status)
    return _order_page(request, order, ship_form=form, status=400)


# --- refunds ----------------------------------------------------------------------------------------------


@seller_view(P.ORDER_VIEW)
def refund_list(request):
    status = request.GET.get("status") or ""
    status = status if status in REFUND_STATUS_LABELS else ""
    page = Paginator(seller_refund_list(shop=request.shop, status=status or None), 20).get_page(
        request.GET.get("page")
    )
    tabs = [("", _("全部"))] + list(REFUND_STATUS_LABELS.items())
    return seller_render(
        request,
        "sellercenter/orders/refunds.html",
        {
            "page": page,
            "status": status,
            "tabs": tabs,
        },
        active="refunds",
    )


def _refund_page(request, refund, *, reject_form=None, status=200):
    return seller_render(
        request,
        "sellercenter/orders/refund_detail.html",
        {
            "refund": refund,
            "order": refund.order,
            "reject_form": reject_form or RefundRejectForm(),
            "items": refund_items(refund=refund),
            "can_handle": refund.status == "requested" and can(request.staff, P.REFUND_HANDLE),
        },
        status=status,
        active="refunds",
    )


@seller_view(P.ORDER_VIEW)
def refund_detail(request, refund_id: int):
    return _refund_page(request, seller_refund_get(shop=request.shop, refund_id=refund_id))


@require_POST
@seller_view(P.REFUND_HANDLE)
def refund_approve_view(request, refund_id: int):
    refund = seller_refund_get(shop=request.shop, refund_id=refund_id)
    with message_errors(request, prefix="操作未完成：", passthrough=NotFound):
        refund = refund_approve(shop=request.shop, refund_id=refund.pk, actor=request.user)
        if refund.status == "refunded":
            messages.success(
                request, f"已同意退款，¥{fen_to_yuan_str(refund.amount_fen)} 已原路退回，库存已回补"
            )
        else:
            messages.warning(request, f"已同意退款，支付渠道处理中：{refund.last_error or '稍后自动重试'}")
    return redirect("sellercenter:refund_detail", refund_id=refund.pk)


@require_POST
@seller_view(P.REFUND_HANDLE)
def refund_reject_view(request, refund_id: int):
    refund = seller_refund_get(shop=request.shop, refund_id=refund_id)
    form = RefundRejectForm(request.POST)
    if form.is_valid():
        with form_errors(form, passthrough=NotFound) as outcome:
            refund_reject(
                shop=request.shop, refund_id=refund.pk, actor=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("已拒绝该退款申请"))
            return redirect("sellercenter:refund_detail", refund_id=refund.pk)
        return _refund_page(request, refund, reject_form=form, status=outcome.status)
    return _refund_page(request, refund, reject_form=form, status=400)
