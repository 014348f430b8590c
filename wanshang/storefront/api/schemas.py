"""JSON shapes of the storefront API. Inputs forbid unknown fields: a tampered `price_fen` is refused (422)."""

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt


class In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- inputs ---------------------------------------------------------------------------------------------------


class CartItemIn(In):
    sku_id: StrictInt
    quantity: StrictInt = Field(1, description="购买数量（1–9999）")


class CartItemPatch(In):
    quantity: StrictInt | None = None
    selected: StrictBool | None = None


class OrderItemIn(In):
    sku_id: StrictInt
    quantity: StrictInt


class OrderCreateIn(In):
    items: list[OrderItemIn] = Field(
        default_factory=list, max_length=120, description="直接购买的商品；与 from_cart 二选一"
    )
    from_cart: StrictBool = Field(False, description="true：结算购物车中已勾选的商品")
    address_id: StrictInt
    buyer_note: str = Field("", max_length=200)
    expected_payable_fen: StrictInt | None = Field(
        None, description="客户端展示的应付金额（分）；与服务端计算不一致时拒绝下单（409）"
    )
    coupon_ids: list[StrictInt] | None = Field(
        None, max_length=20, description="使用的优惠券（我的优惠券 id）；不传：系统自动选最优组合；[]：不用券"
    )
    use_points: StrictBool = Field(False, description="true：使用积分抵扣")


class CancelIn(In):
    reason: str = Field("", max_length=200)


class RefundLineIn(In):
    line_id: int
    quantity: int = Field(..., ge=1)


class RefundIn(In):
    reason: str = Field(..., max_length=200)
    lines: list[RefundLineIn] | None = Field(
        None, description="部分退款：订单行与件数；不传则退整单（含运费）"
    )


class AddressIn(In):
    receiver: str = Field(..., max_length=40)
    phone: str = Field(..., max_length=11)
    district_code: str = Field(..., max_length=12, description="区/县行政区划代码，例如 110105")
    detail: str = Field(..., max_length=200)
    is_default: StrictBool = False


class TokenIn(In):
    login: str = Field(..., max_length=150, description="手机号或邮箱")
    password: str = Field(..., max_length=128)
    name: str = Field("api", max_length=60)


# --- outputs --------------------------------------------------------------------------------------------------


class Error(Schema):
    detail: str
    code: str = "invalid"
    field: str | None = None
    errors: list[dict] | None = Field(None, description="422：每个有误参数的位置（loc）、类型与原因")


# The error answers each kind of endpoint documents (`response={200: …, **ERRORS}`): 401 not logged in,
# 422 a parameter or body field out of its schema; the rest from the services' domain errors.
PUBLIC_ERRORS = {404: Error, 422: Error}
AUTHED_ERRORS = {401: Error, 422: Error}
ERRORS = {400: Error, 404: Error, 409: Error, **AUTHED_ERRORS}


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    level: int
    children: list["CategoryOut"] = []


CategoryOut.model_rebuild()


class ShopBrief(Schema):
    id: int
    name: str
    slug: str
    logo_url: str = ""


class StoreShopOut(ShopBrief):
    description: str
    company_name: str
    product_count: int


class ProductCard(Schema):
    id: int
    title: str
    subtitle: str
    image: str
    min_price_fen: int
    price_fen: int = Field(
        ..., description="该买家现在的最低价（含限时折扣、会员价、秒杀等商品级优惠），与商品页、结算一致"
    )
    price_label: str = Field("", description="price_fen 所用的优惠，如 限时折扣；空：无")
    tags: list[str] = Field(default_factory=list, description="促销标签：限时折扣、秒杀、拼团 …")
    sales_count: int
    is_wholesale: bool
    min_order_qty: int
    shop: ShopBrief


class StoreProductPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ProductCard]


class StoreSkuOut(Schema):
    id: int
    spec_values: list[str]
    spec_text: str
    price_fen: int
    original_price_fen: int | None
    available: int


class StoreProductOut(ProductCard):
    images: list[str]
    video_url: str
    detail_html: str
    attributes: dict
    spec_axes: list[dict]
    category_id: int
    brand: str | None
    skus: list[StoreSkuOut]


class AdjustmentOut(Schema):
    code: str
    label: str
    amount_fen: int


class BreakdownOut(AdjustmentOut):
    stage: str = Field(
        ..., description="item（套餐）/ shop（满减、店铺券）/ platform（平台券、积分的本店分摊）"
    )
    platform_fen: int = Field(0, description="其中平台承担的部分")


