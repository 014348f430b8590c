"""Catalog writes: products with their SKU matrix, shelf status, prices (with history), platform taxonomy."""

import itertools
import time
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.html import strip_tags

from wanshang.adlaw.selectors import strict_category_for
from wanshang.adlaw.services import texts_check, texts_forget
from wanshang.analytics.services import favourite_record
from wanshang.catalog.imagechecks import product_image_problems_refresh, products_for_asset
from wanshang.catalog.imagechecks import products_image_check_due as products_image_check_due
from wanshang.catalog.models import (
    AttributeTemplate,
    Brand,
    Category,
    ExcludableReturnKind,
    Favourite,
    NeverReturnKind,
    PriceHistory,
    Product,
    ProductMedia,
    Sku,
)
from wanshang.catalog.selectors import (
    LISTING_VERSION_KEY,
    TREE_CACHE_KEY,
    TREE_VERSION_KEY,
    category_ancestors,
    category_get,
    colour_axis,
)
from wanshang.common import events
from wanshang.common.domain_events import ProductSaved, ProductStatusChanged, SkuPriceChanged, SkuStock
from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wanshang.common.money import MAX_FEN
from wanshang.fulfillment.selectors import freight_template_get
from wanshang.media.selectors import assets_by_id
from wanshang.merchants.permissions import PRICE_EDIT, PRODUCT_EDIT, role_can

MAX_AXES = 3
MAX_SKUS = 600
MAX_GALLERY = 10
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "span",
    "div",
    "blockquote",
}


def sanitize_html(html: str) -> str:
    """Rich-text detail: keep formatting and images, drop scripts, handlers and javascript: URLs."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes={
            "img": {"src", "alt", "width", "height"},
            "td": {"colspan", "rowspan"},
            "th": {"colspan"},
        },
        url_schemes={"https", "http"},
        link_rel=None,
    )


@dataclass
class SkuInput:
    spec_values: list[str]
    price_fen: int
    original_price_fen: int | None = None
    cost_fen: int = 0
    barcode: str = ""
    weight_g: int = 0
    safety_stock: int = 0
    stock: int | None = None  # set the default warehouse's on-hand to this, when given


@dataclass
class MediaInput:
    """A product's uploaded media by asset id: the gallery in order (the first is the main image), one image
    per value of the colour axis, the main-image video."""

    gallery: list[int] = field(default_factory=list)
    video: int | None = None
    sku_images: dict[str, int] = field(default_factory=dict)


@dataclass
class ProductInput:
    title: str
    category_id: int
    skus: list[SkuInput]
    subtitle: str = ""
    brand_id: int | None = None
    images: list[str] = field(default_factory=list)
    video_url: str = ""
    detail_html: str = ""
    tags: list[str] = field(default_factory=list)
    attributes: dict = field(default_factory=dict)
    spec_axes: list[dict] = field(default_factory=list)
    is_wholesale: bool = False
    min_order_qty: int = 1
    freight_template_id: int | None = None
    original_price_is_msrp: bool = False
    media: MediaInput | None = None  # None leaves the uploaded media as they are
    no_return_kind: str = ""  # an ExcludableReturnKind: not 7天无理由, the buyer confirms at checkout
    no_return_note: str = ""
    ship_within_hours: int | None = None  # 承诺发货时间; None = the shop's


MAX_SHIP_WITHIN_HOURS = 720  # 30 days: a longer promise is a presale, not a shipping time


def check_ship_within_hours(value, *, field_name: str = "ship_within_hours") -> int | None:
    """A promised shipping time in whole hours (1–720), or None for "as the shop promises"."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SHIP_WITHIN_HOURS:
        raise ValidationError(f"承诺发货时间须为 1–{MAX_SHIP_WITHIN_HOURS} 小时的整数", field=field_name)
    return value


