"""Typed shapes of the 数据中心 dashboard (实时概况) and of a report's period, for the seller and platform APIs.

They read what `insights.selectors.dashboard` returns (its dict, the `Period` dataclass) through ninja's
attribute access, aliases and resolvers: no hand-built dict. Money in fen, rates as fractions (0.1234 =
12.34%), None where the base is 0.
"""

from datetime import date, datetime

from ninja import Field, Schema

from wanshang.insights.types import METRICS

Figure = int | float | None  # a count or fen stays an integer; a rate, an average or seconds is a float


class DataPreviousPeriodOut(Schema):
    key: str
    label: str
    start: date
    end: date
    live_until: datetime | None = Field(alias="live_end", description="今日实时：统计截至的时刻，其余为 null")


class DataPeriodOut(DataPreviousPeriodOut):
    previous: DataPreviousPeriodOut | None = Field(description="对比的上一周期（今日实时对比昨日同时段）")


class DataMetricOut(Schema):
    key: str
    label: str
    kind: str = Field(description="count / fen / rate / seconds")
    value: Figure
    previous: Figure
    change: float | None = Field(description="较上期变化（比例）")
    category_avg: Figure = Field(description="同行平均（同主营类目至少 3 家店铺时才有）")


class DataFunnelStepOut(Schema):
    key: str
    label: str
    count: int
    of_previous: float | None
    drop_off: float | None
    of_visitors: float | None


class DataTrendDayOut(Schema):
    day: date
    uv: int
    pv: int
    bounced: int
    stay_ms: int
    product_visitors: int
    cart_visitors: int
    fav_visitors: int
    paid_buyers: int
    paid_fen: int
    paid_orders: int
    ordered_buyers: int
    refund_fen: int
    bounce_rate: float | None
    avg_stay_seconds: float | None
    pay_conversion: float | None
    per_buyer_fen: int | None
    uv_value_fen: int | None
    cart_rate: float | None
    fav_rate: float | None
    refund_rate: float | None
    per_order_fen: int | None


class DataSourceGroupOut(Schema):
    """A level-1 traffic source (免费 / 付费 / 站外 / 直接 …)."""

    code: str
    label: str
    visitors: int
    paying: int
    share: float | None
    conversion: float | None


class DataSourceOut(DataSourceGroupOut):
    """A level-2 traffic source and its level-1 group."""

    level1: str


class DataSourcesOut(Schema):
    level1: list[DataSourceGroupOut]
    level2: list[DataSourceOut]
    total: int


class DataDefinitionsOut(Schema):
    bounce_rate: str
    units: dict[str, str] = Field(description="各指标的单位：count / fen / rate / seconds")


class DataOverviewOut(Schema):
    period: DataPeriodOut
    metrics: list[DataMetricOut] = Field(alias="cards")
    category_peers: int = Field(description="参与同行平均的店铺数（不足 3 家时为 0，不显示同行平均）")
    funnel: list[DataFunnelStepOut]
    trend: list[DataTrendDayOut]
    sources: DataSourcesOut
    definitions: DataDefinitionsOut

    @staticmethod
    def resolve_category_peers(board) -> int:
        average = board["category_avg"]
        return average["peers"] if average else 0

    @staticmethod
    def resolve_definitions(board) -> dict:
        return {"bounce_rate": board["bounce_definition"], "units": {m[0]: m[2] for m in METRICS}}
