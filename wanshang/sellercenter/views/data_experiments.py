"""数据中心 (placeholder until this area is built)."""

from django.http import HttpResponse
from django.urls import path

from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_view


@seller_view(P.DATA_VIEW)
def data_experiments(request):
    return HttpResponse("data_experiments")


urlpatterns = [
    path("experiments/", data_experiments, name="data_experiments"),
]
