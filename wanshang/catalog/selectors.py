import functools
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q

from wanshang.catalog.models import (
    AttributeTemplate,
    Brand,
    Category,
    ExcludableReturnKind,
    Favourite,
    ImageProblem,
    NeverReturnKind,
    PriceHistory,
    Product,
    ProductMedia,
    Sku,
)
from wanshang.common import rawsql
from wanshang.common.dbrouter import primary_reads
from wanshang.common.errors import NotFound

PUBLIC_SORTS = {
    "default": ["-sales_count", "-id"],
    "sales": ["-sales_count", "-id"],
    "new": ["-id"],
    "price_asc": ["min_price_fen", "id"],
    "price_desc": ["-min_price_fen", "-id"],
}


# --- categories and brands -------------------------------------------------------------------------

TREE_CACHE_KEY = "catalog:category-tree:v1"
TREE_VERSION_KEY = "catalog:category-tree:version"


LISTING_VERSION_KEY = "catalog:listing:version"


def listing_version() -> int:
    """Changes whenever a product list could show something else (prices, shelf status, shops, categories).

    Sales counts are not part of it: a cached list may show them up to its TTL late.
    """
    return _version(LISTING_VERSION_KEY)


def listing_changed_at() -> float:
    """When the listing version last changed (time.time()), 0 if never."""
    return cache.get(f"{LISTING_VERSION_KEY}:at") or 0.0


def category_tree_version() -> int:
    """A number that changes whenever the tree does: a cache key for rendered category menus."""
    return _version(TREE_VERSION_KEY)


def _version(key: str) -> int:
    # Read first: every page reads these, and an add-then-get cost two cache round trips on each (issue 13).
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, None)
        value = cache.get(key)
    return value or 1


def category_tree() -> list[Category]:
    """Top-level categories with `.kids` (and their `.kids`) attached. Cached; catalog services invalidate it."""
    tree = cache.get(TREE_CACHE_KEY)
    if tree is None:
        with primary_reads():  # kept for an hour: not from a replica that may not have the change yet
            tree = _build_category_tree(Category.objects.filter(is_active=True))
        cache.set(TREE_CACHE_KEY, tree, 3600)
    return tree


def _build_category_tree(qs) -> list[Category]:
    nodes = list(qs.order_by("level", "sort", "id"))
    by_id = {c.pk: c for c in nodes}
    for c in nodes:
        c.kids = []
    roots = []
    for c in nodes:
        if c.parent_id and c.parent_id in by_id:
            by_id[c.parent_id].kids.append(c)
        elif c.level == 1:
            roots.append(c)
    return roots


def category_get(*, category_id=None, slug=None) -> Category:
    qs = Category.objects.select_related("parent__parent")
    category = qs.filter(pk=category_id).first() if category_id is not None else qs.filter(slug=slug).first()
    if category is None:
        raise NotFound("类目不存在")
    return category


def category_ancestors(category: Category) -> list[Category]:
    chain, node = [], category
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def categories_by_ids(*, ids) -> list[Category]:
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        return []
    return list(Category.objects.filter(pk__in=ids, is_active=True))


def leaf_categories(*, shop=None) -> list[Category]:
    """Leaf categories; for a shop, only those under the categories it was approved for."""
    qs = Category.objects.filter(level=3, is_active=True).select_related("parent__parent")
    if shop is not None:
        allowed = list(shop.categories.values_list("path", flat=True))
        if allowed:
            cond = Q()
            for path in allowed:
                cond |= Q(path__startswith=path)
            qs = qs.filter(cond)
    return list(qs.order_by("path"))


def attribute_templates(*, category) -> list[AttributeTemplate]:
    return list(AttributeTemplate.objects.filter(category=category))


def brand_list() -> list[Brand]:
    return list(Brand.objects.all())


# --- storefront (public) ------------------------------------------------------------------------------


def _public_products():
    return Product.objects.filter(status=Product.Status.ON_SALE, shop__status="open")