def _check_return_exclusion(kind, note) -> tuple[str, str]:
    kind = (kind or "").strip()
    note = (note or "").strip()
    if kind and kind not in ExcludableReturnKind.values:
        raise ValidationError(
            "不支持7天无理由的原因只能是：拆封后影响安全或品质、激活或试用后贬值、临近保质期、有瑕疵",
            field="no_return_kind",
        )
    if len(note) > 100:
        raise ValidationError("说明不超过 100 字", field="no_return_note")
    if kind == ExcludableReturnKind.DEFECT and not note:
        raise ValidationError("有瑕疵的商品须说明瑕疵", field="no_return_note")
    return kind, (note if kind else "")


def _check_url(url: str, *, field_name: str) -> str:
    url = (url or "").strip()
    if url and not (url.startswith("https://") or url.startswith("http://") or url.startswith("/")):
        raise ValidationError("图片和视频地址须以 https:// 或 / 开头", field=field_name)
    return url[:300]


def _check_money(value, *, label: str, field_name: str, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{label}须为整数（分）", field=field_name)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValidationError(f"{label}须大于 0", field=field_name)
    if value > MAX_FEN:
        raise ValidationError(f"{label}过大", field=field_name)
    return value


def _clean_axes(axes) -> list[dict]:
    cleaned = []
    names = set()
    for axis in axes or []:
        name = str(axis.get("name", "")).strip()
        values = [str(v).strip() for v in axis.get("values", []) if str(v).strip()]
        if not name and not values:
            continue
        if not name or len(name) > 20:
            raise ValidationError("规格名不能为空且不超过 20 字", field="spec_axes")
        if name in names:
            raise ValidationError(f"规格名“{name}”重复", field="spec_axes")
        if not values:
            raise ValidationError(f"规格“{name}”至少要有一个值", field="spec_axes")
        if len(set(values)) != len(values):
            raise ValidationError(f"规格“{name}”有重复的值", field="spec_axes")
        if any("/" in v or len(v) > 30 for v in values):
            raise ValidationError("规格值不超过 30 字且不能含“/”", field="spec_axes")
        names.add(name)
        cleaned.append({"name": name, "values": values})
    if len(cleaned) > MAX_AXES:
        raise ValidationError(f"最多 {MAX_AXES} 个规格维度", field="spec_axes")
    return cleaned


def _clean_skus(axes: list[dict], skus: list[SkuInput]) -> list[SkuInput]:
    if not skus:
        raise ValidationError("至少需要一个 SKU", field="skus")
    if len(skus) > MAX_SKUS:
        raise ValidationError(f"SKU 不能超过 {MAX_SKUS} 个", field="skus")
    allowed = {tuple(c) for c in itertools.product(*[a["values"] for a in axes])} if axes else {()}
    seen = set()
    for sku in skus:
        values = tuple(str(v).strip() for v in sku.spec_values)
        if values not in allowed:
            raise ValidationError(f"SKU 规格“{'/'.join(values) or '默认'}”与规格表不一致", field="skus")
        if values in seen:
            raise ValidationError(f"SKU 规格“{'/'.join(values)}”重复", field="skus")
        seen.add(values)
        sku.spec_values = list(values)
        label = "/".join(values) or "默认规格"
        _check_money(sku.price_fen, label=f"{label} 售价", field_name="skus")
        if sku.original_price_fen is not None:
            _check_money(sku.original_price_fen, label=f"{label} 划线价", field_name="skus")
            if sku.original_price_fen <= sku.price_fen:
                raise ValidationError(f"{label} 的划线价须高于售价（或留空）", field="skus")
        _check_money(sku.cost_fen or 0, label=f"{label} 成本", field_name="skus", allow_zero=True)
        for attr, label2 in (("weight_g", "重量"), ("safety_stock", "安全库存")):
            value = getattr(sku, attr) or 0
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000_000:
                raise ValidationError(f"{label} 的{label2}须为 0–10000000 的整数", field="skus")
        if sku.stock is not None and (not isinstance(sku.stock, int) or not 0 <= sku.stock <= 10_000_000):
            raise ValidationError(f"{label} 的库存须为 0–10000000 的整数", field="skus")
        sku.barcode = (sku.barcode or "").strip()[:32]
    return skus


def _clean_attributes(category: Category, attributes: dict) -> dict:
    cleaned = {}
    for tpl in AttributeTemplate.objects.filter(category=category):
        value = str((attributes or {}).get(tpl.name, "")).strip()
        if not value:
            if tpl.required:
                raise ValidationError(f"请填写商品属性“{tpl.name}”", field="attributes")
            continue
        if tpl.options and value not in tpl.options:
            raise ValidationError(f"属性“{tpl.name}”须从给定选项中选择", field="attributes")
        cleaned[tpl.name] = value[:60]
    return cleaned


def _check_category(shop, category_id) -> Category:
    try:
        category = category_get(category_id=category_id)
    except NotFound:
        raise ValidationError("类目不存在，请重新选择", field="category_id") from None
    if not category.is_leaf or not category.is_active:
        raise ValidationError("请选择三级类目", field="category_id")
    allowed = set(shop.categories.values_list("pk", flat=True))
    if allowed and not allowed & {c.pk for c in category_ancestors(category)}:
        raise ValidationError(f"店铺未获准经营“{category.name}”类目", field="category_id")
    return category


def _spec_key(values) -> str:
    return "/".join(values)


def product_save(*, staff, data: ProductInput, product_id: int | None = None) -> Product:
    """Create or update a product and its whole SKU matrix in one transaction.

    SKUs missing from the new matrix are deactivated (orders keep pointing at them). Price changes need the
    price permission and are written to the price history. Raises ValidationError, NotFound, PermissionDenied.
    Publishes ProductSaved (inventory sets the typed stock in the default warehouse) and SkuPriceChanged.
    """
    shop = staff.shop
    if not role_can(staff.role, PRODUCT_EDIT):
        raise PermissionDenied("你的角色没有编辑商品的权限")
    title = (data.title or "").strip()
    if not 2 <= len(title) <= 60:
        raise ValidationError("商品标题须为 2–60 字", field="title")
    subtitle = (data.subtitle or "").strip()
    if len(subtitle) > 120:
        raise ValidationError("副标题不超过 120 字", field="subtitle")
    category = _check_category(shop, data.category_id)
    brand = None
    if data.brand_id:
        brand = Brand.objects.filter(pk=data.brand_id).first()
        if brand is None:
            raise ValidationError("品牌不存在", field="brand_id")
    images = [_check_url(u, field_name="images") for u in (data.images or []) if str(u).strip()][:10]
    tags = [str(t).strip()[:12] for t in (data.tags or []) if str(t).strip()][:10]
    if not isinstance(data.min_order_qty, int) or not 1 <= data.min_order_qty <= 100000:
        raise ValidationError("起批量须为 1–100000 的整数", field="min_order_qty")
    axes = _clean_axes(data.spec_axes)
    skus = _clean_skus(axes, list(data.skus))
    attributes = _clean_attributes(category, data.attributes)
    template = (
        freight_template_get(shop=shop, template_id=data.freight_template_id)
        if data.freight_template_id
        else None
    )
    can_price = role_can(staff.role, PRICE_EDIT)
    no_return_kind, no_return_note = _check_return_exclusion(data.no_return_kind, data.no_return_note)

    fields = dict(
        title=title,
        subtitle=subtitle,
        category=category,
        brand=brand,
        images=images,
        video_url=_check_url(data.video_url, field_name="video_url"),
        detail_html=sanitize_html(data.detail_html),
        tags=tags,
        attributes=attributes,
        spec_axes=axes,
        is_wholesale=bool(data.is_wholesale),
        min_order_qty=data.min_order_qty if data.is_wholesale else 1,
        freight_template=template,
        original_price_is_msrp=bool(data.original_price_is_msrp),
        no_return_kind=no_return_kind,
        no_return_note=no_return_note,
        ship_within_hours=check_ship_within_hours(data.ship_within_hours),
    )
    with transaction.atomic():
        if product_id is None:
            if not can_price:
                raise PermissionDenied("你的角色没有设置价格的权限")
            product = Product.objects.create(shop=shop, **fields)
            existing: dict[str, Sku] = {}
            images_before = []
        else:
            product = Product.objects.for_shop(shop).select_for_update().filter(pk=product_id).first()
            if product is None:
                raise NotFound("商品不存在")
            images_before = list(product.images or [])
            for key, value in fields.items():
                setattr(product, key, value)
            existing = {s.spec_key: s for s in Sku.objects.filter(product=product)}
        keep = set()
        stock: list[SkuStock] = []
        price_events: list[SkuPriceChanged] = []
        for item in skus:
            key = _spec_key(item.spec_values)
            keep.add(key)
            sku = existing.get(key)
            if sku is None:
                if not can_price:
                    raise PermissionDenied("你的角色没有设置价格的权限")
                sku = Sku.objects.create(
                    shop=shop,
                    product=product,
                    spec_values=item.spec_values,
                    spec_key=key,
                    price_fen=item.price_fen,
                    original_price_fen=item.original_price_fen,
                    cost_fen=item.cost_fen or 0,
                    barcode=item.barcode,
                    weight_g=item.weight_g or 0,
                    safety_stock=item.safety_stock or 0,
                )
                PriceHistory.objects.create(
                    shop=shop,
                    sku=sku,
                    price_fen=sku.price_fen,
                    original_price_fen=sku.original_price_fen,
                    changed_by=staff.user,
                )
            else:
                price_changed = (sku.price_fen, sku.original_price_fen) != (
                    item.price_fen,
                    item.original_price_fen,
                )
                if price_changed and not can_price:
                    raise PermissionDenied("你的角色没有修改价格的权限")
                if price_changed:
                    PriceHistory.objects.create(
                        shop=shop,
                        sku=sku,
                        price_fen=item.price_fen,
                        original_price_fen=item.original_price_fen,
                        old_price_fen=sku.price_fen,
                        changed_by=staff.user,
                    )
                    price_events.append(
                        SkuPriceChanged(
                            sku_id=sku.pk,
                            product_id=product.pk,
                            shop_id=shop.pk,
                            old_price_fen=sku.price_fen,
                            price_fen=item.price_fen,
                        )
                    )
                sku.price_fen = item.price_fen
                sku.original_price_fen = item.original_price_fen
                sku.cost_fen = item.cost_fen or 0
                sku.barcode = item.barcode
                sku.weight_g = item.weight_g or 0
                sku.safety_stock = item.safety_stock or 0
                sku.is_active = True
                sku.save()
            if item.stock is not None:
                stock.append(SkuStock(sku_id=sku.pk, on_hand=item.stock))
        Sku.objects.filter(product=product).exclude(spec_key__in=keep).update(is_active=False)
        product.adlaw_warnings = _adlaw_check(shop, product)
        _refresh_min_price(product)
        listings_changed()
        events.publish(
            ProductSaved(
                product_id=product.pk,
                shop_id=shop.pk,
                created=product_id is None,
                actor_id=staff.user_id,
                stock=tuple(stock),
            )
        )
        if data.media is not None:
            _apply_media(product, shop, data.media)
        elif product_id is None or images_before != product.images:
            product_image_problems_refresh(product_ids=[product.pk])
        for event in price_events:
            events.publish(event)
    return product


def _adlaw_check(shop, product: Product) -> dict:
    """广告法: scan what buyers read of the product (title, subtitle, detail text, SKU names). A blocking term
    refuses the save (ValidationError on its field); warnings come back per field for the form to show."""
    fields = {
        "title": product.title,
        "subtitle": product.subtitle,
        "detail_html": strip_tags(product.detail_html or ""),
    }
    for sku in Sku.objects.filter(product=product, is_active=True):
        fields[f"sku.{sku.pk}"] = " ".join(str(v) for v in sku.spec_values or [])
    category = strict_category_for(category_slugs=[c.slug for c in category_ancestors(product.category)])
    warnings = texts_check(
        shop=shop, source="product", source_id=product.pk, fields=fields, category=category
    )
    texts_forget(shop=shop, source="product", source_id=product.pk, keep_fields=fields)  # SKUs gone
    return warnings


def _refresh_min_price(product: Product) -> None:
    low = Sku.objects.filter(product=product, is_active=True).aggregate(m=Min("price_fen"))["m"] or 0
    product.min_price_fen = low
    product.save()


def sku_price_update(*, staff, sku_id, price_fen: int, original_price_fen: int | None = None) -> Sku:
    """Change one SKU's price (quick edit), recorded in the price history. Publishes SkuPriceChanged."""
    if not role_can(staff.role, PRICE_EDIT):
        raise PermissionDenied("你的角色没有修改价格的权限")
    _check_money(price_fen, label="售价", field_name="price_fen")
    if original_price_fen is not None:
        _check_money(original_price_fen, label="划线价", field_name="original_price_fen")
        if original_price_fen <= price_fen:
            raise ValidationError("划线价须高于售价（或留空）", field="original_price_fen")
    with transaction.atomic():
        sku = Sku.objects.for_shop(staff.shop).select_for_update().filter(pk=sku_id, is_active=True).first()
        if sku is None:
            raise NotFound("SKU 不存在")
        if (sku.price_fen, sku.original_price_fen) != (price_fen, original_price_fen):
            PriceHistory.objects.create(
                shop=staff.shop,
                sku=sku,
                price_fen=price_fen,
                original_price_fen=original_price_fen,
                old_price_fen=sku.price_fen,
                changed_by=staff.user,
            )
            event = SkuPriceChanged(
                sku_id=sku.pk,
                product_id=sku.product_id,
                shop_id=sku.shop_id,
                old_price_fen=sku.price_fen,
                price_fen=price_fen,
            )
            sku.price_fen = price_fen
            sku.original_price_fen = original_price_fen
            sku.save(update_fields=["price_fen", "original_price_fen"])
            _refresh_min_price(sku.product)
            listings_changed()
            # after the change, so in-transaction subscribers (marketing's display prices) read the new price
            events.publish(event)
    return sku


SHELF_TRANSITIONS = {
    Product.Status.ON_SALE: {Product.Status.DRAFT, Product.Status.OFF_SHELF},
    Product.Status.OFF_SHELF: {Product.Status.ON_SALE},
}


def product_set_status(*, staff, product_ids, status: str) -> int:
    """Bulk 上架/下架. Draft → on sale and off shelf ↔ on sale; anything else is refused for the whole batch."""
    if not role_can(staff.role, PRODUCT_EDIT):
        raise PermissionDenied("你的角色没有上下架商品的权限")
    if status not in SHELF_TRANSITIONS:
        raise ValidationError("目标状态只能是出售中或已下架", field="status")
    try:
        ids = sorted({int(i) for i in product_ids})
    except (TypeError, ValueError):
        raise ValidationError("商品编号无效", field="product_ids") from None
    if not ids:
        raise ValidationError("请选择商品", field="product_ids")
    with transaction.atomic():
        products = list(
            Product.objects.for_shop(staff.shop).select_for_update().filter(pk__in=ids).order_by("pk")
        )
        if len(products) != len(ids):
            raise NotFound("部分商品不存在")
        label = Product.Status(status).label
        for p in products:
            if p.status == status:
                continue
            if p.status not in SHELF_TRANSITIONS[status]:
                raise Conflict(f"“{p.title}”当前为{p.get_status_display()}，不能改为{label}")
            if (
                status == Product.Status.ON_SALE
                and not Sku.objects.filter(product=p, is_active=True).exists()
            ):
                raise Conflict(f"“{p.title}”没有可售 SKU，不能上架")
        moved = [p.pk for p in products if p.status != status]
        changed = Product.objects.filter(pk__in=moved).update(status=status, updated_at=timezone.now())
        listings_changed()
        if moved:
            events.publish(
                ProductStatusChanged(shop_id=staff.shop.pk, product_ids=tuple(moved), status=status)
            )
    return changed


# --- uploaded media ------------------------------------------------------------------------------------------


def _ids(values, *, field_name: str) -> list[int]:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        raise ValidationError("图片或视频编号须为整数", field=field_name) from None


def _media_assets(shop, media: MediaInput) -> dict:
    """The shop's assets the input names; any id that is not the shop's (another shop's, or none) is 404."""
    gallery = _ids(media.gallery or [], field_name="gallery")
    if len(gallery) > MAX_GALLERY:
        raise ValidationError(f"商品图片最多 {MAX_GALLERY} 张", field="gallery")
    if len(set(gallery)) != len(gallery):
        raise ValidationError("商品图片有重复", field="gallery")
    raw_sku = media.sku_images or {}
    sku = dict(zip(raw_sku, _ids(raw_sku.values(), field_name="sku_images"), strict=True))
    video = _ids([media.video], field_name="video")[0] if media.video is not None else None
    wanted = [*gallery, *sku.values(), *([video] if video else [])]
    found = assets_by_id(shop=shop, ids=wanted, own_only=True)  # a buyer's photo is not the shop's to list
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"图片或视频不存在（编号 {missing[0]}）", field="media")
    if any(found[i].kind != "image" for i in [*gallery, *sku.values()]):
        raise ValidationError("商品图片和规格图只能是图片", field="gallery")
    if video and found[video].kind != "video":
        raise ValidationError("主图视频须为视频文件", field="video")
    return {
        "gallery": [found[i] for i in gallery],
        "sku": {k: found[v] for k, v in sku.items()},
        "video": found[video] if video else None,
    }


