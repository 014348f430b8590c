"""/api/platform/data/…: marketplace-wide 数据中心 figures for operators (money in fen, rates as fractions)."""

from typing import Literal

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from wanshang.common.api_paging import Paged
from wanshang.faces_common.datacenter_schemas import DataOverviewOut
from wanshang.insights import selectors as data
from wanshang.insights.types import MARKETPLACE
from wanshang.platform.api.errors import ERRORS
from wanshang.platform.datacenter.api_trade import router as trade_router

router = Router()
PeriodKey = Literal["today", "7d", "30d"]
TOP_SHOPS = 20  # the ranking's length (insights.selectors.top_shops)


class PlatformShopRankOut(Schema):
    """A row of `insights.selectors.top_shops`: a shop and its figures of the period."""

    shop_id: int
    shop_name: str
    paid_fen: int = Field(description="支付金额（分）")
    uv: int = Field(description="访客数")
    paid_buyers: int = Field(description="支付买家数")
    conversion: float | None = Field(description="支付转化率（比率）；无访客时为空")
    per_buyer_fen: int | None = Field(description="客单价（分）；无买家时为空")

    @staticmethod
    def resolve_shop_id(row) -> int:
        return row["shop"].pk

    @staticmethod
    def resolve_shop_name(row) -> str:
        return row["shop"].name


@router.get(
    "/overview",
    response={200: DataOverviewOut, **ERRORS},
    summary="全站概况：核心指标、对比上期、趋势、漏斗、来源",
)
def overview(request, period: PeriodKey = "today"):
    return data.dashboard(scope=MARKETPLACE, period_key=period)


@router.get(
    "/shops",
    response={200: list[PlatformShopRankOut], **ERRORS},
    summary=f"店铺支付金额排行（前 {TOP_SHOPS} 名）",
)
@paginate(Paged, page_size=TOP_SHOPS, max_page_size=TOP_SHOPS)
def top_shops(request, period: PeriodKey = "7d"):
    return data.top_shops(period_key=period, limit=TOP_SHOPS)


router.add_router("", trade_router)
