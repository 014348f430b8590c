"""Platform 数据中心: the marketplace's figures (every shop), funnel, sources, and shops by paid amount."""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext

from wanshang.faces_common import charts
from wanshang.insights import selectors as data
from wanshang.insights.types import MARKETPLACE
from wanshang.platform.access import operator_view


@operator_view
def data_home(request):
    key = request.GET.get("period", "today")
    key = key if key in data.PERIODS else "today"
    board = data.dashboard(scope=MARKETPLACE, period_key=key)
    return render(
        request,
        "platform/datacenter/overview.html",
        {
            **board,
            "nav": "data",
            "marketplace": True,
            "top_shops": data.top_shops(period_key=key),
            "trend_chart": charts.trend(board["trend"]),
            "funnel_chart": charts.funnel(board["funnel"]),
            "source_chart": charts.pie(board["sources"]["level1"], name=gettext("来源")),
        },
    )


urlpatterns = [
    path("", data_home, name="data"),
]
