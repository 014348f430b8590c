"""Shapes of a package and its tracking timeline, shared by the buyer's and the seller's API (each face
subclasses them under its own schema name)."""

from datetime import datetime

from ninja import Field, Schema


class TrackPointBase(Schema):
    at: datetime
    state: str = Field(
        description="揽收 collected / 运输中 in_transit / 派送中 delivering / 已签收 signed / 异常 problem / 退回 returned"
    )
    state_label: str = Field(alias="get_state_display")
    location: str
    text: str


class PackageLineBase(Schema):
    order_line_id: int
    sku_id: int
    title: str
    spec_text: str
    quantity: int


class PackageBase(Schema):
    id: int
    order_id: int
    package_no: int
    carrier: str
    carrier_label: str = Field(alias="get_carrier_display")
    tracking_no: str
    waybill: bool = Field(description="电子面单（由商家物流账户取号）")
    state: str
    state_label: str = Field(alias="get_state_display")
    shipped_at: datetime = Field(alias="created_at")
    last_event_at: datetime | None
    delivered_at: datetime | None
