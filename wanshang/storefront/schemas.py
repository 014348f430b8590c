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
    items: list[OrderItemIn] = Field(default_factory=list, max_length=120,
                                     description="直接购买的商品；与 from_cart 二选一")
    from_cart: StrictBool = Field(False, description="true：结算购物车中已勾选的商品")
    address_id: StrictInt
    buyer_note: str = Field("", max_length=200)
    expected_payable_fen: StrictInt | None = Field(
        None, description="客户端展示的应付金额（分）；与服务端计算不一致时拒绝下单（409）")


class CancelIn(In):
    reason: str = Field("", max_length=200)


class RefundIn(In):
    reason: str = Field(..., max_length=200)


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


class ShopOut(ShopBrief):
    description: str
    company_name: str
    product_count: int


class ProductCard(Schema):
    id: int
    title: str
    subtitle: str
    image: str
    min_price_fen: int
    sales_count: int
    is_wholesale: bool
    min_order_qty: int
    shop: ShopBrief


class ProductPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ProductCard]


class SkuOut(Schema):
    id: int
    spec_values: list[str]
    spec_text: str
    price_fen: int
    original_price_fen: int | None
    available: int


class ProductOut(ProductCard):
    images: list[str]
    video_url: str
    detail_html: str
    attributes: dict
    spec_axes: list[dict]
    category_id: int
    brand: str | None
    skus: list[SkuOut]


class AdjustmentOut(Schema):
    code: str
    label: str
    amount_fen: int


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


class GroupOut(Schema):
    shop: ShopBrief
    lines: list[LineOut]
    adjustments: list[AdjustmentOut]
    subtotal_fen: int
    discount_fen: int
    freight_fen: int
    total_fen: int
    problem: str


class CartOut(Schema):
    groups: list[GroupOut]
    line_count: int
    selected_quantity: int
    selected_fen: int


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


class PreviewOut(Schema):
    groups: list[GroupOut]
    address: AddressOut | None
    adjustments: list[AdjustmentOut]
    goods_fen: int
    discount_fen: int
    freight_fen: int
    payable_fen: int
    problems: list[str]
    can_submit: bool


class OrderLineOut(Schema):
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


class OrderEventOut(Schema):
    from_status: str
    to_status: str
    actor_kind: str
    note: str
    created_at: datetime


class RefundOut(Schema):
    id: int
    no: str
    status: str
    status_label: str
    amount_fen: int
    reason: str
    seller_note: str
    created_at: datetime


class OrderOut(Schema):
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
    lines: list[OrderLineOut]


class OrderDetailOut(OrderOut):
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
    events: list[OrderEventOut]
    refund: RefundOut | None


class OrderPage(Schema):
    count: int
    page: int
    pages: int
    items: list[OrderOut]


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
