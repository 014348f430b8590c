"""/api/seller/data/…: 客户分析 (RFM, a segment's buyers, 复购率 and cohorts) and 人群包 (list, save, view, refresh,
delete, issue a coupon to a pack). The same selectors and services as the pages.

The shop comes from the caller's staff membership (data.view; issuing a coupon needs marketing too), never from
the request: another shop's pack id is 404. Money is integer fen; shares and rates are fractions (0.25 = 25%).
"""

from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field, StrictInt

from wanshang.common.api_paging import Paged, PageOut, Rows
from wanshang.insights.selectors import (
    cohorts,
    crowd_pack_built_at,
    crowd_pack_get,
    crowd_packs,
    repurchase,
    rfm_compute,
    rfm_segment_buyers,
    rfm_segment_rows,
    rule_label,
    segment_check,
)
from wanshang.insights.services import (
    crowd_pack_create,
    crowd_pack_delete,
    crowd_pack_issue_coupon,
    crowd_pack_refresh,
)
from wanshang.insights.types import (
    COHORT_RULE,
    DEFAULT_COHORT_MONTHS,
    DEFAULT_WINDOW,
    HIGH_RULE,
    R_RULE,
    REPURCHASE_RULE,
    SCORE_RULE,
)
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import In, Message

router = Router()

ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}


# --- schemas ---------------------------------------------------------------------------------------------------


class SegmentOut(Schema):
    code: str
    name: str
    r_high: bool
    f_high: bool
    m_high: bool
    buyers: int
    share: float | None
    avg_r_days: float | None
    avg_f: float | None
    avg_m_fen: int | None
    amount_fen: int
    action: str


class ScoreMeans(Schema):
    r: float | None
    f: float | None
    m: float | None


class RfmDefinition(Schema):
    values: str
    score: str
    high: str


class RfmOut(Schema):
    """Reads an `Rfm` (insights.customers)."""

    window_days: int
    since: datetime
    as_of: datetime
    buyers: int = Field(alias="n")
    means: ScoreMeans
    definition: RfmDefinition
    segments: list[SegmentOut]

    @staticmethod
    def resolve_definition(rfm) -> dict:
        return {"values": str(R_RULE), "score": str(SCORE_RULE), "high": str(HIGH_RULE)}

    @staticmethod
    def resolve_segments(rfm) -> list[dict]:
        return rfm_segment_rows(rfm)


class BuyerRfmOut(Schema):
    user_id: int
    login: str
    last_paid_at: datetime
    r_days: int
    f: int
    m_fen: int
    r_score: int
    f_score: int
    m_score: int


class RfmBuyersPage(PageOut):
    """A page of a segment's buyers, with the window and the segment they were picked by."""

    window_days: int
    segment: str
    segment_name: str


class RepurchaseOut(Schema):
    window_days: int
    since: datetime
    as_of: datetime
    buyers: int
    repeat_buyers: int
    rate: float | None


class CohortCell(Schema):
    offset: int
    buyers: int | None
    rate: float | None


class CohortRow(Schema):
    month: str
    size: int
    cells: list[CohortCell]


class CohortsOut(Schema):
    repurchase: RepurchaseOut
    months: int
    definition: str = f"{REPURCHASE_RULE}{COHORT_RULE}"
    cohorts: list[CohortRow]


class CrowdOut(Schema):
    id: int
    name: str
    rule: dict
    rule_label: str
    size: int
    built_at: datetime
    created_at: datetime
    created_by_id: int | None

    @staticmethod
    def resolve_rule_label(pack) -> str:
        return rule_label(pack.rule)

    @staticmethod
    def resolve_built_at(pack) -> datetime:
        return crowd_pack_built_at(pack)


class CrowdDetailOut(CrowdOut):
    buyer_ids: list[int]

    @staticmethod
    def resolve_buyer_ids(pack) -> list[int]:
        return [int(i) for i in pack.buyer_ids]


class CrowdIn(In):
    name: str = Field(max_length=200)
    source: str = Field(description="rfm（RFM 分群）/ repurchasers（复购买家）/ one_time（仅购买一次）")
    segment: str | None = Field(default=None, description="source 为 rfm 时必填，如 important_value")
    window_days: StrictInt = DEFAULT_WINDOW


class CrowdIssueIn(In):
    promotion_id: StrictInt


class CrowdIssuedOut(Schema):
    issued: int
    at_limit: int
    inactive: int


# --- handlers --------------------------------------------------------------------------------------------------


def _staff(request, *perms):
    staff = None
    for perm in perms:
        staff = staff_require(user=request.user, perm=perm)
    return staff


