"""Set-up shared by the promotion benchmarks (bench/pricing_cart.py, bench/flash_sale.py).

They run on a throwaway database of their own, re-created on every run, never the catalog bench database:

* SQLite: ``$WANSHANG_VAR_DIR/promotions.sqlite3`` (``WANSHANG_VAR_DIR`` defaults to /tmp/bench-var);
* PostgreSQL: ``postgres://postgres@127.0.0.1:5432/wanshang_bench_promo`` (dropped and re-created), or the URL in
  ``BENCH_PROMO_PG_URL`` (so two people on one machine can each have their own).

Shops, products, member levels, promotions and coupons go through the real services; buyers are bulk-created
in the shape `accounts.services` gives them (one shared password hash), like bench/seed_catalog.py does.
"""

from __future__ import annotations

import os
from pathlib import Path

import _common

PG_URL = os.environ.get("BENCH_PROMO_PG_URL", "postgres://postgres@127.0.0.1:5432/wanshang_bench_promo")
DISTRICT = "110105"  # 北京市 朝阳区


def fresh_database(db: str, *, keep: bool = False) -> str:
    """Point Django at the promotion bench database, empty it, start Django and migrate. Returns the URL.

    With `keep` the database is left as it is (a run that reuses what an earlier run seeded)."""
    os.environ.setdefault("WANSHANG_VAR_DIR", _common.DEFAULT_VAR_DIR)
    var = Path(os.environ["WANSHANG_VAR_DIR"])
    var.mkdir(parents=True, exist_ok=True)
    if db == "postgres":
        os.environ["DATABASE_URL"] = PG_URL
        _common.configure_env("postgres")
        _common.ensure_pg_database(PG_URL, recreate=not keep)
    else:
        path = var / "promotions.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal") if not keep else ():
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        _common.configure_env("sqlite")
    url = os.environ["DATABASE_URL"]
    _common.check_safe_url(url)
    _common.django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return url


def operator():
    from wanshang.accounts.services import user_register

    user = user_register(login="13700000000", password=_common.BENCH_PASSWORD)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def category_leaf(n: int = 0):
    from wanshang.catalog.services import category_create

    parent = None
    for level, name in enumerate(("数码家电", "手机配件", "充电器"), start=1):
        parent = category_create(
            name=f"{name}{n or ''}", slug=f"bench-c{n}-{level}", parent_id=parent.pk if parent else None
        )
    return parent


def open_shop(n: int, leaf, reviewer):
    """An approved shop (owner, default warehouse, default freight template) through the merchants services."""
    from wanshang.accounts.services import user_register
    from wanshang.merchants.selectors import staff_for_user
    from wanshang.merchants.services import application_approve, application_submit

    owner = user_register(login=f"1360000{n:04d}", password=_common.BENCH_PASSWORD)
    app = application_submit(
        user=owner,
        company_name=f"压测公司{n}",
        credit_code="91350100M000100Y43",
        contact_name="李四",
        contact_phone="13900001111",
        shop_name=f"压测店铺{n}",
        categories=[leaf.parent.parent],
    )
    shop = application_approve(application_id=app.pk, reviewer=reviewer)
    shop.owner = owner
    shop.owner_staff = staff_for_user(user=owner)
    return shop


def add_product(shop, leaf, *, title: str, price_fen: int, stock: int):
    """One product on sale with one SKU; returns the SKU."""
    from wanshang.catalog.services import ProductInput, SkuInput, product_save, product_set_status

    data = ProductInput(
        title=title,
        category_id=leaf.pk,
        spec_axes=[],
        skus=[
            SkuInput(spec_values=[], price_fen=price_fen, cost_fen=price_fen // 2, stock=stock, weight_g=300)
        ],
    )
    product = product_save(staff=shop.owner_staff, data=data)
    product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="on_sale")
    return product.skus.get()


def promotion(shop, actor, kind: str, *, name: str, items=(), config=None, days: int = 5, **fields):
    """A running promotion through `marketing.services.promotion_save` (shop=None: a platform coupon)."""
    from datetime import timedelta

    from django.utils import timezone

    from wanshang.marketing.services import PromotionInput, promotion_save

    now = timezone.now()
    data = PromotionInput(
        kind=kind,
        name=name,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=days),
        config=config or {},
        items=list(items),
        **fields,
    )
    return promotion_save(shop=shop, actor=actor, data=data)


def bulk_buyers(n: int, *, prefix: str = "1350") -> list[tuple]:
    """n buyers with one default address each: [(user, address_id)]."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from wanshang.accounts.models import Address, User
    from wanshang.fulfillment.models import Region

    d = Region.objects.select_related("parent__parent").get(code=DISTRICT)
    password = make_password(_common.BENCH_PASSWORD)
    with transaction.atomic():
        start = User.objects.count()
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{prefix}{start + i:07d}",
                    phone=f"{prefix}{start + i:07d}",
                    nickname=f"买家{start + i}",
                    password=password,
                )
                for i in range(n)
            ],
            batch_size=500,
        )
        if users and users[0].pk is None:  # SQLite before 3.35 does not return ids
            users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))[-n:]
        addresses = Address.objects.bulk_create(
            [
                Address(
                    user=u,
                    receiver=u.nickname,
                    phone="13800138000",
                    province_code=d.parent.parent.code,
                    city_code=d.parent.code,
                    district_code=d.code,
                    region_text=" ".join([d.parent.parent.name, d.parent.name, d.name]),
                    detail="望京街道阜通东大街6号",
                    is_default=True,
                )
                for u in users
            ],
            batch_size=500,
        )
    ids = (
        {a.user_id: a.pk for a in addresses}
        if addresses and addresses[0].pk
        else dict(Address.objects.filter(user__in=users).values_list("user_id", "pk"))
    )
    return [(u, ids[u.pk]) for u in users]


def stock_consistent(sku_ids) -> tuple[bool, str]:
    """Every stock row of these SKUs equals the sum of its ledger; reserved equals the units of unpaid orders plus
    what flash sales still set aside there."""
    from django.db.models import Sum

    from wanshang.inventory.models import Stock, StockMovement
    from wanshang.marketing.models import PromotionItem
    from wanshang.orders.models import OrderLine

    problems = []
    for row in Stock.objects.filter(sku_id__in=sku_ids):
        moves = StockMovement.objects.filter(sku_id=row.sku_id, warehouse_id=row.warehouse_id).aggregate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
        )
        if (moves["on_hand"] or 0, moves["reserved"] or 0) != (row.on_hand, row.reserved):
            problems.append(f"SKU {row.sku_id}: row {row.on_hand}/{row.reserved} ≠ ledger {moves}")
        unpaid = (
            OrderLine.objects.filter(sku_id=row.sku_id, order__status="pending_payment").aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
        held = (
            PromotionItem.objects.filter(sku_id=row.sku_id, hold_warehouse_id=row.warehouse_id).aggregate(
                n=Sum("held")
            )["n"]
            or 0
        )
        if unpaid + held != row.reserved:
            problems.append(f"SKU {row.sku_id}: reserved {row.reserved} ≠ unpaid {unpaid} + set aside {held}")
    return not problems, "; ".join(problems[:3])
