"""达人中心 JSON API (/api/store/promoter…): apply, then — an approved promoter only (403 otherwise) — the
summary, products open for promotion with rates and estimated earnings, tracking links, commissions,
withdrawals and shops' invitations. A promoter sees only their own rows."""

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictInt

from wanshang.affiliates import selectors as aff
from wanshang.affiliates.services import invitation_answer, link_create, promoter_apply, withdrawal_request
from wanshang.common.api_paging import Paged, Rows
from wanshang.common.errors import NotFound
from wanshang.storefront.api.schemas import ERRORS as _ERRORS
from wanshang.storefront.api.schemas import Error

router = Router(tags=["storefront: promoter center"])
ERRORS = {**_ERRORS, 403: Error}  # 403: not (yet) an approved promoter, with the reason


class PromoterOut(Schema):
    id: int
    name: str
    code: str = Field(description="推广者编号：商家邀请定向计划时使用")
    channels: str
    audience: str
    contact: str
    status: str = Field(description="pending 待审核 / approved 已通过 / rejected 已驳回")
    reason: str = Field(description="驳回原因")
    created_at: datetime


class PromoterApplyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=40)
    channels: str = Field(max_length=300, description="推广渠道与账号，如 小红书 @好物君")
    audience: str = Field(max_length=300)
    contact: str = Field(max_length=60)


class PromoterBalanceOut(Schema):
    settled_fen: int
    clawed_fen: int
    pending_fen: int
    paid_fen: int
    available_fen: int


class PromoterSummaryOut(Schema):
    clicks: int
    orders: int
    earnings: dict[str, int] = Field(
        description="达人收入（分）按佣金状态：estimated / confirmed / settled / invalid"
    )
    balance: PromoterBalanceOut


class PromotableProductOut(Schema):
    id: int
    title: str
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    price_fen: int = Field(alias="min_price_fen")
    plan_kind: str = Field(alias="aff_kind", description="targeted / product / shop")
    rate_bps: int = Field(alias="aff_rate_bps", description="佣金比例，万分之")
    estimate_fen: int = Field(
        alias="aff_estimate_fen", description="按最低价卖出一件的预估收入（已扣平台服务费）"
    )


class PromoterLinkIn(Schema):
    model_config = ConfigDict(extra="forbid")
    product_id: StrictInt | None = Field(None, description="推广商品；不填则须填 shop_id（整店推广）")
    shop_id: StrictInt | None = None


class PromoterLinkOut(Schema):
    id: int
    code: str
    shop_id: int
    product_id: int | None
    url: str = Field(description="推广链接：商品或店铺页，带 ?aff=<code>")
    clicks: int = 0
    orders: int = 0
    created_at: datetime

    @staticmethod
    def resolve_url(obj, context):
        request = context["request"]
        if obj.product_id:
            path = reverse("storefront:product", args=[obj.product_id])
        else:
            path = reverse("storefront:shop", args=[obj.shop.slug])
        return request.build_absolute_uri(f"{path}?aff={obj.code}")

    @staticmethod
    def resolve_clicks(obj):
        return getattr(obj, "click_count", 0)

    @staticmethod
    def resolve_orders(obj):
        return getattr(obj, "order_count", 0)


class PromoterCommissionOut(Schema):
    id: int
    order_no: str = Field(alias="order.no")
    shop_name: str = Field(alias="shop.name")
    base_fen: int = Field(description="计佣金额：商品实付（不含运费，扣除退款）")
    amount_fen: int = Field(description="佣金")
    fee_fen: int = Field(description="平台服务费")
    earning_fen: int = Field(description="达人收入")
    status: str = Field(description="estimated / confirmed / settled / invalid")
    paid_at: datetime
    confirmed_at: datetime | None
    settle_due_at: datetime | None
    settled_at: datetime | None


class PromoterWithdrawalIn(Schema):
    model_config = ConfigDict(extra="forbid")
    amount_fen: StrictInt = Field(gt=0)
    account: str = Field(max_length=60, description="收款账户（支付宝账号或银行卡号）")


class PromoterWithdrawalOut(Schema):
    id: int
    amount_fen: int
    account: str
    status: str = Field(description="pending 待审核 / approved 已打款 / rejected 已驳回")
    reason: str
    created_at: datetime
    reviewed_at: datetime | None


