#!/usr/bin/env python
"""Seed the benchmark database: a catalog of realistic products and SKUs plus buyers with addresses.

    .venv/bin/python bench/seed_catalog.py --reset                 # SQLite under /tmp/bench-var
    .venv/bin/python bench/seed_catalog.py --reset --db postgres   # postgres://…/wanshang_bench (created)

Shops, owners, categories, attribute templates and brands go through the real services; the bulk
(products, SKUs, stock, the stock ledger, price history, buyers, addresses) is written with bulk_create (COPY on
PostgreSQL) in the shape the services give it: products on sale in open shops, `min_price_fen` kept, every SKU with a
stock row in its shop's default warehouse and an inbound ledger row that sums to it, a price-history row,
buyers with a default address in a real district. Product text comes from the demo generator
(`wanshang.demo.content`), so titles, brands, attributes, SKU matrices and prices look like a mall's.
With the defaults (4 shops × 1,000 products, seed 1) the catalog is 4,000 products and 14,211 SKUs.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _common.add_db_argument(p)
    p.add_argument("--shops", type=int, default=4, help="shops (1–8, from the demo's shop list)")
    p.add_argument("--products-per-shop", type=int, default=1000)
    p.add_argument("--buyers", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reset", action="store_true", help="start from an empty database (drops the bench DB)")
    p.add_argument(
        "--no-index", action="store_true", help="leave the search index empty (bench/search.py builds it)"
    )
    return p.parse_args(argv)


def reset_database(url: str) -> None:
    if url.startswith("postgres"):
        _common.ensure_pg_database(url, recreate=True)
        return
    path = Path(url.split("sqlite:///", 1)[1])
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed_taxonomy():
    """Categories (with attribute templates on leaves) and brands, through the catalog services."""
    from wanshang.catalog.services import attribute_template_save, brand_create, category_create
    from wanshang.demo import content

    by_slug = {}
    for sort, (node, _level, parent) in enumerate(content.iter_categories()):
        parent_id = by_slug[parent["slug"]].pk if parent else None
        category = category_create(name=node["name"], slug=node["slug"], parent_id=parent_id, sort=sort)
        by_slug[node["slug"]] = category
        for attr in node.get("attributes", []):
            attribute_template_save(
                category_id=category.pk, name=attr["name"], options=attr["options"], required=attr["required"]
            )
    brands = {b["name"]: brand_create(name=b["name"], name_en=b["name_en"]) for b in content.BRANDS}
    return by_slug, brands


def seed_shops(n_shops: int, categories: dict):
    """Approved shops with their owners, default warehouse and freight template (merchants services)."""
    from wanshang.accounts.services import user_register
    from wanshang.demo import content
    from wanshang.merchants.models import Shop
    from wanshang.merchants.services import application_approve, application_submit

    operator = user_register(login="13700000000", password=_common.BENCH_PASSWORD, nickname="压测运营")
    operator.is_staff = operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    shops = []
    for spec in content.SHOPS[:n_shops]:
        owner = user_register(
            login=spec["owner"]["phone"], password=_common.BENCH_PASSWORD, nickname=spec["owner"]["nickname"]
        )
        app = application_submit(
            user=owner,
            company_name=spec["company"],
            credit_code=spec["credit_code"],
            contact_name=spec["owner"]["name"],
            contact_phone=spec["owner"]["phone"],
            shop_name=spec["name"],
            categories=[categories[slug] for slug in spec["categories"]],
        )
        shop = application_approve(application_id=app.pk, reviewer=operator, slug=spec["slug"])
        Shop.objects.filter(pk=shop.pk).update(description=spec["description"])
        shops.append((shop, spec))
    return shops


def insert(model, objs: list) -> list:
    """`bulk_create` for the bench's bulk rows; on PostgreSQL a COPY, several times faster at a million rows.

    The rows are the same: every concrete field's value as Django saves it (`pre_save`, `get_db_prep_save`),
    ids drawn from the table's own sequence so the objects carry them as bulk_create's do.
    """
    from django.db import connection

    if connection.vendor != "postgresql" or not objs:
        return model.objects.bulk_create(objs, batch_size=500)
    opts = model._meta
    fields = list(opts.concrete_fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def seed_products(shops, categories: dict, brands: dict, per_shop: int, seed: int) -> dict:
    from django.db import transaction

    from wanshang.catalog.models import PriceHistory, Product, Sku
    from wanshang.catalog.services import sanitize_html
    from wanshang.demo import content
    from wanshang.inventory.models import Stock, StockMovement, Warehouse

    totals = {"products": 0, "skus": 0, "stock_units": 0}
    for shop, spec in shops:
        rng = random.Random(f"bench-sales:{spec['slug']}:{seed}")
        items = content.products_for_shop(
            spec["slug"],
            content.leaf_categories(spec["categories"]),
            content.brands_for_shop(spec),
            per_shop,
            seed,
        )
        warehouse = Warehouse.objects.get(shop=shop, is_default=True)
        owner_id = shop.staff.get(role="owner").user_id
        with transaction.atomic():
            products = insert(
                Product,
                [
                    Product(
                        shop=shop,
                        category=categories[item["category_slug"]],
                        brand=brands.get(item["brand"]) if item["brand"] else None,
                        title=item["title"],
                        subtitle=item["subtitle"],
                        detail_html=sanitize_html(item["detail_html"]),
                        tags=item["tags"][:10],
                        attributes=item["attributes"],
                        spec_axes=item["spec_axes"],
                        is_wholesale=item["is_wholesale"],
                        min_order_qty=item["min_order_qty"],
                        status=Product.Status.ON_SALE,
                        min_price_fen=min(s["price_fen"] for s in item["skus"]),
                        sales_count=int(rng.paretovariate(1.2) * 10) if rng.random() < 0.8 else 0,
                    )
                    for item in items
                ],
            )
            if any(p.pk is None for p in products):  # bulk_create returns ids on SQLite ≥ 3.35
                raise RuntimeError("bulk_create did not return primary keys")
            skus, stock_of = [], []
            for product, item in zip(products, items, strict=True):
                for s in item["skus"]:
                    skus.append(
                        Sku(
                            shop=shop,
                            product=product,
                            spec_values=s["spec_values"],
                            spec_key="/".join(s["spec_values"]),
                            price_fen=s["price_fen"],
                            original_price_fen=s["original_price_fen"],
                            cost_fen=s["cost_fen"],
                            barcode=s["barcode"],
                            weight_g=s["weight_g"],
                        )
                    )
                    stock_of.append(s["stock"])
            skus = insert(Sku, skus)
            insert(
                Stock,
                [
                    Stock(shop=shop, sku=sku, warehouse=warehouse, on_hand=qty)
                    for sku, qty in zip(skus, stock_of, strict=True)
                ],
            )
            insert(
                StockMovement,
                [
                    StockMovement(
                        shop=shop,
                        sku=sku,
                        warehouse=warehouse,
                        kind=StockMovement.Kind.INBOUND,
                        on_hand_delta=qty,
                        actor_id=owner_id,
                        reason="期初入库",
                    )
                    for sku, qty in zip(skus, stock_of, strict=True)
                    if qty
                ],
            )
            insert(
                PriceHistory,
                [
                    PriceHistory(
                        shop=shop,
                        sku=sku,
                        price_fen=sku.price_fen,
                        original_price_fen=sku.original_price_fen,
                        changed_by_id=owner_id,
                    )
                    for sku in skus
                ],
            )
        totals["products"] += len(products)
        totals["skus"] += len(skus)
        totals["stock_units"] += sum(stock_of)
    return totals


def seed_buyers(n: int, seed: int) -> int:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from wanshang.accounts.models import Address, User
    from wanshang.demo import content
    from wanshang.fulfillment.models import Region

    people = content.buyers(n, seed)
    codes = {a["district_code"] for p in people for a in p["addresses"]}
    districts = {r.code: r for r in Region.objects.select_related("parent__parent").filter(code__in=codes)}
    password = make_password(_common.BENCH_PASSWORD)  # one argon2 hash shared by all: they can all log in
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(username=p["phone"], phone=p["phone"], nickname=p["nickname"], password=password)
                for p in people
            ],
            batch_size=500,
        )
        rows = []
        for user, person in zip(users, people, strict=True):
            for a in person["addresses"]:
                d = districts[a["district_code"]]
                rows.append(
                    Address(
                        user=user,
                        receiver=a["receiver"],
                        phone=a["phone"],
                        province_code=d.parent.parent.code,
                        city_code=d.parent.code,
                        district_code=d.code,
                        region_text=" ".join([d.parent.parent.name, d.parent.name, d.name]),
                        detail=a["detail"],
                        is_default=a["is_default"],
                    )
                )
        Address.objects.bulk_create(rows, batch_size=500)
    return len(users)


def catalog_summary() -> dict:
    from wanshang.accounts.models import Address, User
    from wanshang.catalog.models import Category, Product, Sku
    from wanshang.inventory.models import Stock
    from wanshang.merchants.models import Shop

    return {
        "shops_open": Shop.objects.filter(status="open").count(),
        "categories": Category.objects.count(),
        "products_on_sale": Product.objects.filter(status="on_sale").count(),
        "skus_active": Sku.objects.filter(is_active=True).count(),
        "skus_in_stock": Stock.objects.filter(on_hand__gt=0).count(),
        "buyers": User.objects.filter(shop_staff__isnull=True, is_staff=False).count(),
        "addresses": Address.objects.count(),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    if not 1 <= args.shops <= 8:
        raise SystemExit("--shops must be 1–8")
    url = _common.configure_env(args.db)
    label = _common.db_label(url)
    started = time.perf_counter()
    if args.reset:
        reset_database(url)
    elif url.startswith("postgres"):
        _common.ensure_pg_database(url, recreate=False)
    _common.django_setup()
    migrate()
    from wanshang.catalog.models import Product

    if Product.objects.exists():
        raise SystemExit(f"{label} bench database already has products; pass --reset to start over")
    t = time.perf_counter()
    categories, brands = seed_taxonomy()
    shops = seed_shops(args.shops, categories)
    totals = seed_products(shops, categories, brands, args.products_per_shop, args.seed)
    buyers = seed_buyers(args.buyers, args.seed)
    if not args.no_index:  # the search index (bench/search.py times its own build: --no-index)
        from wanshang.search.services import rebuild_index, terms_refresh  # noqa: PLC0415 - after django.setup()

        index_started = time.monotonic()
        indexed = rebuild_index()
        terms_refresh()
        print(
            f"search index: {indexed} products in {time.monotonic() - index_started:.1f} s", file=sys.stderr
        )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA optimize")
            cur.execute("ANALYZE")
    summary = catalog_summary()
    print(
        f"[{label}] seeded in {time.perf_counter() - t:.1f}s (with migrate {time.perf_counter() - started:.1f}s): "
        f"{summary['shops_open']} open shops, {summary['categories']} categories, "
        f"{summary['products_on_sale']} products on sale, {summary['skus_active']} SKUs "
        f"({summary['skus_in_stock']} in stock, {totals['stock_units']} units), "
        f"{buyers} buyers with {summary['addresses']} addresses",
        flush=True,
    )
    if summary["skus_active"] < 10_000:
        print(f"warning: only {summary['skus_active']} SKUs (< 10,000)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
