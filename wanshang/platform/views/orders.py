"""订单总览: every shop's orders, read-only for operators."""

from django.shortcuts import render

from wanshang.merchants.selectors import shop_list
from wanshang.orders.selectors import (
    ORDER_STATUSES,
    late_shipment_totals,
    late_shipments_list,
    platform_order_get,
    platform_order_list,
)
from wanshang.platform.access import operator_view
from wanshang.platform.views._util import page_of

ORDER_STATUS_VALUES = {value for value, _ in ORDER_STATUSES}


@operator_view
def order_index(request):
    status = request.GET.get("status", "")
    if status not in ORDER_STATUS_VALUES:
        status = ""
    shop_id = request.GET.get("shop", "")
    shop_id = int(shop_id) if shop_id.isdigit() else None
    q = request.GET.get("q", "").strip()[:40]
    rows = platform_order_list(status=status or None, shop_id=shop_id, q=q)
    return render(
        request,
        "platform/orders.html",
        {
            "nav": "orders",
            "status": status,
            "statuses": ORDER_STATUSES,
            "shop_id": shop_id,
            "q": q,
            "shops": shop_list(),
            "page": page_of(request, rows),
        },
    )


@operator_view
def order_detail(request, order_id):
    order = platform_order_get(order_id=order_id)
    return render(request, "platform/order_detail.html", {"nav": "orders", "order": order})


@operator_view
def late_shipment_index(request):
    """延迟发货: every order compensated for shipping late, what the shop was charged and the buyer got."""
    shop_id = request.GET.get("shop", "")
    shop_id = int(shop_id) if shop_id.isdigit() else None
    q = request.GET.get("q", "").strip()[:40]
    return render(
        request,
        "platform/late_shipments.html",
        {
            "nav": "late_shipments",
            "shop_id": shop_id,
            "q": q,
            "shops": shop_list(),
            "totals": late_shipment_totals(shop_id=shop_id),
            "page": page_of(request, late_shipments_list(shop_id=shop_id, q=q)),
        },
    )
