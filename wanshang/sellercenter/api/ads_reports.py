"""Seller JSON API for 推广报表 (/api/seller/ads/reports…, /api/seller/ads/reports/crowds,
/api/seller/ads/search-terms, /api/seller/ads/keywords/{id}/quality): the same selectors as the pages. The shop is the caller's; another
shop's plan, group or keyword id is 404; a bad dimension or period is 400/422. Permission ads.manage."""

from datetime import date

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wanshang.ads.selectors import crowd_report, keyword_quality, search_terms, traffic_report
from wanshang.common.api_paging import Paged
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 422: Message}
AUTH = seller_auth(P.ADS_MANAGE)


class AdReportFilters(Schema):
    by: str = Field(
        "day",
        pattern="^(day|hour|plan|group|keyword|placement)$",
        description="维度：day 按天 / hour 按小时（各小时在区间内合计）/ plan / group / keyword / placement 广告位",
    )
    days: int = Field(7, ge=1, le=90, description="最近多少天（含今天），1–90；给了 start 和 end 时不用")
    start: date | None = Field(None, description="自选区间的开始日期 YYYY-MM-DD（与 end 一起给，最长 90 天）")
    end: date | None = Field(None, description="自选区间的结束日期 YYYY-MM-DD（不晚于今天）")
    plan_id: int | None = Field(None, ge=1, le=2**62, description="只看该计划")
    group_id: int | None = Field(None, ge=1, le=2**62, description="只看该推广单元")
    placement: str | None = Field(
        None, pattern="^(search|home|product|cart|order_done)$", description="只看该广告位"
    )

    def period(self) -> dict:
        data = self.model_dump()
        if data["start"] is not None or data["end"] is not None:
            data["days"] = None
        return data


class AdReportRowOut(Schema):
    key: str = Field(description="日期（YYYY-MM-DD）、小时（0–23）、计划/单元/关键词编号或广告位")
    label: str
    impressions: int = Field(description="展现量")
    clicks: int = Field(description="点击量（扣费点击，不含事后退款的无效点击）")
    ctr: float = Field(description="点击率 = 点击量 ÷ 展现量")
    spend_fen: int = Field(description="花费（分，已扣除无效点击退款）")
    refunded_fen: int = Field(description="无效点击退款（分，已从花费中扣除）")
    invalid_clicks: int = Field(description="无效点击：机器流量、窗口内重复点击、无效点击（记录但不扣费）")
    avg_cpc_fen: int = Field(description="平均点击花费（分）")
    orders: int = Field(description="成交笔数（归因到广告点击的已支付订单）")
    gmv_fen: int = Field(description="成交金额（分，不含运费）")
    cvr: float = Field(description="点击转化率 = 成交笔数 ÷ 点击量")
    roas: float = Field(description="投产比 = 成交金额 ÷ 花费（扣除退款后）")

    @staticmethod
    def resolve_key(obj) -> str:
        return obj.key.isoformat() if isinstance(obj.key, date) else str(obj.key)

    @staticmethod
    def resolve_ctr(obj) -> float:
        return round(obj.ctr, 6)

    @staticmethod
    def resolve_cvr(obj) -> float:
        return round(obj.cvr, 6)

    @staticmethod
    def resolve_roas(obj) -> float:
        return round(obj.roas, 4)


class AdReportOut(Schema):
    by: str
    start: date
    end: date
    rows: list[AdReportRowOut]
    total: AdReportRowOut


class AdSearchTermOut(AdReportRowOut):
    keyword_id: int = Field(alias="extra.keyword_id")
    keyword: str = Field(alias="extra.keyword")
    query: str = Field(alias="extra.query", description="买家实际搜索的词（其他搜索词行为空）")
    rest: bool = Field(
        alias="extra.rest",
        description="其他搜索词：该关键词每天展现前 50 以外（且无成交）的搜索词之和，每个关键词一行",
    )
    queries: int = Field(alias="extra.queries", description="本行合计的搜索词数（按天计；普通行为 1）")


