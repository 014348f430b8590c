"""The after-sales case as the storefront and seller APIs answer it. Each face subclasses these under its own
schema name (StoreCase…, SellerCase…); the fields read the case rows the aftersales selectors return."""

from datetime import datetime

from ninja import Field, Schema

from wanshang.aftersales.selectors import (
    case_deadline,
    case_evidence,
    case_items,
    case_messages,
    case_refund,
    case_risk,
    case_timeline,
)


class AfterSalesLineOut(Schema):
    line_id: int
    title: str
    spec_text: str
    image: str
    quantity: int
    unit_price_fen: int


class AfterSalesDeadlineOut(Schema):
    party: str = Field(description="须处理的一方：buyer / seller / platform")
    at: datetime
    seconds_left: int


class AfterSalesEventOut(Schema):
    from_status: str
    to_status: str
    role: str = Field(description="buyer / seller / platform / system")
    note: str
    created_at: datetime


class AfterSalesEvidenceOut(Schema):
    id: int
    role: str
    url: str = Field(alias="asset.url")
    created_at: datetime


class AfterSalesMessageOut(Schema):
    id: int
    role: str = Field(description="buyer / seller / platform")
    text: str
    images: list[str] = []
    created_at: datetime

    @staticmethod
    def resolve_images(obj):
        return [image.asset.url for image in obj.images.all()]


class AfterSalesRefundOut(Schema):
    no: str
    amount_fen: int
    freight_fen: int
    status: str
    status_label: str = Field(alias="get_status_display")
    last_error: str


class AfterSalesCaseBase(Schema):
    id: int
    no: str
    order_id: int
    order_no: str = Field(alias="order.no")
    type: str = Field(description="refund_only 仅退款 / return_refund 退货退款 / exchange 换货")
    type_label: str = Field(alias="get_type_display")
    status: str
    status_label: str = Field(alias="get_status_display")
    reason_text: str
    shop_fault: bool
    amount_fen: int = Field(description="应退金额（分）：申请时的报价，退款时按锁定后的份额重算")
    instant_refund: bool = Field(description="极速退款：申请时即由系统同意并退款，无需商家处理")
    deadline_at: datetime | None
    deadline: AfterSalesDeadlineOut | None = None
    items: list[AfterSalesLineOut] = []
    created_at: datetime

    @staticmethod
    def resolve_deadline(obj):
        return case_deadline(case=obj)

    @staticmethod
    def resolve_items(obj):
        return case_items(case=obj)


class AfterSalesCaseDetailBase(AfterSalesCaseBase):
    description: str
    reject_reason: str
    return_address: dict
    return_carrier: str
    return_tracking_no: str
    return_freight_fen: int = Field(description="买家垫付、由商家承担的退货运费（分）；0 = 无")
    replacement_sku_id: int | None
    reship_carrier: str
    reship_tracking_no: str
    escalated_at: datetime | None
    arbitration_decision: str = Field(
        description="平台裁决：refund_full / refund_partial / reject / return_first"
    )
    arbitration_note: str
    timeline: list[AfterSalesEventOut] = []
    evidence: list[AfterSalesEvidenceOut] = []
    messages: list[AfterSalesMessageOut] = []
    refund: AfterSalesRefundOut | None = None

    @staticmethod
    def resolve_timeline(obj):
        return case_timeline(case=obj)

    @staticmethod
    def resolve_evidence(obj):
        return case_evidence(case=obj)

    @staticmethod
    def resolve_messages(obj):
        return case_messages(case=obj)

    @staticmethod
    def resolve_refund(obj):
        return case_refund(case=obj)


class AfterSalesReasonOut(Schema):
    id: int
    name: str
    fault: str
    for_refund_only: bool
    for_return: bool
    for_exchange: bool
    no_reason: bool
    active: bool
    position: int


class AfterSalesRiskReasonOut(Schema):
    code: str = Field(
        description="refund_only_rate / return_rate / not_received_signed / shared_address / shared_visitor / "
        "new_account_refunds"
    )
    text: str = Field(description="原因与数字，例如“近90天发货后仅退款 6 次，占订单 60%（10 笔）”")
    weight: int


class AfterSalesRiskOut(Schema):
    """The buyer's refund risk (docs/refund-risk.md): the merchant and the platform see it, the buyer never."""

    score: int = Field(description="0–100")
    level: str = Field(description="low / medium / high（已计入平台标记）")
    level_label: str
    reasons: list[AfterSalesRiskReasonOut] = []
    flag: str = Field(description="平台标记：'' / trusted 已核实可信 / watch 重点关注")
    flag_label: str
    computed_at: datetime | None
    stored: bool = Field(description="true：买家申请售后时的评估；false：申请时尚未评估，为当前评估")

    @staticmethod
    def resolve_reasons(obj):
        return obj.reason_rows()


class AfterSalesInstantReasonOut(Schema):
    code: str = Field(
        description="platform_off / shop_off / not_refund_only / shipped / over_cap / risk_level / "
        "platform_watch / new_account"
    )
    text: str = Field(description="原因与数字，例如“退款金额 ¥800.00 超过极速退款上限 ¥500.00”")


def case_risk_of(case):
    """The case's stored risk, for the seller's and the platform's case schemas (never the buyer's)."""
    return case_risk(case=case)
