"""Seller JSON API for 广告法用语 (/api/seller/adlaw/…): the shop's texts with hits (offsets into the original
text for highlighting, the suggested wording), a dry-run scan, and exemption claims (file with evidence as
multipart, withdraw). The shop is the caller's; another shop's claim ids are 404. Permission product.edit (the copy writers: owner, operations)."""

from datetime import datetime
from typing import Literal

from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.adlaw.selectors import (
    CLAIM_KINDS,
    SOURCE_CHOICES,
    STRICT_CATEGORY_CHOICES,
    open_hits,
    shop_claim_get,
    shop_claims,
    text_scan,
)
from wanshang.adlaw.services import claim_file, claim_withdraw
from wanshang.common.api_paging import Paged
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import AdlawHitOut, Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
SourceName = Literal[tuple(k for k, _ in SOURCE_CHOICES)]  # type: ignore[valid-type]
KindName = Literal[tuple(k for k, _ in CLAIM_KINDS)]  # type: ignore[valid-type]
StrictName = Literal[tuple(k for k, _ in STRICT_CATEGORY_CHOICES)]  # type: ignore[valid-type]


class AdlawTextOut(Schema):
    id: int
    source: str = Field(
        description="product / sku / shop / coupon / promotion / ad / campaign / quick_phrase / faq / review_reply"
    )
    source_id: int
    field: str = Field(description="字段：title、subtitle、detail_html、sku.<编号>、name、description …")
    text: str = Field(description="检测时的原文（start/end 为其中的位置）")
    hits: list[AdlawHitOut] = Field(description="未豁免的命中")
    scanned_at: datetime
    hits_since: datetime | None = Field(description="当前命中首次出现的时间（重新检测发现新用语时更新）")
    new_terms: list[str] = Field(description="用语表更新后重新检测新发现的用语")


class AdlawScanIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., max_length=20000)
    category: StrictName | None = Field(None, description="严格类目：medical / cosmetics / food / finance")


class AdlawEvidenceOut(Schema):
    id: int
    name: str
    size: int


class AdlawClaimOut(Schema):
    id: int
    term: str
    text: str
    kind: str
    note: str
    status: str = Field(description="pending 待审核 / approved 已通过 / rejected 已驳回 / withdrawn 已撤回")
    decision_reason: str
    created_at: datetime
    reviewed_at: datetime | None
    evidence: list[AdlawEvidenceOut]


def _staff(request):
    return staff_require(user=request.user, perm=P.PRODUCT_EDIT)


def _claim_out(claim) -> dict:
    return {
        "id": claim.pk,
        "term": claim.term,
        "text": claim.text,
        "kind": claim.kind,
        "note": claim.note,
        "status": claim.status,
        "decision_reason": claim.decision_reason,
        "created_at": claim.created_at,
        "reviewed_at": claim.reviewed_at,
        "evidence": [{"id": e.pk, "name": e.name, "size": e.size} for e in claim.evidence.all()],
    }


@router.get(
    "/adlaw/hits",
    response={200: list[AdlawTextOut], **ERRORS},
    summary="广告法用语命中",
    description="本店买家可见文字中未豁免的命中，新发现的在前；`source` 按来源筛选。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
@paginate(Paged, page_size=20, max_page_size=100)
def adlaw_hits(request, source: SourceName | None = None):
    return open_hits(shop=_staff(request).shop, source=source)


@router.post(
    "/adlaw/scan",
    response={200: list[AdlawHitOut], **ERRORS},
    summary="检测一段文字（不保存）",
    description="按当前用语表与本店已通过的豁免检测；`category` 为严格类目时提醒类用语也按禁止处理。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def adlaw_scan(request, payload: AdlawScanIn):
    shop = _staff(request).shop
    return [
        {"field": "text", **h.as_dict()}
        for h in text_scan(payload.text, category=payload.category, shop=shop)
    ]


@router.get(
    "/adlaw/claims",
    response={200: list[AdlawClaimOut], **ERRORS},
    summary="广告法豁免申请",
    auth=seller_auth(P.PRODUCT_EDIT),
)
@paginate(Paged, page_size=20, max_page_size=100)
def adlaw_claims(request, status: Literal["pending", "approved", "rejected", "withdrawn"] | None = None):
    return [_claim_out(c) for c in shop_claims(shop=_staff(request).shop, status=status)]


@router.get(
    "/adlaw/claims/{claim_id}",
    response={200: AdlawClaimOut, **ERRORS},
    summary="豁免申请详情",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def adlaw_claim_get(request, claim_id: int):
    return _claim_out(shop_claim_get(shop=_staff(request).shop, claim_id=claim_id))


@router.post(
    "/adlaw/claims",
    response={201: AdlawClaimOut, **ERRORS},
    summary="申请豁免（附证明文件）",
    description="multipart/form-data：`term` 用语、`text` 含该用语的原文（豁免只对这段文字有效）、`kind` 豁免类型、"
    "`note` 说明（统计数据须写明时间、地域与来源）、`evidence` 证明文件 1–5 个（PDF/JPG/PNG/WebP，按内容识别）。"
    "医疗与投资理财用语不能豁免（400）；同一文字同一用语已在审核或已通过：409。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def adlaw_claim_file(
    request,
    term: Form[str],
    text: Form[str],
    kind: Form[KindName],
    evidence: File[list[UploadedFile]],
    note: Form[str] = "",
):
    staff = _staff(request)
    claim = claim_file(
        shop=staff.shop, user=request.user, term=term, text=text, kind=kind, note=note, files=evidence
    )
    return 201, _claim_out(shop_claim_get(shop=staff.shop, claim_id=claim.pk))


@router.post(
    "/adlaw/claims/{claim_id}/withdraw",
    response={200: AdlawClaimOut, **ERRORS},
    summary="撤回豁免申请",
    description="待审核或已通过的申请可撤回；已通过的撤回后不再豁免。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def adlaw_claim_withdraw(request, claim_id: int):
    staff = _staff(request)
    claim = claim_withdraw(shop=staff.shop, claim_id=claim_id)
    return _claim_out(shop_claim_get(shop=staff.shop, claim_id=claim.pk))


def hits_out(*, shop, source: str, source_id: int) -> list[dict]:
    """The open hits of one thing, flattened with their field, as AdlawHitOut reads them."""
    return [
        {"field": row.field, **hit.as_dict()}
        for row in open_hits(shop=shop, source=source, source_id=source_id)
        for hit in row.hits
    ]