def product_search(
    *,
    q: str = "",
    category: Category | None = None,
    shop=None,
    sort: str = "default",
    min_price_fen: int | None = None,
    max_price_fen: int | None = None,
):
    """Public product queryset: on sale, open shops only. Keywords match title, subtitle, brand and tags."""
    qs = _public_products().select_related("shop", "brand")
    if category is not None:
        qs = qs.filter(category__path__startswith=category.path)
    if shop is not None:
        qs = qs.filter(shop=shop)
    for word in (q or "").split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(subtitle__icontains=word)
            | Q(brand__name__icontains=word)
            | Q(category__name__icontains=word)
        )
    if min_price_fen is not None:
        qs = qs.filter(min_price_fen__gte=min_price_fen)
    if max_price_fen is not None:
        qs = qs.filter(min_price_fen__lte=max_price_fen)
    return qs.order_by(*PUBLIC_SORTS.get(sort, PUBLIC_SORTS["default"]))


def paginate(qs, *, page, per_page: int = 40):
    return Paginator(qs, per_page).get_page(page)


def product_get_public(*, product_id, buyer=None) -> Product:
    """A product a buyer may look at (on sale in an open shop), with active SKUs prefetched. With `buyer`,
    `.is_favourite` says whether they have it in 收藏 (read in the same query)."""
    qs = (
        _public_products()
        .select_related("shop", "brand", "category__parent__parent")
        .prefetch_related(Prefetch("skus", queryset=Sku.objects.filter(is_active=True)))
    )
    signed_in = buyer is not None and buyer.is_authenticated
    if signed_in:
        qs = qs.annotate(is_favourite=Exists(Favourite.objects.filter(user=buyer, product=OuterRef("pk"))))
    product = qs.filter(pk=product_id).first()
    if product is None:
        raise NotFound("商品不存在或已下架")
    if not signed_in:
        product.is_favourite = False
    return product


def favourite_list(*, user):
    """A buyer's favourites, newest first, with the product and its shop; `.buyable` says whether the product
    is still on sale in an open shop (the others are shown as 已失效 and can only be removed)."""
    return (
        Favourite.objects.filter(user=user)
        .select_related("product__shop")
        .annotate(
            buyable=ExpressionWrapper(
                Q(product__status=Product.Status.ON_SALE, product__shop__status="open"),
                output_field=BooleanField(),
            )
        )
        .order_by("-created_at", "-id")
    )


