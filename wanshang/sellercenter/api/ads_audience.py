"""Seller JSON API of 引力魔方 audience plans (/api/seller/ads/…): an audience plan's billing and frequency cap,
its crowd targets with their bid multipliers, and the shop's crowd packs it may target. Permission
ads.manage; the shop is the caller's: another shop's plan, target or crowd pack is 404 (a pack in a new target:
400 `人群包不存在`). A competing-shop crowd is never named.

Errors (JSON `{detail, code, field}`): 400 a refused value (a multiplier outside 10–300 %, an unknown crowd
kind, a missing or foreign crowd pack, empty or over-long intent words, a frequency cap outside 1–50, a keyword
plan); 404 not found or another shop's; 409 the crowd is already targeted, billing changed after the plan
started, an ended plan; 422 a malformed body.
"""

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.ads import selectors as ads
from wanshang.ads import services
from wanshang.common.api_paging import Paged
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
AUTH = seller_auth(P.ADS_MANAGE)


def _shop(request):
    return staff_require(user=request.user, perm=P.ADS_MANAGE).shop


class SellerAdAudienceSetupIn(Schema):
    model_config = ConfigDict(extra="forbid")
    billing: str = Field(description="cpc 按点击 / cpm 按千次展示（计划开始投放后不能再改）")
    frequency_cap: int = Field(description="同一访客每天最多看到本计划广告的次数，1–50")


class SellerAdAudienceSetupOut(Schema):
    plan_id: int
    billing: str
    frequency_cap: int


class SellerAdAudienceTargetIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(
        description="pack 自定义人群包 / similar 相似商品访客 / competitor 竞品店铺访客 / intent 关键词意向"
    )
    multiplier_pct: int = Field(description="出价系数（%），10–300：单元出价 × 系数")
    pack_id: int | None = Field(None, description="kind=pack：本店的人群包 id")
    words: list[str] | None = Field(
        None, max_length=50, description="kind=intent：意向词，最多 10 个，每个 ≤ 20 字"
    )


class SellerAdAudienceTargetPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    multiplier_pct: int | None = None
    status: str | None = Field(None, description="active / paused")


class SellerAdAudienceTargetOut(Schema):
    id: int
    plan_id: int
    kind: str
    label: str = Field(description="人群名称（竞品店铺访客不显示具体店铺）")
    pack_id: int | None
    words: list[str]
    multiplier_pct: int
    status: str


class SellerAdCrowdPackOut(Schema):
    id: int
    name: str
    size: int


@router.get(
    "/ads/plans/{plan_id}/audience",
    response={200: SellerAdAudienceSetupOut, **ERRORS},
    summary="人群推广计划的投放设置",
    auth=AUTH,
)
def seller_ad_audience_setup(request, plan_id: int):
    return ads.audience_setup(shop=_shop(request), plan_id=plan_id)


@router.put(
    "/ads/plans/{plan_id}/audience",
    response={200: SellerAdAudienceSetupOut, **ERRORS},
    summary="修改计费方式与频次上限",
    auth=AUTH,
)
def seller_ad_audience_setup_update(request, plan_id: int, payload: SellerAdAudienceSetupIn):
    return services.audience_setup_update(shop=_shop(request), plan_id=plan_id, **payload.dict())


@router.get(
    "/ads/plans/{plan_id}/audience/targets",
    response={200: list[SellerAdAudienceTargetOut], **ERRORS},
    summary="定向人群列表",
    auth=AUTH,
)
@paginate(Paged, page_size=50, max_page_size=200)
def seller_ad_audience_targets(request, plan_id: int):
    return ads.target_list(shop=_shop(request), plan_id=plan_id)


@router.post(
    "/ads/plans/{plan_id}/audience/targets",
    response={201: SellerAdAudienceTargetOut, **ERRORS},
    summary="添加定向人群",
    auth=AUTH,
)
def seller_ad_audience_target_add(request, plan_id: int, payload: SellerAdAudienceTargetIn):
    shop = _shop(request)
    target = services.target_add(shop=shop, plan_id=plan_id, **payload.dict())
    return 201, ads.target_get(shop=shop, target_id=target.pk)


@router.patch(
    "/ads/audience/targets/{target_id}",
    response={200: SellerAdAudienceTargetOut, **ERRORS},
    summary="修改定向人群的出价系数或状态",
    auth=AUTH,
)
def seller_ad_audience_target_update(request, target_id: int, payload: SellerAdAudienceTargetPatchIn):
    shop = _shop(request)
    services.target_update(shop=shop, target_id=target_id, **payload.dict())
    return ads.target_get(shop=shop, target_id=target_id)


@router.delete(
    "/ads/audience/targets/{target_id}", response={204: None, **ERRORS}, summary="移除定向人群", auth=AUTH
)
def seller_ad_audience_target_delete(request, target_id: int):
    services.target_delete(shop=_shop(request), target_id=target_id)
    return 204, None


@router.get(
    "/ads/audience/crowd-packs",
    response={200: list[SellerAdCrowdPackOut], **ERRORS},
    summary="可定向的本店人群包",
    auth=AUTH,
)
@paginate(Paged, page_size=50, max_page_size=200)
def seller_ad_audience_crowd_packs(request):
    return ads.crowd_packs_of(shop=_shop(request))
