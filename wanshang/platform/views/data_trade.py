"""Platform 数据中心 (placeholder until this area is built)."""

from django.http import HttpResponse
from django.urls import path

from wanshang.platform.access import operator_view


@operator_view
def data_trade(request):
    return HttpResponse("data_trade")


@operator_view
def data_alerts(request):
    return HttpResponse("data_alerts")


urlpatterns = [
    path("trade/", data_trade, name="data_trade"),
    path("alerts/", data_alerts, name="data_alerts"),
]
