"""Platform 数据中心 (placeholder until this area is built)."""

from django.http import HttpResponse
from django.urls import path

from wanshang.platform.access import operator_view


@operator_view
def data(request):
    return HttpResponse("data")


urlpatterns = [
    path("", data, name="data"),
]