def _check_main(asset) -> None:
    least = int(settings.WANSHANG["MEDIA_MAIN_MIN_SIDE"])
    if asset.width < least or asset.height < least:
        raise ValidationError(
            f"主图至少 {least}×{least} 像素，这张是 {asset.width}×{asset.height}", field="gallery"
        )


def _apply_media(product: Product, shop, media: MediaInput) -> None:
    """Replace the product's uploaded media and mirror them into images / pictures / video_url. Pasted image
    URLs (not from uploads) stay after the uploaded ones; a pasted video URL stays unless a video is set."""
    chosen = _media_assets(shop, media)
    gallery, sku, video = chosen["gallery"], chosen["sku"], chosen["video"]
    if gallery:
        _check_main(gallery[0])
    axis = colour_axis(product.spec_axes)
    for value in sku:
        if axis is None or value not in axis["values"]:
            raise ValidationError(
                f"“{value}”不是商品的{axis['name'] if axis else '颜色'}规格值", field="sku_images"
            )
    old_video = ProductMedia.objects.filter(product=product, role=ProductMedia.Role.VIDEO).select_related(
        "asset"
    )
    old_video_urls = {m.asset.url for m in old_video}
    ProductMedia.objects.filter(product=product).exclude(role=ProductMedia.Role.DETAIL).delete()
    rows = [
        ProductMedia(shop=shop, product=product, asset=a, role="main" if i == 0 else "gallery", position=i)
        for i, a in enumerate(gallery)
    ]
    rows += [
        ProductMedia(shop=shop, product=product, asset=a, role="sku", position=i, spec_value=value)
        for i, (value, a) in enumerate(sku.items())
    ]
    if video:
        rows.append(ProductMedia(shop=shop, product=product, asset=video, role="video"))
    ProductMedia.objects.bulk_create(rows)
    pasted = [u for u in product.images or [] if u not in (product.pictures or {})]
    urls = [a.renditions["detail"]["jpeg"] for a in gallery]
    product.images = [*urls, *[u for u in pasted if u not in urls]][:MAX_GALLERY]
    product.pictures = {a.renditions["detail"]["jpeg"]: a.renditions for a in [*gallery, *sku.values()]}
    if video:
        product.video_url = video.url
    elif product.video_url in old_video_urls:
        product.video_url = ""
    product.save(update_fields=["images", "pictures", "video_url", "updated_at"])
    listings_changed()
    product_image_problems_refresh(product_ids=[product.pk])


