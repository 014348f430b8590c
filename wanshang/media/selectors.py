"""Media reads, always in one shop's scope: another shop's asset id is simply not found."""

from django.core.files.storage import default_storage

from wanshang.common.errors import NotFound
from wanshang.media.checks import near_duplicates as near_duplicates
from wanshang.media.models import ImageDeclaration, ImageDuplicate, MediaAsset

DECLARATION_STATUSES = ImageDeclaration.Status.choices
DECLARATION_KINDS = ImageDeclaration.Kind.choices
DUPLICATE_STATUSES = ImageDuplicate.Status.choices


def asset_get(*, shop, asset_id) -> MediaAsset:
    try:
        pk = int(asset_id)
    except (TypeError, ValueError):
        raise NotFound("图片或视频不存在") from None
    asset = MediaAsset.objects.for_shop(shop).filter(pk=pk).first()
    if asset is None:
        raise NotFound("图片或视频不存在")
    return asset


def assets_by_id(*, shop, ids, own_only: bool = False) -> dict[int, MediaAsset]:
    """{id: asset} of the shop's assets among `ids`; ids of other shops (or none) are left out, and with
    `own_only` the pictures buyers uploaded to the shop (review photos, evidence) too."""
    wanted = {int(i) for i in ids if i is not None}
    if not wanted:
        return {}
    qs = MediaAsset.objects.for_shop(shop).filter(pk__in=wanted)
    if own_only:
        qs = qs.filter(source="shop")
    return {a.pk: a for a in qs}


def recent_assets(*, shop, kind: str = MediaAsset.Kind.IMAGE, limit: int = 30) -> list[MediaAsset]:
    return list(MediaAsset.objects.for_shop(shop).filter(kind=kind, source="shop")[:limit])


# --- image checks (docs/image-checks.md) ----------------------------------------------------------------------


def declarations_for_assets(*, shop_id: int, asset_ids) -> dict[int, list[ImageDeclaration]]:
    """{asset id: its declarations} among the shop's pictures `asset_ids`."""
    out: dict[int, list[ImageDeclaration]] = {}
    qs = ImageDeclaration.objects.filter(shop_id=shop_id, asset_id__in=list(asset_ids)).order_by("kind", "id")
    for declaration in qs:
        out.setdefault(declaration.asset_id, []).append(declaration)
    return out


def _int(value, message: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(message) from None


def shop_declarations(*, shop, status: str = ""):
    """The shop's declarations, newest first, optionally of one status."""
    qs = ImageDeclaration.objects.for_shop(shop).select_related("asset")
    return qs.filter(status=status) if status else qs


def declaration_get(*, shop, declaration_id) -> ImageDeclaration:
    """One of the shop's declarations (the platform's when `shop` is None); NotFound otherwise."""
    qs = ImageDeclaration.objects.select_related("asset", "shop")
    qs = qs.for_shop(shop) if shop is not None else qs
    found = qs.filter(pk=_int(declaration_id, "声明不存在")).first()
    if found is None:
        raise NotFound("声明不存在")
    return found


def platform_declarations(*, status: str = "pending"):
    """Every shop's declarations, the waiting ones oldest first (the review queue), the others newest first."""
    qs = ImageDeclaration.objects.select_related("asset", "shop")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("submitted_at", "id") if status == "pending" else qs.order_by("-id")


def declaration_file(*, declaration: ImageDeclaration):
    """The stored authorisation file, opened for reading; NotFound when none was sent."""
    if not declaration.file:
        raise NotFound("还没有上传授权文件")
    return default_storage.open(declaration.file.name, "rb")


def duplicate_pairs(*, status: str = "open"):
    """Cross-shop near-duplicate pairs (platform only), newest first."""
    qs = ImageDuplicate.objects.select_related("original", "copy", "original_shop", "copy_shop", "decided_by")
    return qs.filter(status=status) if status else qs


def duplicate_get(*, duplicate_id) -> ImageDuplicate:
    found = duplicate_pairs(status="").filter(pk=_int(duplicate_id, "重复图片记录不存在")).first()
    if found is None:
        raise NotFound("重复图片记录不存在")
    return found


def open_duplicate_count() -> int:
    return ImageDuplicate.objects.filter(status=ImageDuplicate.Status.OPEN).count()


def pending_declaration_count() -> int:
    return ImageDeclaration.objects.filter(status=ImageDeclaration.Status.PENDING).count()
