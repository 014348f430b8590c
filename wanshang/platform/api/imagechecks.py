"""Platform JSON API for 图片巡查 (/api/platform/image-duplicates…, /api/platform/image-declarations…):
cross-shop near-duplicate pictures (dismiss as not stolen, or open a case with a note) and the review of
shops' logo/portrait declarations. docs/image-checks.md."""

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.catalog.selectors import products_using_assets
from wanshang.common.api_paging import Paged, Rows
from wanshang.media.selectors import declaration_get, duplicate_get, duplicate_pairs, platform_declarations
from wanshang.media.services import declaration_review, duplicate_decide
from wanshang.platform.api.errors import ERRORS

router = Router(tags=["platform: image checks"])


class PlatformImageSideOut(Schema):
    asset_id: int
    shop_id: int
    shop_name: str
    thumb: str
    url: str
    width: int
    height: int
    uploaded_at: datetime
    product_ids: list[int] = Field(description="用这张图片的商品")


class PlatformImageDuplicateOut(Schema):
    id: int
    distance: int = Field(description="两张图片感知哈希相差的位数（64 位中）")
    status: str = Field(description="open 待处理 / dismissed 非盗图 / case 已立案")
    status_label: str = Field(alias="get_status_display")
    note: str
    found_at: datetime
    decided_at: datetime | None
    original: PlatformImageSideOut = Field(alias="original_side", description="较早上传的一张：疑似原图")
    later: PlatformImageSideOut = Field(alias="copy_side", description="较晚上传的一张（疑似盗用）")


class PlatformDuplicateDecideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["dismiss", "case"]
    note: str = Field("", max_length=500, description="处理说明；立案时必填")


class PlatformImageDeclarationOut(Schema):
    id: int
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    asset_id: int
    asset_thumb: str = Field(alias="asset.thumb_url")
    kind: str = Field(description="brand 品牌标识 / portrait 人物肖像")
    subject: str
    status: str = Field(description="missing 待上传授权 / pending 待审核 / approved 已通过 / rejected 已驳回")
    reason: str
    file_name: str
    file_type: str
    file_size: int
    file_url: str = Field(description="下载授权文件（平台页面）；未上传为空")
    submitted_at: datetime | None
    reviewed_at: datetime | None

    @staticmethod
    def resolve_file_url(declaration) -> str:
        return reverse("platform:image_declaration_file", args=[declaration.pk]) if declaration.file else ""


class PlatformDeclarationReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject"]
    reason: str = Field("", max_length=300, description="驳回原因（驳回时必填，店铺可见）")


def _side(asset, shop, products) -> dict:
    return {
        "asset_id": asset.pk,
        "shop_id": shop.pk,
        "shop_name": shop.name,
        "thumb": asset.thumb_url,
        "url": asset.url,
        "width": asset.width,
        "height": asset.height,
        "uploaded_at": asset.created_at,
        "product_ids": [p.pk for p in products],
    }


def _with_sides(pairs):
    pairs = list(pairs)
    users = products_using_assets(asset_ids={a for p in pairs for a in (p.original_id, p.copy_id)})
    for p in pairs:
        p.original_side = _side(p.original, p.original_shop, users.get(p.original_id, []))
        p.copy_side = _side(p.copy, p.copy_shop, users.get(p.copy_id, []))
    return pairs


@router.get(
    "/image-duplicates",
    response={200: list[PlatformImageDuplicateOut], **ERRORS},
    summary="跨店重复图片（疑似盗图）",
    description="`status`：open（默认）/ dismissed / case；空 = 全部。",
)
@paginate(Paged, page_size=20, max_page_size=100)
def duplicate_list(request, status: Literal["open", "dismissed", "case", ""] = "open"):
    return Rows(duplicate_pairs(status=status), _with_sides)


@router.post(
    "/image-duplicates/{duplicate_id}/decide",
    response={200: PlatformImageDuplicateOut, **ERRORS},
    summary="处理跨店重复图片：dismiss 非盗图 / case 立案",
)
def duplicate_decide_post(request, duplicate_id: int, payload: PlatformDuplicateDecideIn):
    duplicate_decide(
        operator=request.user, duplicate_id=duplicate_id, decision=payload.decision, note=payload.note
    )
    return _with_sides([duplicate_get(duplicate_id=duplicate_id)])[0]


@router.get(
    "/image-declarations",
    response={200: list[PlatformImageDeclarationOut], **ERRORS},
    summary="品牌/肖像授权声明",
    description="`status`：pending（默认，最早提交的在前）/ missing / approved / rejected；空 = 全部。",
)
@paginate(Paged, page_size=20, max_page_size=100)
def declaration_list(request, status: Literal["pending", "missing", "approved", "rejected", ""] = "pending"):
    return platform_declarations(status=status)


@router.post(
    "/image-declarations/{declaration_id}/review",
    response={200: PlatformImageDeclarationOut, **ERRORS},
    summary="审核授权声明：approve 通过 / reject 驳回（须写原因）",
)
def declaration_review_post(request, declaration_id: int, payload: PlatformDeclarationReviewIn):
    declaration_review(
        operator=request.user,
        declaration_id=declaration_id,
        approve=payload.decision == "approve",
        reason=payload.reason,
    )
    return declaration_get(shop=None, declaration_id=declaration_id)