def product_media_set(*, staff, product_id, media: MediaInput) -> Product:
    """Set a product's uploaded media (gallery ≤ 10 in order, the first being the main image of at least the
    main-image size; one image per colour value; one video). Only the shop's own product and assets: another
    shop's are NotFound. Raises PermissionDenied without the product right, ValidationError on bad input."""
    if not role_can(staff.role, PRODUCT_EDIT):
        raise PermissionDenied("你的角色没有编辑商品的权限")
    with transaction.atomic():
        product = Product.objects.for_shop(staff.shop).select_for_update().filter(pk=product_id).first()
        if product is None:
            raise NotFound("商品不存在")
        _apply_media(product, staff.shop, media)
    return product


def image_problems_for_asset_refresh(*, shop_id: int, asset_id: int) -> None:
    """Check again the products showing a picture whose declaration changed."""
    ids = products_for_asset(shop_id=shop_id, asset_id=asset_id)
    if ids:
        product_image_problems_refresh(product_ids=ids)


# --- platform taxonomy ------------------------------------------------------------------------------------


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # never read yet
        cache.set(key, 2, None)
    if settings.DATABASE_REPLICAS:
        # when: a cache filled from a replica just after a change may hold the older rows (listing_changed_at)
        cache.set(f"{key}:at", time.time(), None)


