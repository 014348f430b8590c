"""/api/seller/data/…: the 数据中心 through the JSON API, the same selectors as the pages.

Every handler takes the shop from the caller's staff membership (data.view permission), never from the request.
Money is in fen; rates are fractions (0.1234 = 12.34%); `period` is today (live), 7d or 30d.
"""

from typing import Literal

from ninja import Field, Query, Router, Schema

from wanshang.faces_common.datacenter_schemas import DataOverviewOut, DataPeriodOut
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
ERRORS_400 = {400: Message, **ERRORS}
PeriodKey = Literal["today", "7d", "30d"]


class ProductAnalysisRowOut(Schema):
    product_id: int
    title: str
    uv: int
    pv: int
    cart_visitors: int
    cart_rate: float | None
    paid_buyers: int
    paid_fen: int
    quantity: int
    conversion: float | None
    flag: bool = Field(description="高意向低转化：加购率在前三分之一而支付转化率在后三分之一")
    hints: list[str]


class ProductAnalysisOut(Schema):
    period: DataPeriodOut
    min_visitors: int = Field(description="访客数达到此值的商品才参与高意向低转化的判断")
    products: list[ProductAnalysisRowOut] = Field(alias="rows")


class PooledFiguresOut(Schema):
    """Figures of a group of shops pooled (sums over the group); `mix`: share of visitors per level-1 source."""

    uv: int
    conversion: float | None
    uv_value_fen: float | None
    per_buyer_fen: float | None
    mix: dict[str, float | None]


class SourceMixRowOut(Schema):
    code: str
    label: str
    mine: float | None
    top: float | None


class CompetitionOut(Schema):
    period: DataPeriodOut
    mine: PooledFiguresOut
    top: PooledFiguresOut | None = Field(description="同类目 TOP 店铺合计；不足 min_peers 家时为 null")
    top_n: int
    min_peers: int
    source_mix: list[SourceMixRowOut] = Field(alias="mix_rows")


class DataAfterSalesReasonOut(Schema):
    reason: str
    cases: int


class DataAfterSalesProductOut(Schema):
    product_id: int
    title: str
    cases: int = Field(description="统计期内发起的售后单数")
    reasons: list[DataAfterSalesReasonOut] = Field(description="最常见的三个原因")

    @staticmethod
    def resolve_reasons(obj) -> list[dict]:
        return [{"reason": reason, "cases": n} for reason, n in obj.reasons]


class DataAfterSalesBoardOut(Schema):
    days: int
    paid_lines: int = Field(description="统计期内支付的子订单数")
    refunded_lines: int = Field(description="统计期内退款成功涉及的子订单数")
    refund_rate: float | None = Field(description="退款率 = 退款子订单数 ÷ 支付子订单数")
    refunds: int
    refund_fen: int
    avg_refund_hours: float | None = Field(description="平均退款时长：从买家申请到退款到账，小时")
    cases_opened: int
    disputes_lost: int = Field(description="平台介入判定商家责任的售后单数")
    dispute_rate: float | None = Field(description="纠纷率 = 判定商家责任的售后单数 ÷ 支付子订单数")
    products: list[DataAfterSalesProductOut]


def _shop(request):
    return staff_require(user=request.user, perm=P.DATA_VIEW).shop


@router.get(
    "/overview",
    response={200: DataOverviewOut, **ERRORS},
    summary="实时概况：核心指标、对比上期与同行平均、趋势、漏斗、来源",
    auth=seller_auth(P.DATA_VIEW),
)
def overview(request, period: PeriodKey = "today"):
    return data.dashboard(scope=_shop(request), period_key=period)


@router.get(
    "/products",
    response={200: ProductAnalysisOut, **ERRORS},
    summary="商品分析：访客、加购率、支付转化率与高意向低转化提示",
    auth=seller_auth(P.DATA_VIEW),
)
def products(request, period: PeriodKey = "7d"):
    return data.products(shop=_shop(request), period_key=period)


@router.get(
    "/aftersales",
    response={200: DataAfterSalesBoardOut, **ERRORS_400},
    summary="售后分析：退款率、纠纷率、平均退款时长与各商品的售后原因",
    auth=seller_auth(P.DATA_VIEW),
)
def aftersales(request, days: int = Query(30, description="统计天数：7、30 或 90")):
    return data.aftersales_board(shop=_shop(request), days=days)


@router.get(
    "/competition",
    response={200: CompetitionOut, **ERRORS},
    summary="竞争情报：流量结构与转化 vs 同类目 TOP 店铺（合计，匿名）",
    auth=seller_auth(P.DATA_VIEW),
)
def competition(request, period: PeriodKey = "7d"):
    return data.competition(shop=_shop(request), period_key=period)


router.add_router("", trade_router)
router.add_router("", customers_router)
router.add_router("", experiments_router)
