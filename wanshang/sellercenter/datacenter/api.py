"""/api/seller/data/…: the 数据中心 through the JSON API, the same selectors as the pages.

Every handler takes the shop from the caller's staff membership (data.view permission), never from the request.
Money is in fen; rates are fractions (0.1234 = 12.34%); `period` is today (live), 7d or 30d.
"""

from typing import Literal

from ninja import Router

from wanshang.faces_common.datacenter_api import dashboard_out, period_out
from wanshang.insights import selectors as data
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message
from wanshang.sellercenter.datacenter.api_customers import router as customers_router
from wanshang.sellercenter.datacenter.api_experiments import router as experiments_router
from wanshang.sellercenter.datacenter.api_trade import router as trade_router

router = Router()
ERRORS = {401: Message, 403: Message, 404: Message, 422: Message}
PeriodKey = Literal["today", "7d", "30d"]


def _shop(request):
    return staff_require(user=request.user, perm=P.DATA_VIEW).shop


@router.get(
    "/overview",
    response={200: dict, **ERRORS},
    summary="实时概况：核心指标、对比上期与同行平均、趋势、漏斗、来源",
    auth=seller_auth(P.DATA_VIEW),
)
def overview(request, period: PeriodKey = "today"):
    return dashboard_out(data.dashboard(scope=_shop(request), period_key=period))


@router.get(
    "/products",
    response={200: dict, **ERRORS},
    summary="商品分析：访客、加购率、支付转化率与高意向低转化提示",
    auth=seller_auth(P.DATA_VIEW),
)
def products(request, period: PeriodKey = "7d"):
    board = data.products(shop=_shop(request), period_key=period)
    return {
        "period": period_out(board["period"]),
        "min_visitors": board["min_visitors"],
        "products": board["rows"],
    }


@router.get(
    "/competition",
    response={200: dict, **ERRORS},
    summary="竞争情报：流量结构与转化 vs 同类目 TOP 店铺（合计，匿名）",
    auth=seller_auth(P.DATA_VIEW),
)
def competition(request, period: PeriodKey = "7d"):
    board = data.competition(shop=_shop(request), period_key=period)
    return {
        "period": period_out(board["period"]),
        "mine": board["mine"],
        "top": board["top"],
        "top_n": board["top_n"],
        "min_peers": board["min_peers"],
        "source_mix": board["mix_rows"],
    }


router.add_router("", trade_router)
router.add_router("", customers_router)
router.add_router("", experiments_router)