def product_cache_refresh(*, shop_id: int, product_id: int) -> Product:
    """The product's denormalised columns written again from its SKUs (`min_price_fen`, which lists sort by and
    cards show) and the cached lists dropped. A safe repair (the daily patrol's 刷新商品缓存); NotFound for a
    product of another shop."""
    with transaction.atomic():
        product = Product.objects.filter(shop_id=shop_id, pk=product_id).select_for_update().first()
        if product is None:
            raise NotFound("商品不存在")
        _refresh_min_price(product)
    listings_changed()
    transaction.on_commit(listings_changed)
    return product


def listings_changed() -> None:
    """Public product lists must be rendered afresh (now and after the caller's commit)."""
    _bump(LISTING_VERSION_KEY)
    transaction.on_commit(lambda: _bump(LISTING_VERSION_KEY))


def _tree_changed() -> None:
    def forget():
        cache.delete(TREE_CACHE_KEY)
        _bump(TREE_VERSION_KEY)

    forget()
    listings_changed()
    # and again after commit: a reader between the two could have cached the old tree
    transaction.on_commit(forget)


def _check_never_return_kind(kind) -> str:
    kind = (kind or "").strip()
    if kind and kind not in NeverReturnKind.values:
        raise ValidationError(
            "法定不适用7天无理由的只有：定作、鲜活易腐、在线下载或已拆封的数字商品、报纸期刊",
            field="never_return_kind",
        )
    return kind