def favourite_product_ids(*, user, product_ids) -> set[int]:
    """Which of these products the buyer has in 收藏 (empty for a visitor)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(
        Favourite.objects.filter(user=user, product_id__in=list(product_ids)).values_list(
            "product_id", flat=True
        )
    )


# --- what pricing reads: plain records, not model instances (issue 13) ------------------------------------------
# A cart is priced on every cart view, preview and submit. Building Sku/Product/Shop/Category instances for it
# cost more than everything else in the read (JSON and text columns the engine never looks at), so the read
# gives these records instead, with the attributes the pricing engine, checkout, orders and the cart and
# checkout pages use (`main_image`, `spec_text`, `return_policy` set by a view …).


@dataclass(eq=False)
class ShopRecord:
    pk: int
    name: str
    slug: str
    logo_url: str
    status: str
    ship_within_hours: int | None

    @property
    def id(self) -> int:
        return self.pk


@dataclass(eq=False)
class CategoryRecord:
    pk: int
    path: str

    @property
    def id(self) -> int:
        return self.pk


@dataclass(eq=False)
class ProductRecord:
    pk: int
    shop: ShopRecord
    category: CategoryRecord
    title: str
    images_json: object  # the column as read; `images` decodes it when first asked (pricing never does)
    status: str
    is_wholesale: bool
    min_order_qty: int
    freight_template_id: int | None
    ship_within_hours: int | None
    no_return_kind: str
    no_return_note: str

    @functools.cached_property
    def images(self) -> list:
        return rawsql.json_value(self.images_json) or []

    @property
    def id(self) -> int:
        return self.pk

    @property
    def shop_id(self) -> int:
        return self.shop.pk

    @property
    def category_id(self) -> int:
        return self.category.pk

    @property
    def main_image(self) -> str:
        return self.images[0] if self.images else ""


@dataclass(eq=False)
class SkuRecord:
    pk: int
    product: ProductRecord
    price_fen: int
    weight_g: int
    spec_json: object  # the column as read; `spec_values` decodes it when first asked (pricing never does)
    is_active: bool

    @functools.cached_property
    def spec_values(self) -> list:
        return rawsql.json_value(self.spec_json) or []

    @property
    def id(self) -> int:
        return self.pk

    @property
    def product_id(self) -> int:
        return self.product.pk

    @property
    def shop_id(self) -> int:
        return self.product.shop.pk

    @property
    def spec_text(self) -> str:
        return " ".join(self.spec_values) if self.spec_values else "默认规格"


@dataclass(frozen=True)
class BuyableSku:
    sku: SkuRecord
    product: ProductRecord
    ok: bool
    reason: str  # why not buyable, in words for the buyer
    extra: object = None  # the value of `skus_for_purchase(extra=…)`


_SKU_FIELDS = ("id", "price_fen", "weight_g", "spec_values", "is_active")
_PRODUCT_FIELDS = (
    "id",
    "title",
    "images",
    "status",
    "is_wholesale",
    "min_order_qty",
    "freight_template",
    "ship_within_hours",
    "no_return_kind",
    "no_return_note",
)
_SHOP_FIELDS = ("id", "name", "slug", "logo_url", "status", "ship_within_hours")


@functools.cache
def _skus_sql(extra: str = "") -> str:
    Shop = Product._meta.get_field("shop").related_model  # noqa: N806  (merchants' model, not imported)
    cols = (
        [rawsql.column(Sku, f) for f in _SKU_FIELDS]
        + [rawsql.column(Product, f) for f in _PRODUCT_FIELDS]
        + [rawsql.column(Shop, f) for f in _SHOP_FIELDS]
        + [rawsql.column(Category, f) for f in ("id", "path")]
        + ([extra] if extra else [])
    )
    # identifiers from the models' meta; values are always bound as parameters
    return (
        f"SELECT {', '.join(cols)} FROM {rawsql.table(Sku)}"  # noqa: S608
        f" JOIN {rawsql.table(Product)} ON {rawsql.column(Product, 'id')} = {rawsql.column(Sku, 'product')}"
        f" JOIN {rawsql.table(Shop)} ON {rawsql.column(Shop, 'id')} = {rawsql.column(Product, 'shop')}"
        f" JOIN {rawsql.table(Category)} ON {rawsql.column(Category, 'id')} = {rawsql.column(Product, 'category')}"
        f" WHERE {rawsql.column(Sku, 'id')} IN "
    )


def skus_for_purchase(*, sku_ids, extra: str = "") -> dict[int, BuyableSku]:
    """Every requested SKU with whether it can be bought now and why not. Unknown ids are absent.

    One statement; SKUs, products, shops and categories come back as records (`SkuRecord` …), each product,
    shop and category once however many of its SKUs are asked for. `extra` is one more SQL expression (built
    from models' meta by an app above, never from input; it may use the SKU's id column) whose value comes back
    as each `BuyableSku.extra`: `inventory.buyable_with_stock` reads the stock in the same statement."""
    ids = list(sku_ids)
    if not ids:
        return {}
    found = rawsql.rows(f"{_skus_sql(extra)}({rawsql.placeholders(len(ids))})", ids, model=Sku)
    shops: dict[int, ShopRecord] = {}
    categories: dict[int, CategoryRecord] = {}
    products: dict[int, ProductRecord] = {}
    out = {}
    for row in found:
        sku_id, price_fen, weight_g, spec_values, is_active = row[:5]
        shop_id = row[15]
        shop = shops.get(shop_id) or shops.setdefault(shop_id, ShopRecord(*row[15:21]))
        category = categories.get(row[21]) or categories.setdefault(row[21], CategoryRecord(*row[21:23]))
        product_id = row[5]
        product = products.get(product_id)
        if product is None:
            p = row[5:15]
            product = products[product_id] = ProductRecord(
                p[0], shop, category, p[1], p[2], p[3], rawsql.flag(p[4]), *p[5:]
            )
        sku = SkuRecord(sku_id, product, price_fen, weight_g, spec_values, rawsql.flag(is_active))
        if not sku.is_active:
            reason = "该规格已失效"
        elif product.status != Product.Status.ON_SALE:
            reason = "商品已下架"
        elif shop.status != "open":
            reason = "店铺已暂停营业"
        else:
            reason = ""
        out[sku_id] = BuyableSku(
            sku=sku, product=product, ok=not reason, reason=reason, extra=row[23] if extra else None
        )
    return out


# --- seller center (shop-scoped) ------------------------------------------------------------------------


def seller_product_list(*, shop, status: str | None = None, q: str = "", category_id=None):
    qs = Product.objects.for_shop(shop).select_related("category").prefetch_related("skus")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(skus__barcode=q)).distinct()
    if category_id:
        qs = qs.filter(category_id=category_id)
    return qs.order_by("-id")


def seller_product_get(*, shop, product_id) -> Product:
    product = (
        Product.objects.for_shop(shop)
        .select_related("category__parent__parent", "brand", "freight_template")
        .prefetch_related(Prefetch("skus", queryset=Sku.objects.filter(is_active=True)))
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        raise NotFound("商品不存在")
    return product


def seller_sku_get(*, shop, sku_id) -> Sku:
    sku = Sku.objects.for_shop(shop).select_related("product").filter(pk=sku_id).first()
    if sku is None:
        raise NotFound("SKU 不存在")
    return sku


def seller_skus_by_id(*, shop, sku_ids) -> dict[int, Sku]:
    """The shop's own SKUs among `sku_ids` (another shop's ids are simply absent)."""
    return {
        s.pk: s for s in Sku.objects.for_shop(shop).select_related("product").filter(pk__in=list(sku_ids))
    }


def seller_skus_on_sale(*, shop):
    """The shop's active SKUs of products on sale, with their product: a queryset, for callers that annotate
    it further (inventory's low-stock list)."""
    return (
        Sku.objects.for_shop(shop)
        .filter(is_active=True, product__status=Product.Status.ON_SALE)
        .select_related("product")
    )


def active_skus_of_products(*, product_ids) -> list[Sku]:
    return list(
        Sku.objects.filter(product_id__in=list(product_ids), is_active=True).select_related(
            "product__category"
        )
    )


def active_skus_for_pricing(*, shop_id: int, product_ids=None) -> list[Sku]:
    """A shop's active SKUs (of `product_ids` only, when given) with product and category, in id order: what
    marketing prices ahead for lists and the product page."""
    qs = Sku.objects.filter(shop_id=shop_id, is_active=True)
    if product_ids is not None:
        qs = qs.filter(product_id__in=list(product_ids))
    return list(qs.select_related("product__category").order_by("pk"))


def skus_by_ids(*, sku_ids) -> dict[int, Sku]:
    return {s.pk: s for s in Sku.objects.filter(pk__in=list(sku_ids)).select_related("product")}


def price_changes_between(*, sku_ids, start, end) -> dict[int, list[dict]]:
    """Per SKU, the list price in force at `start` followed by every change up to `end`, oldest first."""
    sku_ids = list(sku_ids)
    out: dict[int, list[dict]] = {i: [] for i in sku_ids}
    before = {}
    for row in (
        PriceHistory.objects.filter(sku_id__in=sku_ids, changed_at__lt=start)
        .order_by("sku_id", "-changed_at", "-id")
        .values("sku_id", "price_fen", "old_price_fen", "changed_at")
    ):
        before.setdefault(row["sku_id"], row)
    for sku_id, row in before.items():
        out[sku_id].append(row)
    for row in (
        PriceHistory.objects.filter(sku_id__in=sku_ids, changed_at__gte=start, changed_at__lt=end)
        .order_by("changed_at", "id")
        .values("sku_id", "price_fen", "old_price_fen", "changed_at")
    ):
        out[row["sku_id"]].append(row)
    return out


def listed_prices_between(*, sku_ids, start, end) -> dict[int, int]:
    """The lowest list price each SKU had between `start` and `end` (current price if no history)."""
    out = {
        sku_id: min(r["price_fen"] for r in rows)
        for sku_id, rows in price_changes_between(sku_ids=sku_ids, start=start, end=end).items()
        if rows
    }
    missing = [i for i in sku_ids if i not in out]
    if missing:
        out.update(dict(Sku.objects.filter(pk__in=missing).values_list("pk", "price_fen")))
    return out


def price_history(*, shop, sku_id, limit: int = 50) -> list[PriceHistory]:
    return list(
        PriceHistory.objects.for_shop(shop).filter(sku_id=sku_id).select_related("changed_by")[:limit]
    )


# --- platform (operators) ---------------------------------------------------------------------------------


def category_tree_all() -> list[Category]:
    """The whole tree for operators, disabled categories included; each node has `.kids`."""
    return _build_category_tree(Category.objects.all())


def product_counts_of_shop(*, shop) -> dict[str, int]:
    """Products of a shop per status, plus `all` (platform shop detail)."""
    rows = Product.objects.for_shop(shop).values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in Product.Status.values}
    counts.update({r["status"]: r["n"] for r in rows})
    counts["all"] = sum(r["n"] for r in rows)
    return counts


