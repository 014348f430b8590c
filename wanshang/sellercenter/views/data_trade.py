"""数据中心 (placeholder until this area is built)."""

from django.http import HttpResponse
from django.urls import path

from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_view


@seller_view(P.DATA_VIEW)
def data_trade(request):
    return HttpResponse("data_trade")


@seller_view(P.DATA_VIEW)
def data_alerts(request):
    return HttpResponse("data_alerts")


urlpatterns = [
    path("trade/", data_trade, name="data_trade"),
    path("alerts/", data_alerts, name="data_alerts"),
]
