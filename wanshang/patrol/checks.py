"""What the patrol checks of each product on sale (docs/patrol.md): the same fields read the way each surface
reads them, compared with the truth, and the other problems (promotion out of stock, below cost, images).

Pure reads through the owning apps' selectors; `check_products` returns plain findings, the services store them.
The surfaces:

- 实际 (truth): the product row, its active SKUs, inventory's available units, and the buyer price worked out now
  by the cart's own item step (`marketing.selectors.item_prices_for`) with the running promotions' tags
  (`product_tags`, read live from the promotion rows).
- 列表卡片 (list card): the product row the card renders and the card price and tags lists read
  (`marketing.selectors.card_prices`: the display prices computed ahead while they hold).
- 详情页 (detail): the product page's selectors: `catalog.selectors.public_products_in_order` (the product a
  buyer may see), `marketing.selectors.sku_prices` (each SKU's price, computed ahead where it holds) and
  `inventory.selectors.available_by_sku`.
- API: `GET /api/store/products/{id}` calls `product_get_public`, `available_by_sku` and the face's
  `with_card_prices`, a thin wrapper over `card_prices`; the patrol calls those selectors (not the HTTP route:
  a request would record a page view in the 数据中心 and the patrol may not import a face).
- 搜索索引 (search): the product's `SearchDoc` (`search.selectors.indexed_docs`).
- 缓存 (cache): the product's denormalised lowest price (`Product.min_price_fen`, which lists sort by, cached
  cards carry and the search index copies).
- 页面缓存 (rendered pages): what a face's HTML cache holds for the product (the storefront's cached cards),
  through the readers the faces register in `surfaces` (the patrol cannot import a face).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage

from wanshang.catalog.selectors import public_products_in_order
from wanshang.common.money import fen_to_yuan_str
from wanshang.inventory.selectors import available_by_sku
from wanshang.marketing.selectors import (
    card_prices,
    item_prices_for,
    product_tags,
    running_item_skus,
    sku_prices,
)
from wanshang.patrol import surfaces
from wanshang.patrol.models import PatrolFinding
from wanshang.search.selectors import indexed_docs

K = PatrolFinding.Kind
FIX = PatrolFinding.Fix

TRUTH, LIST, DETAIL, API, SEARCH, CACHE = "实际", "列表卡片", "详情页", "API", "搜索索引", "缓存"


@dataclass
class Found:
    kind: str
    product_id: int
    product_title: str
    message: str
    diffs: list = field(default_factory=list)
    fix: str = ""
    sku_id: int | None = None


@dataclass
class _Facts:
    """One product as each surface reads it."""

    product: object
    skus: list
    public: bool
    stock: int
    sku_min: int | None
    truth_price: int | None
    detail_price: int | None
    card_price: int
    truth_tags: list
    card_tags: list
    doc: object
    pages: list = field(default_factory=list)  # [(surface label, surfaces.Shown)]


def y(fen) -> str:
    return "—" if fen is None else f"¥{fen_to_yuan_str(fen)}"


def _diff(field_name: str, label: str, values: list[tuple[str, object]]) -> dict:
    return {"field": field_name, "label": label, "values": [[s, str(v)] for s, v in values]}


def _gather(products, now) -> tuple[list[_Facts], dict, dict]:
    """Each product's facts, and the available units and live prices per SKU they were read from."""
    skus = [s for p in products for s in p.active_skus]
    for p in products:
        for s in p.active_skus:
            s.product = p  # the price steps read the product of each SKU
    ids = [p.pk for p in products]
    public = {p.pk for p in public_products_in_order(product_ids=ids)}
    stock = available_by_sku(sku_ids=[s.pk for s in skus])
    live = item_prices_for(buyer=None, skus=skus, now=now) if skus else {}
    shown = sku_prices(buyer=None, skus=skus, now=now) if skus else {}
    cards, tags = card_prices(buyer=None, products=products, now=now)
    live_tags = product_tags(product_ids=ids, now=now)
    docs = indexed_docs(products=products)
    pages = surfaces.read(ids)
    out = []
    for p in products:
        own = p.active_skus
        card = cards.get(p.pk)
        out.append(
            _Facts(
                product=p,
                skus=own,
                public=p.pk in public,
                stock=sum(max(stock.get(s.pk, 0), 0) for s in own),
                sku_min=min((s.price_fen for s in own), default=None),
                truth_price=min((live[s.pk].price_fen for s in own), default=None),
                detail_price=min((shown[s.pk].price_fen for s in own if s.pk in shown), default=None),
                card_price=card.price_fen if card else p.min_price_fen,
                truth_tags=list(live_tags.get(p.pk, [])),
                card_tags=list(tags.get(p.pk, [])),
                doc=docs.get(p.pk),
                pages=pages.get(p.pk, []),
            )
        )
    return out, stock, live