class AdCrowdReportOut(Schema):
    start: date
    end: date
    plan_id: int | None = Field(None, description="所选的人群推广计划；为空表示店铺全部人群推广计划")
    rows: list[AdReportRowOut] = Field(
        description="每个定向人群一行（key 为人群定向编号，0 为未定向人群），花费多的在前"
    )
    total: AdReportRowOut

    @staticmethod
    def resolve_plan_id(obj) -> int | None:
        return obj.plan.pk if obj.plan is not None else None


class AdQualityComponentOut(Schema):
    code: str = Field(description="ctr 预估点击率 / relevance 相关性 / experience 买家体验")
    name: str
    score: int = Field(description="1–10")
    level: str = Field(description="high / average / low")
    text: str = Field(description="原因与建议")


class AdKeywordQualityOut(Schema):
    keyword_id: int = Field(alias="keyword.pk")
    word: str = Field(alias="keyword.word")
    score: int = Field(alias="report.score", description="质量分 1–10（6 为同类目平均）")
    live: float = Field(alias="report.live", description="竞价使用的实时质量系数（1.0 为平均）")
    components: list[AdQualityComponentOut] = Field(alias="report.components")


@router.get(
    "/ads/reports",
    response={200: AdReportOut, **ERRORS},
    summary="推广报表：按天/小时/计划/单元/关键词/广告位的展现、点击、花费（扣除无效点击退款）、成交与投产比",
    auth=AUTH,
)
def seller_ads_report(request, filters: Query[AdReportFilters]):
    staff = staff_require(user=request.user, perm=P.ADS_MANAGE)
    return traffic_report(shop=staff.shop, **filters.period())


@router.get(
    "/ads/reports/crowds",
    response={200: AdCrowdReportOut, **ERRORS},
    summary="人群报表（引力魔方）：每个定向人群的展现、点击、花费（含千次展示扣费）、成交与投产比",
    auth=AUTH,
)
def seller_ads_crowd_report(
    request,
    days: int = Query(7, ge=1, le=90, description="最近多少天（含今天）；给了 start 和 end 时不用"),
    start: date | None = None,
    end: date | None = None,
    plan_id: int | None = Query(None, ge=1, le=2**62, description="只看该人群推广计划"),
):
    staff = staff_require(user=request.user, perm=P.ADS_MANAGE)
    custom = start is not None or end is not None
    return crowd_report(shop=staff.shop, days=None if custom else days, start=start, end=end, plan_id=plan_id)


@router.get(
    "/ads/search-terms",
    response={200: list[AdSearchTermOut], **ERRORS},
    summary="搜索词报表：买家的真实搜索词触发了哪个关键词，及其数据",
    auth=AUTH,
)
@paginate(Paged, page_size=50, max_page_size=200)
def seller_ads_search_terms(
    request,
    days: int = Query(7, ge=1, le=90),
    start: date | None = None,
    end: date | None = None,
    plan_id: int | None = Query(None, ge=1, le=2**62),
    group_id: int | None = Query(None, ge=1, le=2**62),
    keyword_id: int | None = Query(None, ge=1, le=2**62),
):
    staff = staff_require(user=request.user, perm=P.ADS_MANAGE)
    custom = start is not None or end is not None
    return search_terms(
        shop=staff.shop,
        days=None if custom else days,
        start=start,
        end=end,
        plan_id=plan_id,
        group_id=group_id,
        keyword_id=keyword_id,
    )


@router.get(
    "/ads/keywords/{keyword_id}/quality",
    response={200: AdKeywordQualityOut, **ERRORS},
    summary="关键词质量分（1–10）及三项因素的得分与说明",
    auth=AUTH,
)
def seller_ads_keyword_quality(request, keyword_id: int):
    staff = staff_require(user=request.user, perm=P.ADS_MANAGE)
    return keyword_quality(shop=staff.shop, keyword_id=keyword_id)[0]