@router.get("/rfm", response={200: RfmOut, **ERRORS}, summary="RFM 客户分群", auth=seller_auth(P.DATA_VIEW))
def rfm(request, window: int = DEFAULT_WINDOW):
    """`window`: 90 / 180 / 365 days. Scores 1–5 by rank (see `definition`); high = score ≥ the mean score."""
    staff = _staff(request, P.DATA_VIEW)
    return rfm_compute(shop=staff.shop, window_days=window)


@router.get(
    "/rfm/buyers",
    response={200: list[BuyerRfmOut], **ERRORS},
    summary="RFM 分群的买家明细",
    auth=seller_auth(P.DATA_VIEW),
)
@paginate(Paged, page_size=50, max_page_size=100, output=RfmBuyersPage)
def rfm_buyers(request, segment: str, window: int = DEFAULT_WINDOW):
    """`segment`: a code from /rfm (important_value, …) or its Chinese name; highest M first; logins masked."""
    staff = _staff(request, P.DATA_VIEW)
    seg = segment_check(segment)
    result = rfm_compute(shop=staff.shop, window_days=window)
    return Rows(
        rfm_segment_buyers(result, seg),
        extra={"window_days": result.window_days, "segment": seg.code, "segment_name": str(seg.name)},
    )


@router.get(
    "/cohorts", response={200: CohortsOut, **ERRORS}, summary="复购率与同期群", auth=seller_auth(P.DATA_VIEW)
)
def cohort_table(request, window: int = DEFAULT_WINDOW, months: int = DEFAULT_COHORT_MONTHS):
    """复购率 over `window` days; cohorts by first paid month (Beijing time) for the last `months` (6 / 12).
    Cell +k (k ≥ 1): share of the cohort paying in month +k; +0: share with a second order in the first month;
    months not yet begun are null."""
    staff = _staff(request, P.DATA_VIEW)
    now = timezone.now()
    rep = repurchase(shop=staff.shop, window_days=window, now=now)
    return {"repurchase": rep, "months": months, "cohorts": cohorts(shop=staff.shop, months=months, now=now)}


@router.get(
    "/crowds", response={200: list[CrowdOut], **ERRORS}, summary="人群包列表", auth=seller_auth(P.DATA_VIEW)
)
def crowds_list(request):
    staff = _staff(request, P.DATA_VIEW)
    return crowd_packs(shop=staff.shop)


@router.post(
    "/crowds", response={201: CrowdDetailOut, **ERRORS}, summary="保存人群包", auth=seller_auth(P.DATA_VIEW)
)
def crowds_create(request, payload: CrowdIn):
    """Saves the buyers the rule selects now. An empty result is 400; a name the shop already uses is 409."""
    staff = _staff(request, P.DATA_VIEW)
    pack = crowd_pack_create(
        shop=staff.shop,
        actor=request.user,
        name=payload.name,
        source=payload.source,
        segment=payload.segment,
        window_days=payload.window_days,
    )
    return 201, pack


@router.get(
    "/crowds/{pack_id}",
    response={200: CrowdDetailOut, **ERRORS},
    summary="人群包详情（含买家编号）",
    auth=seller_auth(P.DATA_VIEW),
)
def crowds_get(request, pack_id: int):
    staff = _staff(request, P.DATA_VIEW)
    return crowd_pack_get(shop=staff.shop, pack_id=pack_id)


@router.post(
    "/crowds/{pack_id}/refresh",
    response={200: CrowdDetailOut, **ERRORS},
    summary="按规则重新计算人群包",
    auth=seller_auth(P.DATA_VIEW),
)
def crowds_refresh(request, pack_id: int):
    """Recomputes the rule now; if nobody matches any more the pack is unchanged and the answer is 400."""
    staff = _staff(request, P.DATA_VIEW)
    return crowd_pack_refresh(shop=staff.shop, pack_id=pack_id)


@router.delete(
    "/crowds/{pack_id}", response={204: None, **ERRORS}, summary="删除人群包", auth=seller_auth(P.DATA_VIEW)
)
def crowds_delete(request, pack_id: int):
    staff = _staff(request, P.DATA_VIEW)
    crowd_pack_delete(shop=staff.shop, pack_id=pack_id)
    return 204, None


@router.post(
    "/crowds/{pack_id}/issue-coupon",
    response={200: CrowdIssuedOut, **ERRORS},
    summary="向人群包定向发放优惠券",
    auth=seller_auth(P.DATA_VIEW, P.MARKETING),
)
def crowds_issue_coupon(request, pack_id: int, payload: CrowdIssueIn):
    """One of the shop's running coupons to every buyer in the pack (needs data.view and marketing). Buyers at
    the per-buyer limit (`at_limit`) and closed accounts (`inactive`) are skipped; an ended or paused coupon or
    too few left is 409 and nothing is issued."""
    staff = _staff(request, P.DATA_VIEW, P.MARKETING)
    return crowd_pack_issue_coupon(
        shop=staff.shop, actor=request.user, pack_id=pack_id, promotion_id=payload.promotion_id
    )
