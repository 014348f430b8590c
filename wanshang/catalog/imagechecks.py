"""Image checks of products (docs/image-checks.md): the problems of a product's pictures, kept as rows.

The 主图 are the product's gallery (商品图片: the first is the 首图); each uploaded one is checked for its size
(IMAGE_CHECK_MIN_SIDE), its shape (square within IMAGE_CHECK_ASPECT_TOLERANCE_PCT) and blur
(IMAGE_BLUR_THRESHOLD, against the figures media measured), and for being the same or nearly the same picture
as another product's 主图 in the shop (IMAGE_DUPLICATE_MAX_DISTANCE bits of the pHash). The product needs
IMAGE_MIN_MAIN_COUNT 主图 (pasted image addresses count; they are not measured). Any picture of the product
(主图, SKU or detail picture) that the shop marked as showing a logo or a portrait keeps a problem open while
its authorisation is missing or rejected.

`product_image_problems_refresh` compares what it finds with the open rows: new findings open a row, findings
gone close theirs (resolved_at), so it may run any number of times. It runs when a product's pictures are
saved, when a declaration changes (ImageDeclarationChanged) and from the `catalog.image_checks` job.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from wanshang.catalog.models import ImageProblem, Product, ProductImageCheck, ProductMedia
from wanshang.media.selectors import declarations_for_assets, near_duplicates

MAIN_ROLES = (ProductMedia.Role.MAIN, ProductMedia.Role.GALLERY)
IMAGE_ROLES = (*MAIN_ROLES, ProductMedia.Role.SKU, ProductMedia.Role.DETAIL)
RECHECK_SECONDS = 24 * 3600
BATCH = 200


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str
    asset_id: int | None
    detail: dict


def _limits() -> dict:
    w = settings.WANSHANG
    return {
        "min_side": int(w["IMAGE_CHECK_MIN_SIDE"]),
        "tolerance": float(w["IMAGE_CHECK_ASPECT_TOLERANCE_PCT"]),
        "blur": float(w["IMAGE_BLUR_THRESHOLD"]),
        "min_count": int(w["IMAGE_MIN_MAIN_COUNT"]),
    }


def _picture_findings(position: int, asset, limits: dict) -> list[Finding]:
    found = []
    where = {"position": position + 1, "w": asset.width, "h": asset.height}
    if asset.width and min(asset.width, asset.height) < limits["min_side"]:
        detail = {**where, "min_side": limits["min_side"]}
        found.append(
            Finding(ImageProblem.Kind.LOW_RESOLUTION, f"low_resolution:{asset.pk}", asset.pk, detail)
        )
    if asset.height and abs(asset.width / asset.height - 1) * 100 > limits["tolerance"]:
        detail = {**where, "tolerance_pct": limits["tolerance"]}
        found.append(Finding(ImageProblem.Kind.NOT_SQUARE, f"not_square:{asset.pk}", asset.pk, detail))
    if asset.blur_score is not None and asset.blur_score < limits["blur"]:
        detail = {**where, "score": asset.blur_score, "threshold": limits["blur"]}
        found.append(Finding(ImageProblem.Kind.BLURRED, f"blurred:{asset.pk}", asset.pk, detail))
    return found


def _declaration_findings(assets: dict, declarations: dict) -> list[Finding]:
    found = []
    for asset_id in assets:
        for d in declarations.get(asset_id, []):
            if d.blocks:
                detail = {"declaration_id": d.pk, "kind": d.kind, "status": d.status, "reason": d.reason}
                key = f"declaration:{asset_id}:{d.kind}"
                found.append(Finding(ImageProblem.Kind.DECLARATION, key, asset_id, detail))
    return found


class _Shop:
    """What the checks of one shop's products read, in a few queries for the whole batch."""

    def __init__(self, shop_id: int, products: list[Product]):
        ids = [p.pk for p in products]
        rows = list(
            ProductMedia.objects.filter(product_id__in=ids, role__in=IMAGE_ROLES)
            .select_related("asset")
            .order_by("product_id", "position", "id")  # the 主图 in their order: the main one is position 0
        )
        self.gallery: dict[int, list] = {pid: [] for pid in ids}
        self.pictures: dict[int, dict] = {pid: {} for pid in ids}
        for row in rows:
            self.pictures[row.product_id][row.asset_id] = row.asset
            if row.role in MAIN_ROLES:
                self.gallery[row.product_id].append(row.asset)
        assets = {a.pk: a for pics in self.pictures.values() for a in pics.values()}
        self.declarations = declarations_for_assets(shop_id=shop_id, asset_ids=assets)
        main_assets = {a.pk: a.phash for g in self.gallery.values() for a in g}
        self.near = near_duplicates(shop_id=shop_id, hashes=main_assets) if main_assets else {}
        wanted = set(main_assets) | {other for pairs in self.near.values() for other, _d in pairs}
        self.users: dict[int, set[int]] = {}  # asset id → the shop's products showing it as a 主图
        titles = ProductMedia.objects.filter(shop_id=shop_id, asset_id__in=wanted, role__in=MAIN_ROLES)
        self.titles: dict[int, str] = {}
        for pid, asset_id, title in titles.values_list("product_id", "asset_id", "product__title"):
            self.users.setdefault(asset_id, set()).add(pid)
            self.titles[pid] = title

    def duplicates(self, product_id: int, asset) -> Finding | None:
        others = []
        for other_asset, distance in [(asset.pk, 0), *self.near.get(asset.pk, [])]:
            for pid in sorted(self.users.get(other_asset, ())):
                if pid != product_id:
                    others.append(
                        {
                            "product_id": pid,
                            "title": self.titles.get(pid, ""),
                            "asset_id": other_asset,
                            "distance": distance,
                        }
                    )
        if not others:
            return None
        return Finding(
            ImageProblem.Kind.DUPLICATE, f"duplicate:{asset.pk}", asset.pk, {"others": others[:10]}
        )


