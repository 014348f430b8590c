"""数据中心 (placeholder until this area is built)."""

from django.http import HttpResponse
from django.urls import path

from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_view


@seller_view(P.DATA_VIEW)
def data_overview(request):
    return HttpResponse("data_overview")


@seller_view(P.DATA_VIEW)
def data_traffic(request):
    return HttpResponse("data_traffic")


@seller_view(P.DATA_VIEW)
def data_products(request):
    return HttpResponse("data_products")


@seller_view(P.DATA_VIEW)
def data_competition(request):
    return HttpResponse("data_competition")


urlpatterns = [
    path("", data_overview, name="data_overview"),
    path("traffic/", data_traffic, name="data_traffic"),
    path("products/", data_products, name="data_products"),
    path("competition/", data_competition, name="data_competition"),
]
