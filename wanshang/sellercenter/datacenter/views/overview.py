"""数据中心: 实时概况 (figures vs previous period and category average, trend), 流量与转化 (funnel, sources),
商品分析, 竞争情报. Thin views over wanshang.insights.selectors; the JSON API serves the same dicts."""

from django.urls import path
from django.utils.translation import gettext

from wanshang.faces_common import charts
from wanshang.insights import selectors as data
from wanshang.insights.selectors import alerts_recent, alerts_unread_count
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view


def _period_key(request, default: str) -> str:
    key = request.GET.get("period", default)
    return key if key in data.PERIODS else default


def _alerts(shop) -> dict:
    return {"alerts": alerts_recent(shop, limit=5), "alerts_unread": alerts_unread_count(shop)}


@seller_view(P.DATA_VIEW)
def data_overview(request):
    board = data.dashboard(scope=request.shop, period_key=_period_key(request, "today"))
    return seller_render(
        request,
        "sellercenter/datacenter/overview.html",
        {
            **board,
            **_alerts(request.shop),
            "trend_chart": charts.trend(board["trend"]),
        },
        active="data_overview",
    )


@seller_view(P.DATA_VIEW)
def data_traffic(request):
    board = data.dashboard(scope=request.shop, period_key=_period_key(request, "7d"))
    return seller_render(
        request,
        "sellercenter/datacenter/traffic.html",
        {
            **board,
            "funnel_chart": charts.funnel(board["funnel"]),
            "source_chart": charts.pie(board["sources"]["level1"], name=gettext("来源")),
        },
        active="data_traffic",
    )


@seller_view(P.DATA_VIEW)
def data_products(request):
    return seller_render(
        request,
        "sellercenter/datacenter/products.html",
        data.products(shop=request.shop, period_key=_period_key(request, "7d")),
        active="data_products",
    )


@seller_view(P.DATA_VIEW)
def data_competition(request):
    board = data.competition(shop=request.shop, period_key=_period_key(request, "7d"))
    chart = None
    if board["top"]:
        chart = charts.share_bars(
            board["mix_rows"],
            left="mine",
            right="top",
            left_name=gettext("本店"),
            right_name=gettext("同类目 TOP%(n)s 合计") % {"n": board["top_n"]},
        )
    return seller_render(
        request,
        "sellercenter/datacenter/competition.html",
        {**board, "mix_chart": chart},
        active="data_competition",
    )


urlpatterns = [
    path("", data_overview, name="data_overview"),
    path("traffic/", data_traffic, name="data_traffic"),
    path("products/", data_products, name="data_products"),
    path("competition/", data_competition, name="data_competition"),
]