def _tags(tags) -> str:
    return "、".join(tags) or "无"


def _cache(f: _Facts) -> list[Found]:
    p = f.product
    if f.sku_min is None or p.min_price_fen == f.sku_min:
        return []
    return [
        Found(
            K.STALE_CACHE,
            p.pk,
            p.title,
            f"缓存的最低价 {y(p.min_price_fen)} 与规格最低价 {y(f.sku_min)} 不一致，列表排序和卡片价格会出错",
            [
                _diff(
                    "list_price",
                    "最低标价",
                    [
                        (TRUTH, y(f.sku_min)),
                        (LIST, y(p.min_price_fen)),
                        (API, y(p.min_price_fen)),
                        (CACHE, y(p.min_price_fen)),
                    ],
                )
            ],
            FIX.REFRESH_CACHE,
        )
    ]


def _rendered(f: _Facts) -> list[Found]:
    """A rendered page cached with an old title or list price: the caches are keyed by the catalog's listing
    version, so this is a change that did not bump it, or a render that raced one. Refreshing the product's
    cache bumps the version, so every cached page is rendered afresh."""
    p = f.product
    diffs = []
    for label, shown in f.pages:
        if shown.title != p.title:
            diffs.append(_diff("title", "标题", [(TRUTH, p.title), (label, shown.title)]))
        if shown.price_fen is not None and shown.price_fen != p.min_price_fen:
            diffs.append(
                _diff("list_price", "最低标价", [(TRUTH, y(p.min_price_fen)), (label, y(shown.price_fen))])
            )
    if not diffs:
        return []
    labels = "、".join(dict.fromkeys(d["label"] for d in diffs))
    return [
        Found(
            K.STALE_PAGE,
            p.pk,
            p.title,
            f"已缓存的页面显示的{labels}与商品不一致，买家会看到旧内容",
            diffs,
            FIX.REFRESH_CACHE,
        )
    ]


def _price_diff(f: _Facts) -> dict:
    return _diff(
        "price",
        "到手价（未登录访客）",
        [
            (TRUTH, y(f.truth_price)),
            (LIST, y(f.card_price)),
            (DETAIL, y(f.detail_price)),
            (API, y(f.card_price)),
        ],
    )


def _display(f: _Facts, stale_cache: bool) -> list[Found]:
    p = f.product
    ended = [t for t in f.card_tags if t not in f.truth_tags]
    if ended:
        return [
            Found(
                K.ENDED_TAG,
                p.pk,
                p.title,
                f"活动已结束或未在进行，列表和 API 仍显示“{_tags(ended)}”标签",
                [
                    _diff(
                        "promotion",
                        "活动标签",
                        [(TRUTH, _tags(f.truth_tags)), (LIST, _tags(f.card_tags)), (API, _tags(f.card_tags))],
                    ),
                    _price_diff(f),
                ],
                FIX.REPRICE,
            )
        ]
    if stale_cache or f.truth_price is None:
        return []
    if f.card_price != f.truth_price or (f.detail_price is not None and f.detail_price != f.truth_price):
        return [
            Found(
                K.STALE_DISPLAY,
                p.pk,
                p.title,
                f"列表/详情显示的价格与实际到手价 {y(f.truth_price)} 不一致",
                [_price_diff(f)],
                FIX.REPRICE,
            )
        ]
    return []


