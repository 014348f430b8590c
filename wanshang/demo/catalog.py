"""Demo products: each shop lists its content.products_for_shop() through catalog.services.product_save,
stocks its second warehouse, puts most products on sale and leaves a few as drafts or taken off the shelf."""

from dataclasses import dataclass
from datetime import timedelta

from wanshang.catalog.models import Sku
from wanshang.catalog.services import (
    ProductInput,
    SkuInput,
    product_save,
    product_set_status,
    sku_price_update,
)
from wanshang.demo import content
from wanshang.demo.backdate import price_change_backdate, products_backdate, stock_movements_backdate
from wanshang.demo.content import nice_price_fen
from wanshang.demo.pictures import PictureStore, picture_plan, pictures_store
from wanshang.demo.shops import SECOND_WAREHOUSES
from wanshang.inventory.models import Stock, StockMovement

DRAFTS_PER_SHOP = 2
OFF_SHELF_PER_SHOP = 1
# 图片体检 cases (demo/rules.py): in these shops the 3rd product (on sale: the 1st is taken off the shelf, the
# last are drafts) keeps only two 主图 (主图数量不足); in UPLOAD_PICTURES_SHOP the 2nd product's pictures are
# uploaded later like a merchant's, one of them out of focus (主图模糊).
FEW_PICTURES_SHOPS = ("qinghe-apparel", "lanzhi-beauty", "beiya-baby")
UPLOAD_PICTURES_SHOP = "qinghe-apparel"


def pictures_mark(slug: str, items: list[dict]) -> None:
    if slug in FEW_PICTURES_SHOPS and len(items) >= 4:
        items[2]["few_pictures"] = True
    if slug == UPLOAD_PICTURES_SHOP and len(items) >= 4:
        items[1]["upload_pictures"] = True


@dataclass
class SkuRef:
    sku_id: int
    product_id: int
    price_fen: int
    original_price_fen: int | None
    wholesale_qty: int  # 0 for retail products, else the minimum order quantity


def products_create(
    *, shops, categories: dict, brands: dict, per_shop: int, seed: int, now, rng, log
) -> dict:
    """List every shop's products. Returns shop slug → list of SkuRef of its products on sale."""
    on_sale: dict[str, list[SkuRef]] = {}
    totals = {"products": 0, "skus": 0, "leaves": set(), "draft": 0, "off_shelf": 0}
    listings = {
        demo.spec["slug"]: content.products_for_shop(
            demo.spec["slug"],
            shop_leaves(demo.spec),
            content.brands_for_shop(demo.spec),
            shop_product_count(demo.spec, per_shop),
            seed,
        )
        for demo in shops
    }
    for demo in shops:
        pictures_mark(demo.spec["slug"], listings[demo.spec["slug"]])
    pictures = PictureStore()
    pictures.prepare(
        key
        for items in listings.values()
        for item in items
        if not item.get("upload_pictures")
        for key in picture_plan(item)
    )
    log(f"  商品图 {len(pictures.urls)} 张（本次合成 {pictures.written} 张）")
    for demo in shops:
        spec = demo.spec
        staff = demo.member("operations")
        items = listings[spec["slug"]]
        opened = demo.opened or now - timedelta(days=90)
        product_ids = []
        initial: dict[tuple[int, str], int] = {}
        for item in items:
            data = ProductInput(
                title=item["title"],
                subtitle=item["subtitle"],
                category_id=categories[item["category_slug"]].pk,
                brand_id=brands[item["brand"]].pk if item["brand"] else None,
                detail_html=item["detail_html"],
                tags=item["tags"],
                attributes=item["attributes"],
                spec_axes=item["spec_axes"],
                is_wholesale=item["is_wholesale"],
                min_order_qty=item["min_order_qty"],
                images=[] if item.get("upload_pictures") else pictures_store(store=pictures, item=item),
                skus=[
                    SkuInput(
                        spec_values=s["spec_values"],
                        price_fen=s["price_fen"],
                        original_price_fen=s["original_price_fen"],
                        cost_fen=s["cost_fen"],
                        barcode=s["barcode"],
                        weight_g=s["weight_g"],
                    )
                    for s in item["skus"]
                ],
            )
            product = product_save(staff=staff, data=data)
            product_ids.append(product.pk)
            initial.update({(product.pk, "/".join(s["spec_values"])): s["stock"] for s in item["skus"]})
            totals["skus"] += len(item["skus"])
            totals["leaves"].add(item["category_slug"])
        totals["products"] += len(product_ids)
        skus = list(Sku.objects.for_shop(demo.shop).filter(product_id__in=product_ids).order_by("pk"))
        stock_initial(
            shop=demo.shop,
            warehouse=demo.warehouses[0],
            actor=staff.user,
            reason="初始库存",
            quantities={s.pk: initial[(s.product_id, s.spec_key)] for s in skus},
        )

        # The newest products are still drafts; one older product was taken off the shelf again.
        drafts = DRAFTS_PER_SHOP if len(product_ids) >= 20 else int(len(product_ids) >= 4)
        keep_draft = set(product_ids[len(product_ids) - drafts :]) if drafts else set()
        listed = [pk for pk in product_ids if pk not in keep_draft]
        if listed:
            product_set_status(staff=staff, product_ids=listed, status="on_sale")
        off = listed[:OFF_SHELF_PER_SHOP] if len(listed) >= 3 else []
        if off:
            product_set_status(staff=staff, product_ids=off, status="off_shelf")
        totals["draft"] += len(keep_draft)
        totals["off_shelf"] += len(off)

        # Listed over the shop's life, oldest first.
        span = max((now - opened).total_seconds() - 86400 * 32, 86400)
        products_backdate(
            created={
                pk: opened + timedelta(seconds=span * n / max(len(product_ids), 1) + rng.uniform(0, 3600))
                for n, pk in enumerate(product_ids)
            }
        )

        # The second warehouse holds part of the range.
        if len(demo.warehouses) > 1:
            second = demo.warehouses[1]
            share = SECOND_WAREHOUSES[spec["slug"]][5]
            new_ids = stock_initial(
                shop=demo.shop,
                warehouse=second,
                actor=demo.member("warehouse").user,
                reason=f"{second.name}入库",
                quantities={s.pk: rng.randint(20, 300) for s in skus if rng.random() < share},
            )
            stock_movements_backdate(
                movement_ids=new_ids, when=now - timedelta(days=31, hours=rng.uniform(0, 48))
            )

        excluded = keep_draft | set(off)
        on_sale[spec["slug"]] = [
            SkuRef(
                sku_id=s.pk,
                product_id=s.product_id,
                price_fen=s.price_fen,
                original_price_fen=s.original_price_fen,
                wholesale_qty=s.product.min_order_qty if s.product.is_wholesale else 0,
            )
            for s in Sku.objects.for_shop(demo.shop)
            .select_related("product")
            .filter(product_id__in=[pk for pk in product_ids if pk not in excluded], is_active=True)
            .order_by("pk")
        ]
        log(f"  {spec['name']}：商品 {len(product_ids)} 个")
    log(
        f"  共 {totals['products']} 个商品、{totals['skus']} 个 SKU，覆盖 {len(totals['leaves'])} 个三级类目；"
        f"草稿 {totals['draft']} 个，已下架 {totals['off_shelf']} 个"
    )
    return on_sale


