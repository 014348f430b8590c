"""Copy-tool writes: a product's FABE modules, putting their HTML into the product's detail (through catalog's
product_save, so every rule and subscriber of a product save applies), the shop's brief order."""

from django.db import transaction
from django.utils import timezone

from wanshang.catalog.services import ProductInput, SkuInput, product_save, sanitize_html
from wanshang.common.errors import NotFound, PermissionDenied, ValidationError
from wanshang.copywriting import brief as briefs
from wanshang.copywriting.fabe import clean_modules, render_html
from wanshang.copywriting.models import CopySettings, FabeDetail
from wanshang.copywriting.selectors import image_urls, product_get
from wanshang.merchants.permissions import PRODUCT_EDIT, role_can

APPLY_MODES = {
    "fabe": "替换上次插入的 FABE 内容（没有则追加到详情末尾）",
    "append": "追加到详情末尾",
    "replace": "替换整个商品详情",
}


def _require_edit(staff) -> None:
    if not role_can(staff.role, PRODUCT_EDIT):
        raise PermissionDenied("你的角色没有编辑商品的权限")


def fabe_save(*, staff, product_id, modules) -> FabeDetail:
    """Keep a product's FABE modules and the HTML they make. Refuses (ValidationError) a module with more
    lines than allowed, an over-long line or heading, an unknown kind; another shop's product or image is
    NotFound; PermissionDenied without the product right."""
    _require_edit(staff)
    shop = staff.shop
    product = product_get(shop=shop, product_id=product_id)
    cleaned = clean_modules(modules)
    wanted = [i for m in cleaned for i in m.image_ids]
    urls = image_urls(shop=shop, ids=wanted)
    missing = [i for i in wanted if i not in urls]
    if missing:
        raise NotFound(f"图片不存在（编号 {missing[0]}）", field="modules")
    html = sanitize_html(render_html(cleaned, {k: v["url"] for k, v in urls.items()}))
    with transaction.atomic():
        # get_or_create falls back to reading the row when a concurrent first save created it
        row, _ = FabeDetail.objects.select_for_update().get_or_create(
            product=product, defaults={"shop": shop}
        )
        row.modules = [m.as_dict() for m in cleaned]
        row.html = html
        row.updated_by = staff.user
        row.save()
    return row


def _input_of(product, detail_html: str) -> ProductInput:
    """The product as it is, with a new detail: what catalog's product_save needs to change only that."""
    return ProductInput(
        title=product.title,
        category_id=product.category_id,
        skus=[
            SkuInput(
                spec_values=list(s.spec_values),
                price_fen=s.price_fen,
                original_price_fen=s.original_price_fen,
                cost_fen=s.cost_fen,
                barcode=s.barcode,
                weight_g=s.weight_g,
                safety_stock=s.safety_stock,
            )
            for s in product.skus.all()
        ],
        subtitle=product.subtitle,
        brand_id=product.brand_id,
        images=list(product.images or []),
        video_url=product.video_url,
        detail_html=detail_html,
        tags=list(product.tags or []),
        attributes=dict(product.attributes or {}),
        spec_axes=list(product.spec_axes or []),
        is_wholesale=product.is_wholesale,
        min_order_qty=product.min_order_qty,
        freight_template_id=product.freight_template_id,
        original_price_is_msrp=product.original_price_is_msrp,
        media=None,
        no_return_kind=product.no_return_kind,
        no_return_note=product.no_return_note,
        ship_within_hours=product.ship_within_hours,
    )


def _merged(current: str, fabe_html: str, previous: str, mode: str) -> str:
    if mode == "replace" or not current.strip():
        return fabe_html
    if mode == "fabe" and previous and previous in current:
        return current.replace(previous, fabe_html, 1)
    return current + fabe_html


def fabe_apply(*, staff, product_id, mode: str = "fabe"):
    """Write the saved FABE HTML into the product's detail through catalog.services.product_save (the
    product's other fields as they are). `mode`: fabe (replace what was inserted last time, else append),
    append, replace (the whole detail). Raises ValidationError when nothing is saved yet or the mode is
    unknown, NotFound for another shop's product, and whatever product_save raises."""
    _require_edit(staff)
    if mode not in APPLY_MODES:
        raise ValidationError("插入方式只能是 fabe、append 或 replace", field="mode")
    shop = staff.shop
    product = product_get(shop=shop, product_id=product_id)
    with transaction.atomic():
        row = FabeDetail.objects.for_shop(shop).select_for_update().filter(product=product).first()
        if row is None or not row.html:
            raise ValidationError("请先保存 FABE 模块，再插入商品详情", field="modules")
        detail = _merged(product.detail_html or "", row.html, row.applied_html, mode)
        saved = product_save(staff=staff, data=_input_of(product, detail), product_id=product.pk)
        row.applied_html = row.html
        row.applied_at = timezone.now()
        row.save(update_fields=["applied_html", "applied_at", "updated_at"])
    return saved


def point_order_save(*, staff, order) -> list[str]:
    """The shop's order of selling-point kinds in the designers' brief (all four kinds, each once)."""
    _require_edit(staff)
    items = order.split(",") if isinstance(order, str) else list(order or [])
    items = [str(k).strip() for k in items]
    if sorted(items) != sorted(briefs.POINT_KINDS):
        raise ValidationError("卖点顺序须把 功能、材质、尺寸、售后 各排一次", field="point_order")
    CopySettings.objects.update_or_create(shop=staff.shop, defaults={"point_order": items})
    return items
