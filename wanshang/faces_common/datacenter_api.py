"""JSON shapes of the 数据中心 dicts, shared by the seller and platform APIs (dates ISO, money in fen)."""

from datetime import date, datetime

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Schema
from pydantic import ConfigDict

from wanshang.insights.types import METRICS


def period_out(period) -> dict:
    out = {
        "key": period.key,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "live_until": period.live_end.isoformat() if period.live_end else None,
    }
    if period.previous is not None:
        out["previous"] = period_out(period.previous)
    return out


def dashboard_out(board: dict) -> dict:
    average = board["category_avg"]
    return {
        "period": period_out(board["period"]),
        "metrics": [
            {k: c[k] for k in ("key", "label", "kind", "value", "previous", "change", "category_avg")}
            for c in board["cards"]
        ],
        "category_peers": average["peers"] if average else 0,
        "funnel": board["funnel"],
        "trend": [{**row, "day": row["day"].isoformat()} for row in board["trend"]],
        "sources": board["sources"],
        "definitions": {"bounce_rate": board["bounce_definition"], "units": {m[0]: m[2] for m in METRICS}},
    }


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
    start: date
    end: date
    totals: TotalsOut
    days: list[DayOut]
    hours: list[HourOut]


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    hour: datetime
    observed: int
    expected: float
    detail: str
    read: bool
    read_at: datetime | None
    created_at: datetime


def trade_out(report) -> dict:
    """A `TradeReport` (analytics.trade) as TradeOut."""
    t = report.totals
    return {
        "start": report.range.start,
        "end": report.range.end,
        "totals": {
            "orders": t.orders,
            "amount_fen": t.amount_fen,
            "buyers": t.buyers,
            "refund_fen": t.refund_fen,
        },
        "days": [
            {
                "day": d.day,
                "orders": d.orders,
                "amount_fen": d.amount_fen,
                "buyers": d.buyers,
                "refund_fen": d.refund_fen,
            }
            for d in report.days
        ],
        "hours": [
            {
                "start": h.start,
                "day": h.day,
                "hour": h.hour,
                "label": h.label,
                "orders": h.orders,
                "amount_fen": h.amount_fen,
                "refund_fen": h.refund_fen,
            }
            for h in report.hours
        ],
    }


def alert_out(alert) -> dict:
    """An `Alert` as AlertOut."""
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_label": alert.get_kind_display(),
        "hour": alert.hour,
        "observed": alert.observed,
        "expected": alert.expected,
        "detail": alert.detail,
        "read": alert.read_at is not None,
        "read_at": alert.read_at,
        "created_at": alert.created_at,
    }


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
