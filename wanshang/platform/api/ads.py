"""Platform JSON API of 推广中心 (/api/platform/ads…): the ad rules, every shop's ad account and ledger, the
audited 平台调账 and the refund of an invalid click.

Errors: 400 a refused value (a reserve above the maximum bid, a debit above the balance, no reason), 404 no such
account or charge, 409 an adjustment already made under this reference or a click already refunded."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.ads.selectors import account_list, account_of_shop, ad_settings, charge_exists, platform_ledger
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
