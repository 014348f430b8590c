"""数据中心 (placeholder until this area is built)."""

from django.http import HttpResponse
from django.urls import path

from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_view


@seller_view(P.DATA_VIEW)
def data_customers(request):
    return HttpResponse("data_customers")


@seller_view(P.DATA_VIEW)
def data_crowds(request):
    return HttpResponse("data_crowds")


urlpatterns = [
    path("customers/", data_customers, name="data_customers"),
    path("crowds/", data_crowds, name="data_crowds"),
]