def product_on_sale_count() -> int:
    """Products a buyer can see: on sale in an open shop."""
    return _public_products().count()


# --- seller center: product list tabs ------------------------------------------------------------------------

SELLER_PRODUCT_TABS: dict[str, list[str]] = {
    "on_sale": [Product.Status.ON_SALE],  # 出售中
    "warehouse": [Product.Status.DRAFT, Product.Status.OFF_SHELF],  # 仓库中
    "all": [],
}


def seller_products_in_tab(*, shop, tab: str = "all", q: str = ""):
    """The shop's products of one list tab (unknown tab → all), newest first, category and SKUs prefetched."""
    qs = seller_product_list(shop=shop, q=q)
    statuses = SELLER_PRODUCT_TABS.get(tab) or []
    return qs.filter(status__in=statuses) if statuses else qs


# --- for the search index (wanshang.search) -----------------------------------------------------------------


def products_for_index(*, product_ids) -> list[Product]:
    """Products with what the search index reads: category, brand, shop (its status) and active SKUs.

    Each product has `.active_skus`. Off-shelf products and those of suspended shops are returned too: the
    index keeps their documents and marks them invisible.
    """
    return list(
        Product.objects.filter(pk__in=list(product_ids))
        .select_related("category", "brand", "shop")
        .prefetch_related(
            Prefetch("skus", queryset=Sku.objects.filter(is_active=True), to_attr="active_skus")
        )
        .order_by("pk")
    )