class CouponViewOut(Schema):
    """A coupon the buyer holds that touches this cart: applied or not, and why."""

    coupon_id: int
    promotion_id: int
    label: str
    shop_id: int | None
    usable: bool
    chosen: bool
    amount_fen: int
    reason: str = Field("", description="未使用的原因，如“还差38元可用”")
    valid_until: datetime


class LineOut(Schema):
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    image: str
    unit_price_fen: int
    quantity: int
    subtotal_fen: int
    discount_fen: int
    payable_fen: int
    available: int
    ok: bool
    problem: str
    selected: bool | None = None
    list_price_fen: int = Field(0, description="商品级优惠前的单价")
    promotion_label: str = Field("", description="单价所用的商品级优惠，如 限时折扣 / 会员价（金卡）/ 秒杀价")
    item_discount_fen: int = 0
    notes: list[str] = Field(default_factory=list, description="如“秒杀每人限购 2 件，超出按原价购买”")


class GroupOut(Schema):
    shop: ShopBrief
    lines: list[LineOut]
    adjustments: list[AdjustmentOut]
    subtotal_fen: int
    discount_fen: int
    freight_fen: int
    total_fen: int
    problem: str
    breakdown: list[BreakdownOut] = Field(default_factory=list, description="本店各项优惠（按活动汇总）")
    hints: list[str] = Field(default_factory=list, description="如“再买¥38可减¥50”")
    item_discount_fen: int = 0


class CartOut(Schema):
    groups: list[GroupOut]
    line_count: int
    selected_quantity: int
    selected_fen: int
    adjustments: list[AdjustmentOut] = Field(default_factory=list, description="平台级优惠：平台券、积分")
    coupons: list[CouponViewOut] = Field(default_factory=list)


class AddressOut(Schema):
    id: int
    receiver: str
    phone: str
    province_code: str
    city_code: str
    district_code: str
    region_text: str
    detail: str
    is_default: bool


class StorePreviewOut(Schema):
    groups: list[GroupOut]
    address: AddressOut | None
    adjustments: list[AdjustmentOut]
    goods_fen: int
    discount_fen: int
    freight_fen: int
    payable_fen: int
    problems: list[str]
    can_submit: bool
    item_discount_fen: int = 0
    coupons: list[CouponViewOut] = Field(default_factory=list)
    coupon_ids: list[int] = Field(
        default_factory=list, description="实际使用的优惠券；下单时原样传回即按此计价"
    )
    points_used: int = 0
    points_available: int = 0
    points_max: int = Field(0, description="本单最多可用积分")


class StoreOrderLineOut(Schema):
    id: int
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    image: str
    unit_price_fen: int
    quantity: int
    subtotal_fen: int
    discount_fen: int
    payable_fen: int
    list_price_fen: int = 0
    promotion_label: str = ""
    discounts: list[dict] = Field(default_factory=list, description="本行分摊到的各项优惠")
    refunded_qty: int = 0
    refunded_fen: int = 0


class StoreOrderEventOut(Schema):
    from_status: str
    to_status: str
    actor_kind: str
    note: str
    created_at: datetime


class StoreRefundOut(Schema):
    id: int
    no: str
    status: str
    status_label: str
    amount_fen: int
    reason: str
    seller_note: str
    created_at: datetime
    is_full: bool = True


class StoreOrderOut(Schema):
    id: int
    no: str
    status: str
    status_label: str
    shop: ShopBrief
    payment_no: str
    goods_fen: int
    discount_fen: int
    freight_fen: int
    total_fen: int
    created_at: datetime
    pay_deadline: datetime
    lines: list[StoreOrderLineOut]
    item_discount_fen: int = 0
    points_used: int = 0


class OrderDetailOut(StoreOrderOut):
    address: dict
    buyer_note: str
    adjustments: list[dict]
    carrier: str
    tracking_no: str
    paid_at: datetime | None
    shipped_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    events: list[StoreOrderEventOut]
    refund: StoreRefundOut | None


class StoreOrderPage(Schema):
    count: int
    page: int
    pages: int
    items: list[StoreOrderOut]


class PaymentOrderOut(Schema):
    id: int
    no: str
    status: str
    shop: ShopBrief
    total_fen: int


class PaymentOut(Schema):
    payment_no: str
    amount_fen: int
    status: str
    status_label: str
    paid_at: datetime | None
    pay_deadline: datetime | None
    orders: list[PaymentOrderOut]
    gateways: list[dict]