def category_create(
    *, name: str, slug: str, parent_id: int | None = None, sort: int = 0, never_return_kind: str = ""
) -> Category:
    name = (name or "").strip()
    slug = (slug or "").strip().lower()
    if not 1 <= len(name) <= 40:
        raise ValidationError("类目名称须为 1–40 字", field="name")
    if not slug or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug):
        raise ValidationError("标识只能包含小写字母、数字和“-”", field="slug")
    if Category.objects.filter(slug=slug).exists():
        raise ValidationError("标识已被使用", field="slug")
    never_return_kind = _check_never_return_kind(never_return_kind)
    parent = None
    level = 1
    if parent_id:
        parent = category_get(category_id=parent_id)
        if parent.level >= 3:
            raise ValidationError("类目最多三级", field="parent_id")
        level = parent.level + 1
    with transaction.atomic():
        category = Category.objects.create(
            name=name, slug=slug, parent=parent, level=level, sort=sort, never_return_kind=never_return_kind
        )
        category.path = f"{parent.path if parent else '/'}{category.pk}/"
        category.save(update_fields=["path"])
        _tree_changed()
    return category


def category_rename(
    *, category_id, name: str, is_active: bool | None = None, never_return_kind: str | None = None
) -> Category:
    """Rename, enable or disable a category and set its statutory 7天无理由 exclusion (None: unchanged; "":
    none of its own, its subcategories then follow their ancestors). Orders already placed keep their snapshot."""
    category = category_get(category_id=category_id)
    name = (name or "").strip()
    if not 1 <= len(name) <= 40:
        raise ValidationError("类目名称须为 1–40 字", field="name")
    category.name = name
    if is_active is not None:
        category.is_active = is_active
    if never_return_kind is not None:
        category.never_return_kind = _check_never_return_kind(never_return_kind)
    with transaction.atomic():
        category.save()
        _tree_changed()
    return category


