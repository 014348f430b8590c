"""Platform JSON API of 推广中心 (/api/platform/ads…): the ad rules, every shop's ad account and ledger, the
audited 平台调账 and the refund of an invalid click.

Errors: 400 a refused value (a reserve above the maximum bid, a debit above the balance, no reason), 404 no such
account or charge, 409 an adjustment already made under this reference or a click already refunded."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.ads.selectors import (
    account_list,
    account_of_shop,
    ad_settings,
    charge_exists,
    platform_ledger,
    platform_overview,
)
from wanshang.ads.services import account_adjust, ad_settings_update, invalid_click_refund
from wanshang.common.api_paging import Paged
from wanshang.common.errors import NotFound
from wanshang.platform.api.errors import ERRORS

router = Router(tags=["platform: ads"])


class PlatformAdSettingsOut(Schema):
    reserve_price_fen: int = Field(description="底价（分）")
    max_bid_fen: int = Field(description="最高出价（分）")
    slot_positions: list[int] = Field(description="搜索结果中广告所在的位置（从 1 起）")
    click_dedup_minutes: int
    attribution_days: int
    max_keywords_per_group: int
    min_topup_fen: int
    max_topup_fen: int
    trust_words: list[str]


class PlatformAdSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reserve_price_fen: int | None = None
    max_bid_fen: int | None = None
    slot_positions: list[int] | None = Field(None, max_length=20)
    click_dedup_minutes: int | None = None
    attribution_days: int | None = None
    max_keywords_per_group: int | None = None
    min_topup_fen: int | None = None
    max_topup_fen: int | None = None
    trust_words: list[str] | None = Field(None, max_length=100)


class PlatformAdAccountOut(Schema):
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    balance_fen: int
    created_at: datetime


class PlatformAdLedgerOut(Schema):
    id: int
    kind: str
    amount_fen: int
    balance_after_fen: int
    reference: str
    note: str
    actor_id: int | None
    created_at: datetime


class PlatformAdAdjustIn(Schema):
    model_config = ConfigDict(extra="forbid")
    amount_fen: int = Field(description="带符号：正数增加余额，负数扣减（不能超过余额）")
    reason: str = Field(max_length=200)
    reference: str = Field(max_length=64, description="调账单号：同一单号只记一次，重复提交 409")


class PlatformAdRefundIn(Schema):
    model_config = ConfigDict(extra="forbid")
    charge_ref: str = Field(max_length=64, description="扣费的关联单号（点击编号）")
    reason: str = Field(max_length=150)


class PlatformAdReportFilters(Schema):
    days: int = Field(30, ge=1, le=90, description="最近多少天（含今天），1–90；给了 start 和 end 时不用")
    start: date | None = Field(None, description="自选区间的开始日期 YYYY-MM-DD（与 end 一起给，最长 90 天）")
    end: date | None = Field(None, description="自选区间的结束日期 YYYY-MM-DD（不晚于今天）")
    top: int = Field(20, ge=1, le=100, description="广告主排行取前几名")


class PlatformAdRowOut(Schema):
    impressions: int = Field(description="展现量")
    charged_clicks: int = Field(description="扣费点击（含事后退款的）")
    invalid_clicks: int = Field(description="无效点击：机器流量 + 无效 + 窗口内重复")
    unpaid_clicks: int = Field(description="预算或余额不足未扣费的点击")
    all_clicks: int = Field(description="全部点击")
    invalid_rate: float = Field(description="无效点击率 = 无效点击 ÷ 全部点击")
    gross_fen: int = Field(description="点击扣费（分）")
    refunded_fen: int = Field(description="无效点击退款（分）")
    revenue_fen: int = Field(description="广告收入（分）= 扣费 − 退款")
    orders: int = Field(description="归因成交笔数")
    gmv_fen: int = Field(description="归因成交金额（分）")
    roas: float = Field(description="投产比 = 成交金额 ÷ 广告收入")

    @staticmethod
    def resolve_invalid_rate(obj) -> float:
        return round(obj.invalid_rate, 6)

    @staticmethod
    def resolve_roas(obj) -> float:
        return round(obj.roas, 4)


class PlatformAdDayOut(PlatformAdRowOut):
    day: date = Field(alias="key")


class PlatformAdShopOut(PlatformAdRowOut):
    shop_id: int = Field(alias="key")
    shop_name: str = Field(alias="label")


class PlatformAdReportOut(Schema):
    start: date
    end: date
    advertisers: int = Field(description="统计期内有扣费的店铺数")
    total: PlatformAdRowOut
    days: list[PlatformAdDayOut]
    shops: list[PlatformAdShopOut] = Field(description="广告主排行：按扣除退款后的花费")


@router.get(
    "/ads/report",
    response={200: PlatformAdReportOut, **ERRORS},
    summary="广告收入（扣除无效点击退款）按天、广告主排行与无效点击率",
)
def platform_ad_report(request, filters: Query[PlatformAdReportFilters]):
    data = filters.model_dump()
    if data["start"] is not None or data["end"] is not None:
        data["days"] = None
    return platform_overview(**data)


@router.get("/ads/settings", response={200: PlatformAdSettingsOut, **ERRORS}, summary="推广设置")
def platform_ad_settings(request):
    return ad_settings()


@router.patch("/ads/settings", response={200: PlatformAdSettingsOut, **ERRORS}, summary="修改推广设置")
def platform_ad_settings_update(request, payload: PlatformAdSettingsIn):
    return ad_settings_update(**payload.dict(exclude_none=True))


@router.get("/ads/accounts", response={200: list[PlatformAdAccountOut], **ERRORS}, summary="各店铺推广账户")
@paginate(Paged, page_size=50, max_page_size=200)
def platform_ad_accounts(request):
    return account_list()


@router.get(
    "/ads/accounts/{shop_id}/ledger",
    response={200: list[PlatformAdLedgerOut], **ERRORS},
    summary="店铺推广流水",
)
@paginate(Paged, page_size=50, max_page_size=200)
def platform_ad_ledger(request, shop_id: int):
    return platform_ledger(shop_id=account_of_shop(shop_id=shop_id).shop_id)


@router.post(
    "/ads/accounts/{shop_id}/adjustments",
    response={201: PlatformAdLedgerOut, **ERRORS},
    summary="平台调账（记录原因与操作人）",
)
def platform_ad_adjust(request, shop_id: int, payload: PlatformAdAdjustIn):
    account = account_of_shop(shop_id=shop_id)
    return 201, account_adjust(shop_id=account.shop_id, actor=request.user, **payload.dict())


@router.post(
    "/ads/accounts/{shop_id}/refunds",
    response={201: PlatformAdLedgerOut, **ERRORS},
    summary="退回一次无效点击的费用",
)
def platform_ad_refund(request, shop_id: int, payload: PlatformAdRefundIn):
    account = account_of_shop(shop_id=shop_id)
    if not charge_exists(shop_id=account.shop_id, reference=payload.charge_ref):
        raise NotFound("该店铺没有这笔扣费")
    return 201, invalid_click_refund(charge_ref=payload.charge_ref, reason=payload.reason, actor=request.user)