def _search(f: _Facts) -> list[Found]:
    p, doc = f.product, f.doc
    if doc is None:
        return [Found(K.STALE_SEARCH, p.pk, p.title, "搜索索引中没有该商品，买家搜不到", [], FIX.REINDEX)]
    diffs = []
    if not doc.visible and f.public:
        diffs.append(_diff("visible", "可搜索", [(TRUTH, "出售中"), (SEARCH, "不可见")]))
    if not doc.title_current:
        diffs.append(
            _diff("title", "标题", [(TRUTH, p.title), (SEARCH, f"旧标题（索引词：{doc.title_words[:60]}）")])
        )
    if doc.min_price_fen != p.min_price_fen:
        diffs.append(
            _diff("list_price", "最低标价", [(TRUTH, y(p.min_price_fen)), (SEARCH, y(doc.min_price_fen))])
        )
    if doc.in_stock != (f.stock > 0):
        diffs.append(
            _diff(
                "stock",
                "库存",
                [
                    (TRUTH, f.stock),
                    (DETAIL, f.stock),
                    (API, f.stock),
                    (SEARCH, "有货" if doc.in_stock else "无货"),
                ],
            )
        )
    if doc.on_promotion != bool(f.truth_tags):
        diffs.append(
            _diff(
                "promotion",
                "活动",
                [(TRUTH, _tags(f.truth_tags)), (SEARCH, "有活动" if doc.on_promotion else "无")],
            )
        )
    if not diffs:
        return []
    labels = "、".join(d["label"] for d in diffs)
    return [Found(K.STALE_SEARCH, p.pk, p.title, f"搜索索引的{labels}与商品不一致", diffs, FIX.REINDEX)]


def _promo_stock(f: _Facts, running: list, stock: dict) -> list[Found]:
    p = f.product
    specs = {s.pk: s.spec_text or "默认" for s in f.skus}
    out = []
    for sku_id, _promotion_id, name in running:
        if sku_id in specs and stock.get(sku_id, 0) <= 0:
            out.append(
                Found(
                    K.PROMO_OUT_OF_STOCK,
                    p.pk,
                    p.title,
                    f"“{name}”进行中，规格“{specs[sku_id]}”已无库存",
                    [_diff("stock", "库存", [(TRUTH, 0), (DETAIL, 0), (API, 0)])],
                    sku_id=sku_id,
                )
            )
    return out


def _below_cost(f: _Facts, live: dict) -> list[Found]:
    p = f.product
    out = []
    for s in f.skus:
        price = live[s.pk].price_fen if s.pk in live else s.price_fen
        if s.cost_fen and price < s.cost_fen:
            out.append(
                Found(
                    K.BELOW_COST,
                    p.pk,
                    p.title,
                    f"规格“{s.spec_text or '默认'}”到手价 {y(price)} 低于成本 {y(s.cost_fen)}",
                    [
                        _diff(
                            "price",
                            "价格",
                            [("到手价", y(price)), ("售价", y(s.price_fen)), ("成本", y(s.cost_fen))],
                        )
                    ],
                    sku_id=s.pk,
                )
            )
    return out


def stored_name(url: str) -> str | None:
    """The storage name behind a picture URL of ours; None for an outside URL (not checked: no network)."""
    media = settings.MEDIA_URL
    if url.startswith(media):
        return url[len(media) :]
    return None


def _images(f: _Facts) -> list[Found]:
    p = f.product
    images = [u for u in (p.images or []) if isinstance(u, str) and u]
    if not images:
        return [Found(K.IMAGE, p.pk, p.title, "商品没有主图", [_diff("image", "主图", [(TRUTH, "无")])])]
    missing = [u for u in images if (name := stored_name(u)) is not None and not default_storage.exists(name)]
    if not missing:
        return []
    where = "主图" if missing[0] == images[0] else "图片"
    return [
        Found(
            K.IMAGE,
            p.pk,
            p.title,
            f"{where}文件缺失（共 {len(missing)} 张无法打开）",
            [_diff("image", "图片", [(TRUTH, u) for u in missing[:5]])],
        )
    ]


def check_products(products, *, now) -> list[Found]:
    """Every finding of these products (one shop's, on sale, with `.active_skus`)."""
    products = list(products)
    if not products:
        return []
    facts, stock, live = _gather(products, now)
    running = running_item_skus(product_ids=[p.pk for p in products], now=now)
    out: list[Found] = []
    for f in facts:
        cache = _cache(f)
        out += cache
        out += _display(f, stale_cache=bool(cache))
        out += _search(f)
        out += _rendered(f)
        out += _promo_stock(f, running.get(f.product.pk, []), stock)
        out += _below_cost(f, live)
        out += _images(f)
    return out
