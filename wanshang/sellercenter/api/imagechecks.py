"""Seller JSON API for 图片体检 (/api/seller/image-problems…, /api/seller/image-declarations…): the shop's
image problems by product with the link that fixes them, one product's open problems, and the logo/portrait
declarations with their authorisation files (multipart). The shop is the caller's; another shop's product,
picture or declaration ids are 404. Permission product.edit. docs/image-checks.md."""

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from wanshang.catalog.selectors import (
    IMAGE_PROBLEM_KINDS,
    product_image_problems,
    seller_product_get,
    shop_image_problem_summary,
    shop_image_problems,
)
from wanshang.common.api_paging import Paged
from wanshang.media.selectors import declaration_get, shop_declarations
from wanshang.media.services import declaration_mark, declaration_submit, declaration_withdraw
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
ProblemKind = Literal["low_resolution", "not_square", "blurred", "too_few", "duplicate", "declaration"]
DeclarationStatus = Literal["missing", "pending", "approved", "rejected"]


class SellerImageProblemOut(Schema):
    id: int
    product_id: int
    product_title: str = Field(alias="product.title")
    product_status: str = Field(alias="product.status")
    kind: str = Field(description=" / ".join(f"{k} {label}" for k, label in IMAGE_PROBLEM_KINDS))
    kind_label: str = Field(alias="get_kind_display")
    message: str
    asset_id: int | None = Field(description="有问题的图片；主图数量不足时为空")
    asset_thumb: str = Field(description="图片缩略图地址")
    detail: dict = Field(description="判断依据：尺寸、清晰度分数与阈值、重复的商品等")
    opened_at: datetime
    fix_url: str = Field(description="去修改这个商品图片的页面")

    @staticmethod
    def resolve_asset_thumb(problem) -> str:
        return problem.asset.thumb_url if problem.asset_id else ""

    @staticmethod
    def resolve_fix_url(problem) -> str:
        return reverse("sellercenter:product_edit", args=[problem.product_id]) + "#media"


class SellerImageProblemSummaryOut(Schema):
    products: int = Field(description="有图片问题的商品数")
    by_kind: dict[str, int] = Field(description="每类问题的数量")


class SellerImageDeclarationOut(Schema):
    id: int
    asset_id: int
    asset_thumb: str = Field(alias="asset.thumb_url")
    kind: str = Field(description="brand 品牌标识 / portrait 人物肖像")
    kind_label: str = Field(alias="get_kind_display")
    subject: str
    status: str = Field(
        description="missing 待上传授权 / pending 待平台审核 / approved 已通过 / rejected 已驳回"
    )
    status_label: str = Field(alias="get_status_display")
    reason: str = Field(description="平台驳回原因")
    file_name: str
    file_type: str
    file_size: int
    file_url: str = Field(description="下载授权文件（仅本店员工）；未上传为空")
    submitted_at: datetime | None
    reviewed_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_file_url(declaration) -> str:
        if not declaration.file:
            return ""
        return reverse("sellercenter:image_declaration_file", args=[declaration.pk])


@router.get(
    "/image-problems",
    response={200: list[SellerImageProblemOut], **ERRORS},
    summary="图片体检：本店的图片问题",
    description="按商品排列的未关闭问题。`kind` 只看一类；`on_sale=true` 只看出售中的商品。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
@paginate(Paged, page_size=50, max_page_size=200)
def image_problem_list(request, kind: ProblemKind | None = None, on_sale: bool = False):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return shop_image_problems(shop=staff.shop, kind=kind or "", on_sale_only=on_sale)


@router.get(
    "/image-problems/summary",
    response={200: SellerImageProblemSummaryOut, **ERRORS},
    summary="图片体检：问题汇总",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def image_problem_summary(request):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    summary = shop_image_problem_summary(shop=staff.shop)
    products = summary.pop("products")
    return {"products": products, "by_kind": summary}


@router.get(
    "/products/{product_id}/image-problems",
    response={200: list[SellerImageProblemOut], **ERRORS},
    summary="一个商品的图片问题",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def product_image_problem_list(request, product_id: int):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    product = seller_product_get(shop=staff.shop, product_id=product_id)  # another shop's: 404
    return product_image_problems(product_id=product.pk, shop=staff.shop)


@router.get(
    "/image-declarations",
    response={200: list[SellerImageDeclarationOut], **ERRORS},
    summary="图片授权声明列表",
    auth=seller_auth(P.PRODUCT_EDIT),
)
@paginate(Paged, page_size=30, max_page_size=100)
def declaration_list(request, status: DeclarationStatus | None = None):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return shop_declarations(shop=staff.shop, status=status or "")


@router.get(
    "/image-declarations/{declaration_id}",
    response={200: SellerImageDeclarationOut, **ERRORS},
    summary="一份图片授权声明",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def declaration_detail(request, declaration_id: int):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return declaration_get(shop=staff.shop, declaration_id=declaration_id)


@router.post(
    "/image-declarations",
    response={201: SellerImageDeclarationOut, **ERRORS},
    summary="标记图片含品牌标识或人物肖像",
    description="multipart/form-data：`asset_id` 本店图片编号，`kind` brand 或 portrait，`subject` 品牌或人物名称，"
    "`file` 授权文件（PDF/JPEG/PNG/WebP，按内容识别，大小有上限；可稍后上传）。没有授权文件或被驳回时，使用这张"
    "图片的商品会有图片问题。400：文件类型不对或过大；404：不是本店的图片；409：已有同类标记。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def declaration_create(
    request,
    asset_id: Form[int],
    kind: Form[Literal["brand", "portrait"]],
    subject: Form[str] = "",
    file: File[UploadedFile] = None,
):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    declaration = declaration_mark(
        shop=staff.shop, by=request.user, asset_id=asset_id, kind=kind, subject=subject, file=file
    )
    return 201, declaration


@router.post(
    "/image-declarations/{declaration_id}/file",
    response={200: SellerImageDeclarationOut, **ERRORS},
    summary="上传或更换授权文件（重新等待平台审核）",
    description="multipart/form-data：`file`。409：已通过审核。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def declaration_file_upload(request, declaration_id: int, file: File[UploadedFile]):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return declaration_submit(shop=staff.shop, by=request.user, declaration_id=declaration_id, file=file)


@router.delete(
    "/image-declarations/{declaration_id}",
    response={204: None, **ERRORS},
    summary="撤回标记（仅限尚未上传授权文件的）",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def declaration_delete(request, declaration_id: int):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    declaration_withdraw(shop=staff.shop, declaration_id=declaration_id)
    return 204, None
