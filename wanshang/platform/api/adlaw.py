"""Platform JSON API for 广告法用语 (/api/platform/adlaw/…): the term list (list, add, edit, deactivate,
import the repository's file) and shops' exemption claims (list, approve or reject with a reason)."""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.adlaw.selectors import (
    FAMILY_CHOICES,
    SEVERITY_CHOICES,
    STRICT_CATEGORY_CHOICES,
    list_version,
    platform_claim_get,
    platform_claims,
    term_get,
    term_list,
)
from wanshang.adlaw.services import claim_decide, term_save, term_set_active, terms_import
from wanshang.common.api_paging import Paged
from wanshang.platform.api.errors import ERRORS

router = Router(tags=["platform: adlaw"])
FamilyName = Literal[tuple(k for k, _ in FAMILY_CHOICES)]  # type: ignore[valid-type]
SeverityName = Literal[tuple(k for k, _ in SEVERITY_CHOICES)]  # type: ignore[valid-type]
StrictName = Literal[tuple(k for k, _ in STRICT_CATEGORY_CHOICES)]  # type: ignore[valid-type]


class PlatformAdlawTermOut(Schema):
    id: int
    text: str
    family: str
    severity: str = Field(description="block 禁止 / warn 提醒（严格类目中禁止）")
    strict_categories: list[str]
    explanation: str
    replacements: list[str]
    allowed_words: list[str] = Field(description="含该用语但不算违规的普通词")
    is_active: bool
    updated_at: datetime


class PlatformAdlawTermIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., max_length=40)
    family: FamilyName
    severity: SeverityName
    strict_categories: list[StrictName] = Field(default_factory=list)
    explanation: str = Field(..., max_length=300)
    replacements: list[str] = Field(default_factory=list, max_length=30)
    allowed_words: list[str] = Field(default_factory=list, max_length=60)
    is_active: bool = True


class PlatformAdlawActiveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    is_active: bool


class PlatformAdlawImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    version: int = Field(description="导入后的用语表版本")


class PlatformAdlawEvidenceOut(Schema):
    id: int
    name: str
    size: int


class PlatformAdlawClaimOut(Schema):
    id: int
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    term: str
    text: str
    kind: str
    note: str
    status: str = Field(description="pending / approved / rejected / withdrawn")
    decision_reason: str
    created_at: datetime
    reviewed_at: datetime | None
    evidence: list[PlatformAdlawEvidenceOut]

    @staticmethod
    def resolve_evidence(obj):
        return [{"id": e.pk, "name": e.name, "size": e.size} for e in obj.evidence.all()]


class PlatformAdlawDecideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject"]
    reason: str = Field(..., max_length=300, description="审核理由（2–300 字，告知商家）")


@router.get(
    "/adlaw/terms",
    response={200: list[PlatformAdlawTermOut], **ERRORS},
    summary="广告法用语表",
    description="`family` 类别、`q` 包含的文字、`active` 是否启用。",
)
@paginate(Paged, page_size=50, max_page_size=200)
def terms_list(request, family: FamilyName | None = None, q: str = "", active: bool | None = None):
    return term_list(family=family, q=q[:40], active=active)


@router.post(
    "/adlaw/terms/import",
    response={200: PlatformAdlawImportOut, **ERRORS},
    summary="从仓库文件导入用语表",
    description="读取 wanshang/adlaw/terms.json：新增缺少的用语，把改动过的用语恢复为文件中的写法；平台自己新增的用语不变。",
)
def terms_import_file(request):
    return {**terms_import(), "version": list_version()}


@router.post("/adlaw/terms", response={201: PlatformAdlawTermOut, **ERRORS}, summary="新增用语")
def terms_create(request, payload: PlatformAdlawTermIn):
    return 201, term_save(**payload.model_dump())


@router.get("/adlaw/terms/{term_id}", response={200: PlatformAdlawTermOut, **ERRORS}, summary="用语详情")
def terms_get(request, term_id: int):
    return term_get(term_id=term_id)


@router.put("/adlaw/terms/{term_id}", response={200: PlatformAdlawTermOut, **ERRORS}, summary="修改用语")
def terms_update(request, term_id: int, payload: PlatformAdlawTermIn):
    return term_save(term_id=term_id, **payload.model_dump())


@router.post(
    "/adlaw/terms/{term_id}/active",
    response={200: PlatformAdlawTermOut, **ERRORS},
    summary="启用或停用用语",
)
def terms_active(request, term_id: int, payload: PlatformAdlawActiveIn):
    return term_set_active(term_id=term_id, active=payload.is_active)


@router.get(
    "/adlaw/claims",
    response={200: list[PlatformAdlawClaimOut], **ERRORS},
    summary="广告法豁免申请",
    description="`status`：pending（默认）/ approved / rejected / withdrawn。",
)
@paginate(Paged, page_size=20, max_page_size=100)
def claims_list(request, status: Literal["pending", "approved", "rejected", "withdrawn"] = "pending"):
    return platform_claims(status=status)


@router.post(
    "/adlaw/claims/{claim_id}/decide",
    response={200: PlatformAdlawClaimOut, **ERRORS},
    summary="审核豁免申请",
    description="通过后仅豁免申请中的这段文字，并重新检测该店铺已保存的文字；已处理的申请：409。",
)
def claims_decide(request, claim_id: int, payload: PlatformAdlawDecideIn):
    claim = claim_decide(
        claim_id=claim_id, reviewer=request.user, approve=payload.decision == "approve", reason=payload.reason
    )
    return platform_claim_get(claim_id=claim.pk)
