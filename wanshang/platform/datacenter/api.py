"""/api/platform/data/…: marketplace-wide 数据中心 figures for operators (money in fen, rates as fractions)."""

from typing import Literal

from ninja import Router

from wanshang.faces_common.datacenter_api import dashboard_out
from wanshang.insights import selectors as data
from wanshang.insights.types import MARKETPLACE
from wanshang.platform.api.errors import ERRORS
from wanshang.platform.datacenter.api_trade import router as trade_router

router = Router()
PeriodKey = Literal["today", "7d", "30d"]


@router.get(
    "/overview", response={200: dict, **ERRORS}, summary="全站概况：核心指标、对比上期、趋势、漏斗、来源"
)
def overview(request, period: PeriodKey = "today"):
    return dashboard_out(data.dashboard(scope=MARKETPLACE, period_key=period))


@router.get("/shops", response={200: list[dict], **ERRORS}, summary="店铺支付金额排行")
def top_shops(request, period: PeriodKey = "7d"):
    return [
        {"shop_id": r["shop"].pk, "shop_name": r["shop"].name, **{k: v for k, v in r.items() if k != "shop"}}
        for r in data.top_shops(period_key=period)
    ]


router.add_router("", trade_router)
