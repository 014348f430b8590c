"""Seller JSON API of the 推广单元 tools: keyword suggestions from the search log with their one-click add, and
the creatives report. The shop is the caller's; another shop's group is 404 (nothing read or written for it).
Permission ads.manage. Money in integer fen.

- `GET /api/seller/ads/groups/{id}/keyword-suggestions`: candidates with monthly searches, competition, CTR and
  the suggested bid (the rule: docs/ads.md "Keyword suggestions").
- `POST /api/seller/ads/groups/{id}/keyword-suggestions`: add one word with a match type; without `bid_fen`, at
  the suggested bid. 400: the word is empty, over 20 characters or already in the group, a bad bid; 409 an
  ended plan or an audience plan's group (no keywords); 422 a malformed body.
- `GET /api/seller/ads/groups/{id}/creatives/report?days=7|14|30`: each creative's impressions, clicks (charged),
  CTR and rotation share; 422 another period.
"""

from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from wanshang.ads import selectors as ads
from wanshang.ads.services import suggestion_add
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
AUTH = seller_auth(P.ADS_MANAGE)


def _shop(request):
    return staff_require(user=request.user, perm=P.ADS_MANAGE).shop


class SellerAdSuggestionOut(Schema):
    word: str = Field(description="关键词（分词以空格隔开，可原样添加）")
    source: str = Field(description="search 搜索日志（打开过同类目商品的搜索词）/ title 商品标题分词")
    monthly_searches: int = Field(description="近 30 天搜索次数")
    competition: int = Field(description="正在出价的其他店铺数")
    impressions: int = Field(description="近 30 天所有店铺该词广告的展现量")
    clicks: int = Field(description="近 30 天有效点击")
    ctr: float | None = Field(description="点击率；没有展现为 null")
    suggested_bid_fen: int = Field(
        description="建议出价（分）：竞争出价的第 75 百分位，不低于底价、不高于日预算"
    )


class SellerAdSuggestionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    word: str = Field(max_length=100, description="要添加的关键词（通常取自推荐）")
    match_type: str = Field("broad", description="exact 精确 / phrase 短语 / broad 广泛")
    bid_fen: int | None = Field(None, description="出价（分）；不填用建议出价")


class SellerAdSuggestionAddedOut(Schema):
    id: int
    group_id: int
    word: str
    bid_fen: int | None
    match_type: str
    status: str


class SellerAdCreativeReportRowOut(Schema):
    creative_id: int | None = Field(
        description="创意编号；null 为商品主图与标题（无创意时），-1 为已删除的创意合计"
    )
    title: str
    image_url: str
    impressions: int
    clicks: int = Field(description="扣费点击")
    ctr: float | None = Field(description="点击率；没有展现为 null")
    share: float | None = Field(description="当前轮播中被选中的概率；不再轮播为 null")
    deleted: bool


class CreativeReportFilters(Schema):
    days: int = Field(30, description="最近多少天：7 / 14 / 30")


@router.get(
    "/ads/groups/{group_id}/keyword-suggestions",
    response={200: list[SellerAdSuggestionOut], **ERRORS},
    summary="关键词推荐（搜索日志与商品标题）",
    auth=AUTH,
)
def seller_ad_keyword_suggestions(request, group_id: int, limit: int = Query(30, ge=1, le=100)):
    return ads.keyword_suggestions(shop=_shop(request), group_id=group_id, limit=limit)


@router.post(
    "/ads/groups/{group_id}/keyword-suggestions",
    response={201: SellerAdSuggestionAddedOut, **ERRORS},
    summary="一键添加推荐关键词",
    description="不填出价时用建议出价。400：空词、超过 20 个字、单元内已有、出价不合法；404：不是本店的推广单元。",
    auth=AUTH,
)
def seller_ad_keyword_suggestion_add(request, group_id: int, payload: SellerAdSuggestionIn):
    return 201, suggestion_add(shop=_shop(request), group_id=group_id, **payload.dict())


@router.get(
    "/ads/groups/{group_id}/creatives/report",
    response={200: list[SellerAdCreativeReportRowOut], **ERRORS},
    summary="创意报表（展现、点击、点击率、轮播占比）",
    auth=AUTH,
)
def seller_ad_creative_report(request, group_id: int, filters: Query[CreativeReportFilters]):
    if filters.days not in ads.CREATIVE_REPORT_PERIODS:
        return 422, {"detail": "周期只能是 7、14 或 30 天", "code": "invalid", "field": "days"}
    return ads.creative_report(shop=_shop(request), group_id=group_id, days=filters.days)