def products_on_sale_of_shop(*, shop_id) -> list[Product]:
    """The shop's products on sale with their active SKUs (`.active_skus`), by id (the daily patrol)."""
    return list(
        Product.objects.filter(shop_id=shop_id, status=Product.Status.ON_SALE)
        .prefetch_related(
            Prefetch(
                "skus", queryset=Sku.objects.filter(is_active=True).order_by("pk"), to_attr="active_skus"
            )
        )
        .order_by("pk")
    )


def product_ids_after(*, after_id: int = 0, limit: int = 1000) -> list[int]:
    """Every product id above `after_id`, ascending (the index rebuild walks the table in chunks)."""
    return list(Product.objects.filter(pk__gt=after_id).order_by("pk").values_list("pk", flat=True)[:limit])


def product_ids_of_shop(*, shop_id) -> list[int]:
    return list(Product.objects.filter(shop_id=shop_id).values_list("pk", flat=True))


def products_updated_since(*, since) -> dict[int, datetime]:
    """Product id → its last change, for products changed at or after `since`."""
    return dict(Product.objects.filter(updated_at__gte=since).values_list("pk", "updated_at"))


def public_products_in_order(*, product_ids) -> list[Product]:
    """The public products among `product_ids`, in that order, shop and brand loaded (search result cards)."""
    found = {
        p.pk: p for p in _public_products().select_related("shop", "brand").filter(pk__in=list(product_ids))
    }
    return [found[i] for i in product_ids if i in found]


