"""Media reads, always in one shop's scope: another shop's asset id is simply not found."""

from wanshang.common.errors import NotFound
from wanshang.media.models import MediaAsset


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
