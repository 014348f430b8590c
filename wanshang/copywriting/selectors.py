"""Copy-tool reads: a product's FABE modules, the title, ad-title and button checks, the visual brief. Every
product is read in the caller's shop (another shop's id is NotFound)."""

import re
from dataclasses import dataclass

from wanshang.catalog.selectors import (
    brand_list,
    brands_by_ids,
    categories_by_ids,
    category_ancestors,
    return_policy,
    seller_product_get,
    ship_promise_hours,
)
from wanshang.catalog.services import sanitize_html
from wanshang.common.errors import NotFound, ValidationError
from wanshang.copywriting import brief as briefs
from wanshang.copywriting.buttons import ButtonFinding, button_findings
from wanshang.copywriting.exports import XLSX as XLSX
from wanshang.copywriting.exports import brief_dict as brief_dict
from wanshang.copywriting.exports import brief_xlsx as brief_xlsx
from wanshang.copywriting.fabe import KIND_HINTS as KIND_HINTS
from wanshang.copywriting.fabe import KINDS as KINDS
from wanshang.copywriting.fabe import MAX_MODULES as MAX_MODULES
from wanshang.copywriting.fabe import Module, limits, render_html
from wanshang.copywriting.models import CopySettings, FabeDetail
from wanshang.copywriting.titles import AD_TITLE_MAX_CHARS as AD_TITLE_MAX_CHARS
from wanshang.copywriting.titles import (
    BrandName,
    ad_title_findings,
    product_title_findings,
    title_words,
)
from wanshang.copywriting.types import Finding
from wanshang.media.selectors import assets_by_id, recent_assets

POINT_KINDS = briefs.POINT_KINDS
TITLE_INPUT_MAX = 200  # a checked text longer than this is refused, not checked
BUTTON_INPUT_MAX = 5000
_SHOP_KIND = re.compile(r"(官方)?(旗舰店|专营店|专卖店|企业店|店铺|店)$")


def product_get(*, shop, product_id):
    """The shop's product (NotFound for another shop's, none, or not a number)."""
    try:
        pk = int(product_id)
    except (TypeError, ValueError):
        raise NotFound("商品不存在") from None
    return seller_product_get(shop=shop, product_id=pk)


# --- FABE ----------------------------------------------------------------------------------------------------


@dataclass
class FabeView:
    product: object
    modules: list[dict]
    html: str
    applied_at: object | None
    images: dict  # asset id → {"url", "thumb"} of the images the modules use


def fabe_limits() -> tuple[int, int]:
    """(lines per module, characters per line) from the settings."""
    return limits()


def image_urls(*, shop, ids) -> dict[int, dict]:
    """{asset id: {"url": detail rendition, "thumb": thumbnail}} of the shop's own images among `ids`."""
    out = {}
    for pk, asset in assets_by_id(shop=shop, ids=ids, own_only=True).items():
        if asset.kind != "image":
            continue
        renditions = asset.renditions or {}
        url = (renditions.get("detail") or {}).get("jpeg") or asset.url
        out[pk] = {"url": url, "thumb": (renditions.get("thumb") or {}).get("jpeg") or url}
    return out


def fabe_get(*, shop, product_id) -> FabeView:
    product = product_get(shop=shop, product_id=product_id)
    row = FabeDetail.objects.for_shop(shop).filter(product=product).first()
    modules = row.modules if row else []
    ids = [i for m in modules for i in m.get("image_ids", [])]
    return FabeView(
        product=product,
        modules=modules,
        html=row.html if row else "",
        applied_at=row.applied_at if row else None,
        images=image_urls(shop=shop, ids=ids),
    )


def fabe_preview(*, shop, modules: list[Module]) -> str:
    """The HTML clean modules make (their images must be the shop's: others are left out here, refused on
    save)."""
    urls = image_urls(shop=shop, ids=[i for m in modules for i in m.image_ids])
    return sanitize_html(render_html(modules, {k: v["url"] for k, v in urls.items()}))


def pickable_images(*, shop, limit: int = 60) -> list[dict]:
    """The shop's own recent images for a module to choose from."""
    return [
        {
            "id": a.pk,
            "thumb": ((a.renditions or {}).get("thumb") or {}).get("jpeg") or a.url,
            "size": f"{a.width}×{a.height}",
        }
        for a in recent_assets(shop=shop, limit=limit)
    ]


def fabe_button_findings(modules) -> list[ButtonFinding]:
    """Weak call-to-action phrases in the modules' lines (a detail page's own 立即购买)."""
    return button_findings("\n".join(line for m in modules for line in m.get("lines", [])))


# --- titles --------------------------------------------------------------------------------------------------


