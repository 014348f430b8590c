"""Seller media API (/api/seller/media/…, /api/seller/products/{id}/media): upload an image or a video
(multipart), and set a product's uploaded media. The same services as the product page's uploader, which calls
these routes. Assets and products are the caller's shop's only: another shop's ids are 404."""

from typing import Literal

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field, StrictInt

from wanshang.catalog.selectors import product_media, seller_product_get
from wanshang.catalog.services import MediaInput, product_media_set
from wanshang.media.services import image_upload, video_upload
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth

router = Router()


class SellerMediaError(Schema):
    detail: str
    code: str = ""
    field: str | None = None
    errors: list[dict] | None = Field(None, description="422：每个有误参数的位置（loc）、类型与原因")


class SellerMediaRenditionOut(Schema):
    webp: str = Field(description="WebP 地址")
    jpeg: str = Field(description="JPEG 地址（不支持 WebP 时）")
    w: int
    h: int


class SellerMediaAssetOut(Schema):
    id: int
    kind: Literal["image", "video"]
    url: str = Field(description="清洗后的原文件地址（已去除 EXIF/GPS）")
    content_type: str
    width: int
    height: int
    size: int = Field(description="字节数")
    sha256: str
    renditions: dict[str, SellerMediaRenditionOut] = Field(
        description="thumb（≤240）、detail（≤800）、zoom（≤1600，不放大）；视频为空"
    )


class SellerProductMediaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    gallery: list[StrictInt] = Field(
        default_factory=list, max_length=10, description="图片编号，按顺序；第一张为主图"
    )
    video_id: StrictInt | None = Field(None, description="主图视频编号；空则不设视频")
    sku_images: dict[str, StrictInt] = Field(
        default_factory=dict, description="颜色规格值 → 图片编号（每个颜色一张）"
    )


class SellerProductMediaOut(Schema):
    product_id: int
    images: list[str]
    video_url: str
    gallery: list[SellerMediaAssetOut]
    video: SellerMediaAssetOut | None
    sku_images: dict[str, SellerMediaAssetOut]


ERRORS = {
    400: SellerMediaError,
    401: SellerMediaError,
    403: SellerMediaError,
    404: SellerMediaError,
    422: SellerMediaError,
}


def asset_out(asset) -> dict:
    return {
        "id": asset.pk,
        "kind": asset.kind,
        "url": asset.url,
        "content_type": asset.content_type,
        "width": asset.width,
        "height": asset.height,
        "size": asset.size,
        "sha256": asset.sha256,
        "renditions": {
            name: {"webp": r["webp"], "jpeg": r["jpeg"], "w": r["w"], "h": r["h"]}
            for name, r in (asset.renditions or {}).items()
        },
    }


@router.post(
    "/media/images",
    response={201: SellerMediaAssetOut, **ERRORS},
    summary="上传图片",
    description="multipart/form-data：`file` 为图片（按内容识别 JPEG/PNG/WebP/GIF，与文件名无关），"
    "`purpose` 为 main（主图，有最小尺寸）、gallery、sku 或 detail。去除 EXIF（含 GPS），生成 WebP 与 JPEG "
    "三种尺寸。同一店铺上传相同内容返回已有的图片。400：不是图片、过大（code too_large）、主图过小（too_small）。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def media_image_upload(
    request,
    file: File[UploadedFile],
    purpose: Form[Literal["main", "gallery", "sku", "detail"]] = "gallery",
):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return 201, asset_out(image_upload(shop=staff.shop, file=file, purpose=purpose, by=request.user))


@router.post(
    "/media/videos",
    response={201: SellerMediaAssetOut, **ERRORS},
    summary="上传主图视频",
    description="multipart/form-data：`file` 为 MP4 或 WebM（按文件头识别）。400：不是视频或过大。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def media_video_upload(request, file: File[UploadedFile]):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return 201, asset_out(video_upload(shop=staff.shop, file=file, by=request.user))


def product_media_out(product) -> dict:
    media = product_media(product=product)
    return {
        "product_id": product.pk,
        "images": list(product.images or []),
        "video_url": product.video_url,
        "gallery": [asset_out(a) for a in media.gallery],
        "video": asset_out(media.video) if media.video else None,
        "sku_images": {value: asset_out(a) for value, a in media.sku_images.items()},
    }


@router.put(
    "/products/{product_id}/media",
    response={200: SellerProductMediaOut, **ERRORS},
    summary="设置商品图片与视频",
    description="整体替换：图集（≤10 张，第一张为主图，须达到主图最小尺寸）、每个颜色一张规格图、一个主图视频。"
    "商品的 images 与 video_url 随之更新。其他店铺的商品或图片编号为 404。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def product_media_put(request, product_id: int, payload: SellerProductMediaIn):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    product = product_media_set(
        staff=staff,
        product_id=product_id,
        media=MediaInput(gallery=payload.gallery, video=payload.video_id, sku_images=payload.sku_images),
    )
    return product_media_out(product)


@router.get(
    "/products/{product_id}/media",
    response={200: SellerProductMediaOut, **ERRORS},
    summary="商品图片与视频",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def product_media_get(request, product_id: int):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return product_media_out(seller_product_get(shop=staff.shop, product_id=product_id))
