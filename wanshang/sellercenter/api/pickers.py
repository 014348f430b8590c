"""Seller pickers (/api/seller/pickers/…): what the seller center's product picker searches as one types.

`GET /pickers/products` finds the caller's shop's products by title, product id, SKU id or barcode, each with
its thumbnail, lowest price, status and active SKUs (spec text and price), so a form can take a product or
expand it into its SKUs. `ids=` looks up chosen ids (the chips of a form being edited). The shop is the
caller's staff membership's (`staff_require`), never the request's: another shop's products never appear.
The forms the picker serves (营销活动, A/B 实验) need the marketing permission, and so does this route.
"""

from django.db.models import Q
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wanshang.catalog.selectors import seller_product_list
from wanshang.common.api_paging import Paged
from wanshang.common.money import fen_to_yuan_str
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth

router = Router()

MAX_Q = 60
MAX_IDS = 200
ID_TEXT = r"^[0-9,，\s]*$"


class PickerError(Schema):
    detail: str
    code: str = ""
    field: str | None = None
    errors: list[dict] | None = Field(None, description="422：每个有误参数的位置（loc）、类型与原因")


def thumb_of(product) -> str:
    """The main image's list thumbnail when it came from an upload, else the image itself ("" for none)."""
    url = product.main_image
    rendition = (product.pictures or {}).get(url, {}).get("thumb") if url else None
    return (rendition or {}).get("jpeg") or url or ""


def active_skus(product) -> list:
    """The product's active SKUs from the prefetched rows, oldest first."""
    return sorted((s for s in product.skus.all() if s.is_active), key=lambda s: s.pk)


class PickerSkuOut(Schema):
    id: int
    spec: str = Field(alias="spec_text", description="规格文字，如“红色 M”；无规格为“默认规格”")
    price: str = Field(description="售价（元）")
    price_fen: int
    barcode: str

    @staticmethod
    def resolve_price(sku) -> str:
        return fen_to_yuan_str(sku.price_fen)


class PickerProductOut(Schema):
    id: int
    title: str
    status: str = Field(description="draft 草稿 / on_sale 出售中 / off_shelf 已下架")
    status_label: str = Field(alias="get_status_display")
    price: str = Field(description="最低售价（元）")
    thumb: str = Field(description="主图缩略图地址（上传的图片为 240 宽的规格）；无图为空")
    skus: list[PickerSkuOut] = Field(description="在售的规格（停用的不列出）")

    @staticmethod
    def resolve_price(product) -> str:
        return fen_to_yuan_str(
            min((s.price_fen for s in active_skus(product)), default=product.min_price_fen)
        )

    @staticmethod
    def resolve_thumb(product) -> str:
        return thumb_of(product)

    @staticmethod
    def resolve_skus(product) -> list:
        return active_skus(product)


def id_numbers(text: str) -> list[int]:
    parts = text.replace("，", ",").replace(" ", ",").split(",")
    return list(dict.fromkeys(int(p) for p in parts if p.strip().isdigit()))[:MAX_IDS]


def picker_products(shop, *, q: str = "", ids: str = ""):
    """The shop's products matching `q` (title, product id, SKU id, barcode) or among `ids`, newest first."""
    qs = seller_product_list(shop=shop)  # shop-scoped, SKUs prefetched
    if ids.strip():
        return qs.filter(pk__in=id_numbers(ids))
    q = q.strip()
    if not q:
        return qs
    cond = Q(title__icontains=q) | Q(skus__barcode=q)
    if q.isdigit() and len(q) <= 18:
        cond |= Q(pk=int(q)) | Q(skus__pk=int(q))
    return qs.filter(cond).distinct()


@router.get(
    "/pickers/products",
    response={
        200: list[PickerProductOut],
        401: PickerError,
        403: PickerError,
        422: PickerError,
    },
    summary="商品选择器：搜索本店商品",
    url_name="seller_picker_products",
    auth=seller_auth(P.MARKETING),
)
@paginate(Paged, page_size=10, max_page_size=30)
def picker_products_route(
    request,
    q: str = Query(
        "", max_length=MAX_Q, description=f"商品标题的一部分、商品编号、SKU 编号或条形码（≤{MAX_Q} 字）"
    ),
    ids: str = Query(
        "",
        max_length=2000,
        pattern=ID_TEXT,
        description=f"逗号分隔的商品编号（最多 {MAX_IDS} 个）：只返回其中本店的商品，忽略 q",
    ),
):
    staff = staff_require(user=request.user, perm=P.MARKETING)
    return picker_products(staff.shop, q=q, ids=ids)