def _check_text(title, *, limit: int, what: str) -> str:
    if not isinstance(title, str):
        raise ValidationError(f"请填写{what}", field="title")
    title = title.strip()
    if not title:
        raise ValidationError(f"请填写{what}", field="title")
    if len(title) > limit:
        raise ValidationError(f"{what}不超过 {limit} 个字", field="title")
    return title


def _brand_names(brands) -> list[BrandName]:
    return [BrandName(b.name, b.name_en) for b in brands]


def product_title_check(*, shop, title: str, brand_id=None, category_id=None) -> list[Finding]:
    """The findings of a product title as typed (the form's live check). `brand_id`: the product's own
    brand. Raises ValidationError for an empty or oversize text."""
    title = _check_text(title, limit=TITLE_INPUT_MAX, what="商品标题")
    own = None
    if brand_id not in (None, ""):
        try:
            own_row = brands_by_ids(ids=[int(brand_id)]).get(int(brand_id))
        except (TypeError, ValueError):
            raise ValidationError("品牌不存在", field="brand_id") from None
        own = BrandName(own_row.name, own_row.name_en) if own_row else None
    category = None
    if category_id not in (None, ""):
        try:
            category = next(iter(categories_by_ids(ids=[int(category_id)])), None)
        except (TypeError, ValueError):
            category = None
    return product_title_findings(
        title, own_brand=own, brands=_brand_names(brand_list()), shop=shop, category=category
    )


def product_title_check_saved(*, shop, product_id) -> tuple[object, list[Finding]]:
    """A saved product's title findings."""
    product = product_get(shop=shop, product_id=product_id)
    own = BrandName(product.brand.name, product.brand.name_en) if product.brand else None
    return product, product_title_findings(
        product.title, own_brand=own, brands=_brand_names(brand_list()), shop=shop, category=product.category
    )


def ad_brand_and_core(product, shop) -> tuple[list[str], list[str]]:
    """The formula's brand words (the product's brand, the shop's name with and without 旗舰店 …) and core
    words (the category's name and the title's words) for a product."""
    brand = product.brand
    names = [n for n in (getattr(brand, "name", ""), getattr(brand, "name_en", "")) if n]
    names += [shop.name, _SHOP_KIND.sub("", shop.name)]
    return names, [product.category.name, *title_words(product.title)]


def ad_title_check(*, shop, product_id, title: str, trust_words: list[str] | None = None) -> list[Finding]:
    """An ad creative title for one of the shop's products against 品牌词 + 核心功能词 + 信任背书 ≤ 20 字.
    `trust_words` default: the COPY_TRUST_WORDS setting (ads passes its platform's list)."""
    title = _check_text(title, limit=60, what="创意标题")
    product = product_get(shop=shop, product_id=product_id)
    brands, core = ad_brand_and_core(product, shop)
    return ad_title_findings(title, brand_names=brands, core_words=core, trust_words=trust_words)


# --- buttons -------------------------------------------------------------------------------------------------


def button_check(*, text: str) -> list[ButtonFinding]:
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("请粘贴要检查的文案", field="text")
    if len(text) > BUTTON_INPUT_MAX:
        raise ValidationError(f"文案不超过 {BUTTON_INPUT_MAX} 个字", field="text")
    return button_findings(text)


# --- the visual brief ----------------------------------------------------------------------------------------


def point_order(*, shop) -> list[str]:
    row = CopySettings.objects.for_shop(shop).first()
    return briefs.clean_order(row.point_order if row else [])


@dataclass
class Brief:
    product: object
    order: list[str]
    groups: list[briefs.PointGroup]
    images: list[briefs.ImageCheck]
    requirements: list[briefs.Requirement]

    @property
    def missing(self) -> list[briefs.Requirement]:
        return [r for r in self.requirements if not r.ok]


def _after_sales(product) -> list[str]:
    policy = return_policy(product=product)
    promises = ["支持7天无理由退货" if policy.eligible else f"不支持7天无理由退货（{policy.text}）"]
    promises.append(f"付款后 {ship_promise_hours(product=product)} 小时内发货")
    return promises


def visual_brief(*, shop, product_id, order=None) -> Brief:
    """The designers' brief of one of the shop's products; `order` (list or "a,b") overrides the shop's."""
    product = product_get(shop=shop, product_id=product_id)
    chosen = briefs.clean_order(order) if order else point_order(shop=shop)
    row = FabeDetail.objects.for_shop(shop).filter(product=product).first()
    groups = briefs.selling_points(
        product, order=chosen, fabe_modules=row.modules if row else (), after_sales=_after_sales(product)
    )
    checks = briefs.image_checks(list(product.images or []), product.pictures or {})
    names = [c.name for c in category_ancestors(product.category)]
    return Brief(
        product=product,
        order=chosen,
        groups=groups,
        images=checks,
        requirements=briefs.requirements(product, checks=checks, category_names=names),
    )