class PromoterInvitationOut(Schema):
    id: int
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    rate_bps: int
    note: str
    status: str = Field(description="invited 待接受 / active 生效中 / declined / ended")


class PromoterInvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["accept", "decline"]


@router.get("/promoter/me", response={200: PromoterOut, **ERRORS}, summary="我的达人申请")
def promoter_me(request):
    promoter = aff.promoter_of(user=request.user)
    if promoter is None:
        raise NotFound("你还没有提交达人申请")
    return promoter


@router.post(
    "/promoter/apply",
    response={201: PromoterOut, **ERRORS},
    summary="申请成为达人",
    description="错误：409 已有待审核申请或已是达人；被驳回后可再次申请。",
)
def promoter_apply_api(request, payload: PromoterApplyIn):
    return 201, promoter_apply(user=request.user, **payload.dict())


@router.get("/promoter/summary", response={200: PromoterSummaryOut, **ERRORS}, summary="推广概览")
def promoter_summary_api(request):
    return aff.promoter_summary(promoter=aff.promoter_require(user=request.user))


@router.get("/promoter/products", response={200: list[PromotableProductOut], **ERRORS}, summary="可推广商品")
@paginate(Paged, page_size=20, max_page_size=100)
def promoter_products_api(request, q: str = ""):
    promoter = aff.promoter_require(user=request.user)
    return Rows(
        aff.promotable_products(promoter=promoter, q=q[:40]),
        lambda rows: aff.decorate_rates(rows, promoter=promoter),
    )


@router.get("/promoter/links", response={200: list[PromoterLinkOut], **ERRORS}, summary="我的推广链接")
@paginate(Paged, page_size=20, max_page_size=100)
def promoter_links_api(request):
    return aff.promoter_links(promoter=aff.promoter_require(user=request.user))


@router.post(
    "/promoter/links",
    response={201: PromoterLinkOut, **ERRORS},
    summary="生成推广链接",
    description="同一商品（或店铺）再次生成返回同一链接。错误：404 商品已下架或店铺不可用。",
)
def promoter_link_create_api(request, payload: PromoterLinkIn):
    promoter = aff.promoter_require(user=request.user)
    product_id = payload.product_id
    return 201, link_create(
        promoter=promoter, product_id=product_id, shop_id=None if product_id else payload.shop_id
    )


@router.get(
    "/promoter/commissions", response={200: list[PromoterCommissionOut], **ERRORS}, summary="推广订单与佣金"
)
@paginate(Paged, page_size=20, max_page_size=100)
def promoter_commissions_api(
    request, status: Literal["", "estimated", "confirmed", "settled", "invalid"] = ""
):
    return aff.promoter_commissions(promoter=aff.promoter_require(user=request.user), status=status)


@router.get(
    "/promoter/withdrawals", response={200: list[PromoterWithdrawalOut], **ERRORS}, summary="提现记录"
)
@paginate(Paged, page_size=20, max_page_size=100)
def promoter_withdrawals_api(request):
    return aff.promoter_withdrawals(promoter=aff.promoter_require(user=request.user))


@router.post(
    "/promoter/withdrawals",
    response={201: PromoterWithdrawalOut, **ERRORS},
    summary="申请提现",
    description="错误：400 低于单次最低金额（below_minimum）或超过可提现余额（insufficient_balance）。",
)
def promoter_withdraw_api(request, payload: PromoterWithdrawalIn):
    promoter = aff.promoter_require(user=request.user)
    return 201, withdrawal_request(promoter=promoter, amount_fen=payload.amount_fen, account=payload.account)


@router.get(
    "/promoter/invitations", response={200: list[PromoterInvitationOut], **ERRORS}, summary="定向计划邀请"
)
@paginate(Paged, page_size=20, max_page_size=100)
def promoter_invitations_api(request):
    return aff.promoter_invitations(promoter=aff.promoter_require(user=request.user))


@router.post(
    "/promoter/invitations/{plan_id}",
    response={200: PromoterInvitationOut, **ERRORS},
    summary="接受或拒绝定向邀请",
    description="错误：404 不是发给你的邀请；409 邀请已处理。",
)
def promoter_invitation_answer_api(request, plan_id: int, payload: PromoterInvitationIn):
    promoter = aff.promoter_require(user=request.user)
    return invitation_answer(promoter=promoter, plan_id=plan_id, accept=payload.decision == "accept")