def attribute_template_save(
    *, category_id, name: str, options: list[str], required: bool, template_id: int | None = None
) -> AttributeTemplate:
    category = category_get(category_id=category_id)
    if not category.is_leaf:
        raise ValidationError("属性模板只能挂在三级类目上", field="category_id")
    name = (name or "").strip()
    if not 1 <= len(name) <= 30:
        raise ValidationError("属性名须为 1–30 字", field="name")
    options = [o.strip() for o in options or [] if o.strip()]
    if len(set(options)) != len(options):
        raise ValidationError("可选值有重复", field="options")
    if AttributeTemplate.objects.filter(category=category, name=name).exclude(pk=template_id).exists():
        raise ValidationError("该类目已有同名属性", field="name")
    if template_id:
        tpl = AttributeTemplate.objects.filter(category=category, pk=template_id).first()
        if tpl is None:
            raise NotFound("属性不存在")
        tpl.name, tpl.options, tpl.required = name, options, bool(required)
        tpl.save()
        return tpl
    return AttributeTemplate.objects.create(
        category=category, name=name, options=options, required=bool(required)
    )


def attribute_template_delete(*, category_id, template_id) -> None:
    deleted, _ = AttributeTemplate.objects.filter(category_id=category_id, pk=template_id).delete()
    if not deleted:
        raise NotFound("属性不存在")