def categories_by_id() -> dict[int, Category]:
    """Every active category by id, from the cached tree (names for the index and the facets)."""
    out: dict[int, Category] = {}

    def walk(nodes):
        for node in nodes:
            out[node.pk] = node
            walk(node.kids)

    walk(category_tree())
    return out


def brands_by_ids(*, ids) -> dict[int, Brand]:
    return {b.pk: b for b in Brand.objects.filter(pk__in=list(ids))}


COLOUR_AXES = ("颜色", "颜色分类", "色彩", "花色", "colour", "color")


def colour_axis(spec_axes) -> dict | None:
    """The spec axis SKU images hang on: the one named like 颜色, else the first ({"name", "values"})."""
    axes = spec_axes or []
    return next((a for a in axes if a["name"].strip().lower() in COLOUR_AXES), axes[0] if axes else None)


@dataclass
class ProductMediaSet:
    """A product's uploaded media: the gallery in order (the first is the main image), the colour images,
    the video. Assets are media.MediaAsset rows."""

    gallery: list
    sku_images: dict
    video: object | None


def product_media(*, product) -> ProductMediaSet:
    rows = list(ProductMedia.objects.filter(product=product).select_related("asset"))
    return ProductMediaSet(
        gallery=[m.asset for m in sorted(rows, key=lambda m: m.position) if m.role in ("main", "gallery")],
        sku_images={m.spec_value: m.asset for m in rows if m.role == "sku"},
        video=next((m.asset for m in rows if m.role == "video"), None),
    )


def product_sku_images(*, product) -> dict[str, str]:
    """{colour value: its image URL (the detail rendition)} for the product page."""
    rows = ProductMedia.objects.filter(product=product, role="sku").select_related("asset")
    return {m.spec_value: m.asset.renditions.get("detail", {}).get("jpeg", m.asset.url) for m in rows}


# --- 7天无理由退货 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnPolicy:
    """Whether a product may be returned without a reason within 7 days of receipt (消保法 §25).

    `kind` is a NeverReturnKind (the category's, statutory) or an ExcludableReturnKind (the merchant's, which
    the buyer must confirm at checkout: `needs_confirm`). `reason` is what the buyer is shown."""

    eligible: bool
    kind: str = ""
    reason: str = ""
    note: str = ""
    needs_confirm: bool = False

    @property
    def text(self) -> str:
        return f"{self.reason}：{self.note}" if self.note else self.reason


ELIGIBLE = ReturnPolicy(eligible=True)


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in (path or "").strip("/").split("/") if part.isdigit()]


def category_never_return_kinds(*, category_ids) -> dict[int, str]:
    """Each category's statutory 'never returnable without reason' kind, its own or the nearest ancestor's
    (subcategories inherit it); "" when none. Two queries whatever the number of categories."""
    cats = {c.pk: c.path for c in Category.objects.filter(pk__in=list(category_ids)).only("path")}
    marked = dict(
        Category.objects.filter(pk__in={i for path in cats.values() for i in _path_ids(path)})
        .exclude(never_return_kind="")
        .values_list("pk", "never_return_kind")
    )
    out = {}
    for pk, path in cats.items():
        kinds = [marked[i] for i in _path_ids(path) if i in marked]
        out[pk] = kinds[-1] if kinds else ""  # the deepest mark wins
    return out


def return_policies(*, products) -> dict[int, ReturnPolicy]:
    """The 7天无理由 policy of each product by id: the category's statutory mark first, then the merchant's."""
    products = list(products)
    kinds = category_never_return_kinds(category_ids={p.category_id for p in products})
    return {p.pk: _policy(p, kinds.get(p.category_id, "")) for p in products}