class SandboxPayOut(Schema):
    outcome: str
    payment: PaymentOut


class RegionOut(Schema):
    code: str
    name: str
    level: int


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    user_id: int
    display_name: str


# --- promotions -------------------------------------------------------------------------------------------------


class FlashBuyIn(In):
    quantity: StrictInt = Field(1, description="抢购数量（受每人限购约束）")
    address_id: StrictInt
    buyer_note: str = Field("", max_length=200)


class GroupBuyIn(In):
    team_id: StrictInt | None = Field(None, description="参加的团；不传则发起新团")
    quantity: StrictInt = 1
    address_id: StrictInt
    buyer_note: str = Field("", max_length=200)


class SkuPriceOut(Schema):
    sku_id: int
    list_price_fen: int = Field(..., description="售价")
    price_fen: int = Field(..., description="该买家现在的单价（与列表页、结算一致）")
    label: str = Field("", description="限时折扣 / 会员价（…）/ 秒杀价 …；空：无商品级优惠")
    ends_at: datetime | None
    notes: list[str]
    original_price_fen: int | None = Field(
        None, description="可划线展示的划线价（已按活动前 7 日最低价校验）；null 不展示"
    )
    msrp_fen: int | None = Field(None, description="厂商指导价：标注展示，不划线")
    available: int


class CouponOfferOut(Schema):
    """A public coupon that can be claimed now."""

    promotion_id: int
    name: str
    label: str
    shop: ShopBrief | None
    threshold_fen: int
    starts_at: datetime
    ends_at: datetime
    valid_days: int = Field(0, description="领取后有效天数；0：至活动结束")
    per_buyer_limit: int
    claimed: int = Field(0, description="当前买家已领张数（未登录为 0）")
    can_claim: bool


class MyCouponOut(Schema):
    id: int
    promotion_id: int
    name: str
    label: str
    shop: ShopBrief | None
    status: str
    valid_from: datetime
    valid_until: datetime
    used_at: datetime | None


class StoreFlashItemOut(Schema):
    item_id: int
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    image: str
    price_fen: int
    list_price_fen: int
    stock: int
    left: int
    sold_out: bool


class FlashOut(Schema):
    promotion_id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    running: bool
    per_buyer_limit: int
    items: list[StoreFlashItemOut]


class FlashSessionOut(Schema):
    name: str
    starts_at: datetime
    ends_at: datetime
    running: bool
    items: list[StoreFlashItemOut]


class GroupItemOut(Schema):
    item_id: int
    sku_id: int
    price_fen: int
    list_price_fen: int


class TeamBriefOut(Schema):
    id: int
    leader: str = Field(..., description="团长昵称（已打码）")
    item_id: int
    size: int
    paid_count: int
    missing: int = Field(..., description="还差几人（按已付款计）")
    expires_at: datetime


class GroupBuyOut(Schema):
    promotion_id: int
    name: str
    size: int
    hours: int
    per_buyer_limit: int
    items: list[GroupItemOut]
    open_teams: list[TeamBriefOut]


class BundleItemOut(Schema):
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    quantity: int
    price_fen: int


class BundleOut(Schema):
    promotion_id: int
    name: str
    price_fen: int
    whole_fen: int = Field(..., description="单买合计")
    items: list[BundleItemOut]


class ProductPromotionsOut(Schema):
    product_id: int
    prices: list[SkuPriceOut]
    tags: list[str]
    full_reductions: list[str]
    coupons: list[CouponOfferOut]
    flash: FlashOut | None
    group_buy: GroupBuyOut | None
    bundles: list[BundleOut]


class PointsEntryOut(Schema):
    delta: int
    balance_after: int
    reason: str
    reason_label: str
    note: str
    created_at: datetime


class PointsOut(Schema):
    balance: int
    entries: list[PointsEntryOut]
    rules: list[str]


class GroupMemberOut(Schema):
    name: str = Field(..., description="昵称（已打码）")
    is_leader: bool
    paid: bool


class GroupTeamOut(Schema):
    id: int
    status: str
    status_label: str
    product_id: int
    title: str
    spec_text: str
    image: str
    item_id: int
    sku_id: int
    group_price_fen: int
    list_price_fen: int
    size: int
    seats_left: int
    paid_count: int
    expires_at: datetime
    members: list[GroupMemberOut]
    joined: bool = Field(..., description="当前买家是否已在团中")
    can_join: bool
