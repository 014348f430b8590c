"""数据中心 · 服务评价 (the shop's DSR against its main category's peers and its daily trend) and 售后分析 (refund
and dispute rates, refund time, the reasons buyers give per product)."""

from django.urls import path

from wanshang.insights.selectors import AFTERSALES_DAYS, aftersales_board
from wanshang.merchants import permissions as P
from wanshang.reviews.selectors import product_rating_totals
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.views.reviews import dsr_board

PERIODS = {"30d": 30, "90d": 90, "180d": 180}


@seller_view(P.DATA_VIEW)
def data_service(request):
    period = request.GET.get("period", "30d")
    period = period if period in PERIODS else "30d"
    return seller_render(
        request,
        "sellercenter/datacenter/service.html",
        {
            **dsr_board(request.shop, days=PERIODS[period]),
            "period": period,
            "periods": list(PERIODS),
            "totals": product_rating_totals(shop=request.shop),
        },
        active="data_service",
    )


@seller_view(P.DATA_VIEW)
def data_aftersales(request):
    raw = request.GET.get("days", "30")
    days = int(raw) if raw.isdigit() and int(raw) in AFTERSALES_DAYS else 30
    return seller_render(
        request,
        "sellercenter/datacenter/aftersales.html",
        {"board": aftersales_board(shop=request.shop, days=days), "periods": AFTERSALES_DAYS},
        active="data_aftersales",
    )


urlpatterns = [
    path("service/", data_service, name="data_service"),
    path("aftersales/", data_aftersales, name="data_aftersales"),
]