def _policy(p, never: str) -> ReturnPolicy:
    if never:
        return ReturnPolicy(eligible=False, kind=never, reason=str(NeverReturnKind(never).label))
    if p.no_return_kind:
        return ReturnPolicy(
            eligible=False,
            kind=p.no_return_kind,
            reason=str(ExcludableReturnKind(p.no_return_kind).label),
            note=p.no_return_note,
            needs_confirm=True,
        )
    return ELIGIBLE


def return_policy(*, product) -> ReturnPolicy:
    """One product's policy from its category chain as loaded (product_get_public selects the category with
    its parents, so the product page spends no query on it)."""
    marks = [c.never_return_kind for c in category_ancestors(product.category) if c.never_return_kind]
    return _policy(product, marks[-1] if marks else "")


NEVER_RETURN_KINDS = NeverReturnKind.choices
EXCLUDABLE_RETURN_KINDS = ExcludableReturnKind.choices


def ship_promise_hours(*, product) -> int:
    """承诺发货时间 of a listing in hours after payment: its own promise, else its shop's."""
    return product.ship_within_hours or product.shop.ship_within_hours


def shops_selling_in(*, category_ids) -> dict[int, set[int]]:
    """category id → the open shops with a product on sale in it (audience ads' competing shops)."""
    out: dict[int, set[int]] = {}
    rows = (
        _public_products()
        .filter(category_id__in=list(category_ids))
        .values_list("category_id", "shop_id")
        .distinct()
    )
    for category_id, shop_id in rows:
        out.setdefault(category_id, set()).add(shop_id)
    return out


# --- image checks (docs/image-checks.md) ------------------------------------------------------------------------


def shop_image_problem_counts(*, shop_ids, since, open_only: bool = False) -> dict[int, int]:
    """{shop id: image problems of its products on sale that were open at some moment since `since`} (still
    open, or closed after `since`); with `open_only`, only those open now. Every shop asked for is in the
    answer (0 when none). For the 体检中心's 30-day indicator."""
    ids = [int(i) for i in shop_ids]
    qs = ImageProblem.objects.filter(shop_id__in=ids, product__status=Product.Status.ON_SALE)
    qs = (
        qs.filter(resolved_at__isnull=True)
        if open_only
        else qs.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=since))
    )
    counts = dict(qs.values_list("shop_id").annotate(n=Count("id")).values_list("shop_id", "n"))
    return {shop_id: counts.get(shop_id, 0) for shop_id in ids}


def product_image_problems(*, product_id, shop=None) -> list[ImageProblem]:
    """A product's open image problems (scoped to `shop` when given: another shop's product has none)."""
    qs = ImageProblem.objects.filter(product_id=product_id, resolved_at__isnull=True).select_related("asset")
    return list(qs.for_shop(shop) if shop is not None else qs)


IMAGE_PROBLEM_KINDS = ImageProblem.Kind.choices


def shop_image_problems(*, shop, kind: str = "", on_sale_only: bool = False):
    """The shop's open image problems, by product, with the product and picture."""
    qs = (
        ImageProblem.objects.for_shop(shop)
        .filter(resolved_at__isnull=True)
        .select_related("product", "asset")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if on_sale_only:
        qs = qs.filter(product__status=Product.Status.ON_SALE)
    return qs.order_by("-product_id", "kind", "id")


def shop_image_problem_summary(*, shop) -> dict:
    """{kind: open problems}, with "products": how many products have any."""
    qs = ImageProblem.objects.for_shop(shop).filter(resolved_at__isnull=True)
    out = {k: 0 for k, _label in ImageProblem.Kind.choices}
    out.update(dict(qs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")))
    out["products"] = qs.values("product_id").distinct().count()
    return out


def products_using_assets(*, asset_ids) -> dict[int, list[Product]]:
    """{asset id: the products (any shop) showing it}, for the platform's duplicate pairs."""
    out: dict[int, list[Product]] = {}
    rows = (
        ProductMedia.objects.filter(asset_id__in=list(asset_ids))
        .select_related("product")
        .order_by("product_id")
    )
    for row in rows:
        if row.product not in out.setdefault(row.asset_id, []):
            out[row.asset_id].append(row.product)
    return out