def _findings(product: Product, shop: _Shop, limits: dict) -> dict[str, Finding]:
    gallery = shop.gallery[product.pk]
    found: list[Finding] = []
    for position, asset in enumerate(gallery):
        found += _picture_findings(position, asset, limits)
        if (dup := shop.duplicates(product.pk, asset)) is not None:
            found.append(dup)
    count = len(product.images or []) or len(gallery)
    if count < limits["min_count"]:
        found.append(
            Finding(
                ImageProblem.Kind.TOO_FEW, "too_few", None, {"count": count, "min_count": limits["min_count"]}
            )
        )
    found += _declaration_findings(shop.pictures[product.pk], shop.declarations)
    return {f.key: f for f in found}


def _apply(product: Product, findings: dict[str, Finding], open_rows: list[ImageProblem], now) -> set[int]:
    """Open the new findings, close the gone ones, refresh the figures of the rest. The partner products of
    duplicates before and after (so their own rows follow)."""
    partners = set()
    have = {row.key: row for row in open_rows}
    gone = [row.pk for key, row in have.items() if key not in findings]
    if gone:
        ImageProblem.objects.filter(pk__in=gone, resolved_at__isnull=True).update(resolved_at=now)
    new = []
    for key, f in findings.items():
        if f.kind == ImageProblem.Kind.DUPLICATE:
            partners |= {o["product_id"] for o in f.detail["others"]}
        row = have.get(key)
        if row is None:
            new.append(
                ImageProblem(
                    shop_id=product.shop_id,
                    product=product,
                    asset_id=f.asset_id,
                    kind=f.kind,
                    key=key,
                    detail=f.detail,
                    opened_at=now,
                )
            )
        elif row.detail != f.detail:
            ImageProblem.objects.filter(pk=row.pk).update(detail=f.detail)
    ImageProblem.objects.bulk_create(
        new, ignore_conflicts=True
    )  # a concurrent check opened it first: one row
    for row in open_rows:
        if row.kind == ImageProblem.Kind.DUPLICATE:
            partners |= {o["product_id"] for o in row.detail.get("others", [])}
    return partners


def product_image_problems_refresh(*, product_ids, now=None, with_partners: bool = True) -> set[int]:
    """Check the products' pictures and bring their open problems up to date (see the module doc); with
    `with_partners`, the products they share a picture with are checked too. The ids checked."""
    now = now or timezone.now()
    products = list(Product.objects.filter(pk__in=set(product_ids)).only("pk", "shop_id", "images", "title"))
    if not products:
        return set()
    limits = _limits()
    open_rows: dict[int, list[ImageProblem]] = {}
    for row in ImageProblem.objects.filter(product__in=products, resolved_at__isnull=True):
        open_rows.setdefault(row.product_id, []).append(row)
    by_shop: dict[int, list[Product]] = {}
    for product in products:
        by_shop.setdefault(product.shop_id, []).append(product)
    partners: set[int] = set()
    for shop_id, items in by_shop.items():
        shop = _Shop(shop_id, items)
        for product in items:
            partners |= _apply(product, _findings(product, shop, limits), open_rows.get(product.pk, []), now)
    ProductImageCheck.objects.bulk_create(
        [ProductImageCheck(product=p, checked_at=now) for p in products],
        update_conflicts=True,
        unique_fields=["product"],
        update_fields=["checked_at"],
    )
    checked = {p.pk for p in products}
    if with_partners and (partners - checked):
        checked |= product_image_problems_refresh(
            product_ids=partners - checked, now=now, with_partners=False
        )
    return checked


def products_for_asset(*, shop_id: int, asset_id: int) -> list[int]:
    return list(
        ProductMedia.objects.filter(shop_id=shop_id, asset_id=asset_id)
        .values_list("product_id", flat=True)
        .distinct()
    )


def _due(now):
    measured_since = ProductMedia.objects.filter(
        product_id=OuterRef("pk"), asset__analysed_at__gt=OuterRef("image_check__checked_at")
    )
    stale = now - timedelta(seconds=RECHECK_SECONDS)
    return (
        Product.objects.filter(
            Q(image_check__isnull=True) | Q(image_check__checked_at__lt=stale) | Exists(measured_since)
        )
        .exclude(image_check__checked_at__gte=now)
        .order_by("pk")
    )


def products_image_check_due(*, now=None, budget_seconds: float = 120.0) -> int:
    """The job's work: products never checked, checked more than a day ago, or with a picture measured since
    their check; in batches by id until none is due or the time budget is spent (the next run goes on)."""
    now = now or timezone.now()
    done = 0
    started = time.monotonic()
    while time.monotonic() - started < budget_seconds:
        ids = list(_due(now).values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        done += len(product_image_problems_refresh(product_ids=ids, now=now, with_partners=False))
    return done
