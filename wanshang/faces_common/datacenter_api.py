"""The 交易报表 and 异常提醒 API pieces shared by the seller and platform faces (dates ISO, money in fen); the
dashboard's shapes are in datacenter_schemas.py.

The schemas read the report and the alerts themselves (attributes, `Field(alias=...)` and `resolve_<field>`
resolvers): a handler returns the `TradeReport` or the `Alert`, never a dict it built.
"""

from datetime import date, datetime

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Schema
from pydantic import ConfigDict

# --- 交易报表 and 异常提醒: the seller's shapes; the platform adds the shop ---------------------------------------


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class RangeQuery(In):
    start: str | None = Field(None, description="开始日期 YYYY-MM-DD（默认结束日期前 6 天）")
    end: str | None = Field(None, description="结束日期 YYYY-MM-DD（默认今天；最长 92 天）")


class TotalsOut(Schema):
    orders: int
    amount_fen: int
    buyers: int = Field(description="支付买家数：整个范围内去重")
    refund_fen: int


class HourOut(Schema):
    start: datetime
    day: date
    hour: int
    label: str
    orders: int
    amount_fen: int
    refund_fen: int


class DayOut(Schema):
    day: date
    orders: int
    amount_fen: int
    buyers: int
    refund_fen: int


class TradeOut(Schema):
    """A `TradeReport` (insights.trade)."""

    start: date = Field(alias="range.start")
    end: date = Field(alias="range.end")
    totals: TotalsOut
    days: list[DayOut]
    hours: list[HourOut]


class AlertOut(Schema):
    """An `Alert` (insights.anomaly)."""

    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    hour: datetime
    observed: int
    expected: float
    detail: str
    read: bool
    read_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_read(alert) -> bool:
        return alert.read_at is not None


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_doc(media_type: str) -> dict:
    """`openapi_extra` of an export endpoint: its 200 is a file download, not JSON."""
    return {
        "responses": {
            200: {
                "description": "文件下载（Content-Disposition: attachment）",
                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def export_response(export) -> HttpResponse:
    """A trade export (analytics.exports) as a download."""
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response