def shop_leaves(spec: dict) -> list[dict]:
    """The leaf categories a shop lists products in: its 经营类目's leaves, narrowed to its `focus`
    second-level categories for the specialist shops."""
    leaves = content.leaf_categories(spec["categories"])
    focus = set(spec.get("focus") or [])
    return [leaf for leaf in leaves if leaf["parent_slug"] in focus] if focus else leaves


def shop_product_count(spec: dict, per_shop: int) -> int:
    """Specialist shops list half as many products as the flagship stores (keeps the load time down), but at
    a small scale (tests) up to eight: a specialist's few categories have few SKUs per product, and each shop
    needs a handful of retail SKUs on sale for its promotions."""
    return max(per_shop // 2, min(8, 2 * per_shop)) if spec.get("focus") else per_shop


def stock_initial(*, shop, warehouse, quantities: dict[int, int], actor, reason: str) -> list[int]:
    """First stock of brand-new SKUs in one warehouse; returns the ledger rows' ids.

    A demo-only bulk speed-up of `inventory.services.stock_set` (which costs ~7 queries per SKU): the SKUs have
    no stock row yet, so this is two bulk inserts that keep the invariant stock_set keeps — one ADJUST ledger
    row per non-zero change, so the ledger of every SKU sums to its stock row.
    """
    Stock.objects.bulk_create(
        [
            Stock(shop=shop, sku_id=sku_id, warehouse=warehouse, on_hand=qty)
            for sku_id, qty in quantities.items()
        ]
    )
    rows = StockMovement.objects.bulk_create(
        [
            StockMovement(
                shop=shop,
                sku_id=sku_id,
                warehouse=warehouse,
                kind=StockMovement.Kind.ADJUST,
                on_hand_delta=qty,
                actor=actor,
                reason=reason,
            )
            for sku_id, qty in quantities.items()
            if qty
        ]
    )
    return [row.pk for row in rows]


def price_changes_plan(*, shops, on_sale: dict, now, rng, per_shop: int = 3) -> list[tuple]:
    """Price changes spread over the last weeks: (when, shop DemoShop, SkuRef, new price, new original).

    Some are a promotion that ends later (the price goes back up), so those SKUs have two changes.
    """
    events = []
    for demo in shops:
        refs = [r for r in on_sale.get(demo.spec["slug"], []) if not r.wholesale_qty]
        for ref in rng.sample(refs, min(per_shop, len(refs))):
            start = now - timedelta(days=rng.uniform(3, 26), hours=rng.uniform(0, 12))
            cut = nice_price_fen(ref.price_fen * rng.uniform(0.78, 0.92))
            if cut >= ref.price_fen:
                cut = max(100, ref.price_fen - 1000)
            original = ref.original_price_fen or ref.price_fen  # the old price becomes the struck-through one
            if original <= cut:
                original = None
            events.append((start, demo, ref, cut, original))
            if rng.random() < 0.5:
                end = start + timedelta(days=rng.uniform(2, 7))
                if end < now - timedelta(hours=1):
                    events.append((end, demo, ref, ref.price_fen, ref.original_price_fen))
    return sorted(events, key=lambda e: (e[0], e[2].sku_id))


def price_change_apply(event) -> None:
    when, demo, ref, price, original = event
    sku_price_update(
        staff=demo.member("operations"), sku_id=ref.sku_id, price_fen=price, original_price_fen=original
    )
    price_change_backdate(sku_id=ref.sku_id, when=when)