def brand_create(*, name: str, name_en: str = "") -> Brand:
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise ValidationError("品牌名须为 1–60 字", field="name")
    brand, created = Brand.objects.get_or_create(
        name=name, defaults={"name_en": (name_en or "").strip()[:60]}
    )
    if not created:
        raise ValidationError("品牌已存在", field="name")
    return brand


def product_sales_add(*, product_quantities: dict[int, int]) -> None:
    """Bump denormalised sales counts after payment (list sorting)."""
    for product_id, qty in sorted(product_quantities.items()):
        Product.objects.filter(pk=product_id).update(sales_count=F("sales_count") + qty)


# --- favourites (收藏) -------------------------------------------------------------------------------------------


def _product_id(product_id) -> int:
    try:
        value = int(str(product_id).strip())
    except (TypeError, ValueError):
        raise NotFound("商品不存在", field="product_id") from None
    if value <= 0:
        raise NotFound("商品不存在", field="product_id")
    return value


def favourite_add(*, user, product_id) -> tuple[Favourite, bool]:
    """收藏 a product; (favourite, newly added). Adding it again keeps the one favourite and records nothing.
    Only a product on sale in an open shop can be added: NotFound for an unknown product (or a draft),
    ValidationError for one off the shelf or in a paused shop. The `fav` event is recorded after commit."""
    pid = _product_id(product_id)
    product = Product.objects.select_related("shop").filter(pk=pid).first()
    if product is None or product.status == Product.Status.DRAFT:
        raise NotFound("商品不存在", field="product_id")
    existing = Favourite.objects.filter(user=user, product_id=pid).first()
    if existing is not None:
        return existing, False
    if product.status != Product.Status.ON_SALE:
        raise ValidationError("商品已下架，暂不能收藏", field="product_id")
    if product.shop.status != "open":
        raise ValidationError("店铺已暂停营业，暂不能收藏", field="product_id")
    try:
        with transaction.atomic():
            favourite = Favourite.objects.create(user=user, product=product, shop_id=product.shop_id)
    except IntegrityError:  # the same buyer added it twice at once: one favourite, one event
        return Favourite.objects.get(user=user, product_id=pid), False
    _track_favourite(user, product)
    return favourite, True


def _track_favourite(user, product) -> None:

    transaction.on_commit(
        lambda: favourite_record(
            user_id=user.pk, shop_id=product.shop_id, product_id=product.pk, category_id=product.category_id
        )
    )


def favourite_remove(*, user, product_id) -> bool:
    """Take a product out of the buyer's favourites (any product, also one no longer on sale). Removing one
    that is not there does nothing. Returns whether one was removed."""
    try:
        pid = _product_id(product_id)
    except NotFound:
        return False
    deleted, _ = Favourite.objects.filter(user=user, product_id=pid).delete()
    return bool(deleted)
