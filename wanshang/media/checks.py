"""Image figures kept on the asset, the near-duplicate search over them, and the cross-shop pairs the platform
sees (docs/image-checks.md). media.services measures a picture on upload; the `media.image_checks` job
measures the ones that have no figures yet (uploaded before the checks, or whose measuring failed).

The near-duplicate search never compares every pair: the 64-bit pHash is kept as four indexed 16-bit bands.
Two hashes within d bits differ in at most d // 4 bits in at least one band (pigeonhole), so the candidates
are the rows with a band equal to one of that band's values within d // 4 bits (1 value at d ≤ 3, 17 at
d ≤ 7, 137 at d ≤ 11): four index lookups OR-ed together. The candidates' bits are then counted in Python.
"""

import logging
import time

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageOps

from wanshang.media.analysis import BANDS, Figures, analyse, band_probes, hamming, hash_bands
from wanshang.media.models import ImageDuplicate, MediaAsset

log = logging.getLogger("wanshang.media")

BATCH = 100
MAX_PROBE_RADIUS = 2  # 137 values a band: a distance above 11 is not a near-duplicate anyway


def max_distance() -> int:
    return int(settings.WANSHANG["IMAGE_DUPLICATE_MAX_DISTANCE"])


def figure_fields(figures: Figures | None, *, now) -> dict:
    """The asset's columns for `figures` (None: the picture could not be read; it counts as measured)."""
    if figures is None:
        return {"analysed_at": now}
    fields = {
        "analysed_at": now,
        "blur_score": figures.blur_score,
        "phash": figures.phash,
        "white_background": figures.white_background,
    }
    fields.update({f"phash_b{i}": band for i, band in enumerate(figures.bands)})
    return fields


def band_filter(hashes, distance: int) -> Q:
    """Rows sharing a band (within distance // 4 bits) with any of `hashes`."""
    radius = min(distance // BANDS, MAX_PROBE_RADIUS)
    probes: list[set[int]] = [set() for _ in range(BANDS)]
    for phash in hashes:
        for i, band in enumerate(hash_bands(phash)):
            probes[i].update(band_probes(band, radius))
    q = Q()
    for i, values in enumerate(probes):
        if values:
            q |= Q(**{f"phash_b{i}__in": sorted(values)})
    return q


def _candidates(qs, hashes, distance: int) -> list[tuple[int, int, int]]:
    """(pk, shop_id, phash) of the rows of `qs` sharing a band with one of `hashes`."""
    hashes = [h for h in hashes if h is not None]
    if not hashes:
        return []
    return list(qs.filter(band_filter(hashes, distance)).values_list("pk", "shop_id", "phash"))


def _shop_pictures():
    return MediaAsset.objects.filter(kind=MediaAsset.Kind.IMAGE, source="shop", phash__isnull=False)


def near_duplicates(*, shop_id: int, hashes: dict[int, int | None]) -> dict[int, list[tuple[int, int]]]:
    """{asset id: [(the shop's other asset id, distance), …]} for the shop's pictures within the distance of
    each of `hashes` ({asset id: phash}); one query for them all."""
    distance = max_distance()
    qs = _shop_pictures().filter(shop_id=shop_id)
    found: dict[int, list[tuple[int, int]]] = {pk: [] for pk in hashes}
    for other, _shop, other_hash in _candidates(qs, hashes.values(), distance):
        for pk, phash in hashes.items():
            if phash is not None and other != pk and (d := hamming(phash, other_hash)) <= distance:
                found[pk].append((other, d))
    return found


def cross_shop_record(asset: MediaAsset) -> int:
    """Record the pairs of `asset` with other shops' pictures within the distance (the earlier upload as the
    likely original); pairs already recorded stay as they are. How many pairs were new."""
    if asset.kind != MediaAsset.Kind.IMAGE or asset.source != "shop" or asset.phash is None:
        return 0
    distance = max_distance()
    qs = _shop_pictures().exclude(shop_id=asset.shop_id)
    matches = [
        (pk, shop_id, hamming(asset.phash, phash))
        for pk, shop_id, phash in _candidates(qs, [asset.phash], distance)
        if hamming(asset.phash, phash) <= distance
    ]
    if not matches:
        return 0
    others = {
        a.pk: a for a in MediaAsset.objects.filter(pk__in=[m[0] for m in matches]).only("pk", "created_at")
    }
    rows = []
    for pk, shop_id, d in matches:
        other = others[pk]
        earlier = (other.created_at, other.pk) < (asset.created_at, asset.pk)
        original, copy = (pk, shop_id), (asset.pk, asset.shop_id)
        if not earlier:
            original, copy = copy, original
        rows.append(
            ImageDuplicate(
                original_id=original[0],
                original_shop_id=original[1],
                copy_id=copy[0],
                copy_shop_id=copy[1],
                distance=d,
            )
        )
    mine = ImageDuplicate.objects.filter(Q(original=asset) | Q(copy=asset))
    before = mine.count()
    ImageDuplicate.objects.bulk_create(rows, ignore_conflicts=True)  # a pair recorded already stays as it is
    return mine.count() - before


def _read(asset: MediaAsset) -> Image.Image | None:
    try:
        with default_storage.open(asset.file.name) as fh:
            image = Image.open(fh)
            image.load()
        return ImageOps.exif_transpose(image)
    except Exception:  # a missing or damaged file: measured as unreadable, not retried forever
        log.warning("media asset %s: cannot read %s for its image figures", asset.pk, asset.file.name)
        return None


def asset_analyse(*, asset: MediaAsset, now=None) -> MediaAsset:
    """Measure a stored picture again from its file and record its cross-shop near-duplicates."""
    now = now or timezone.now()
    image = _read(asset)
    fields = figure_fields(analyse(image) if image is not None else None, now=now)
    MediaAsset.objects.filter(pk=asset.pk).update(**fields)
    for name, value in fields.items():
        setattr(asset, name, value)
    cross_shop_record(asset)
    return asset


def assets_analyse_pending(*, now=None, budget_seconds: float = 120.0) -> int:
    """Measure pictures without figures, oldest first, in batches until none is left or the time budget is
    spent (the next run goes on). A picture that cannot be read is marked measured, so nothing loops."""
    now = now or timezone.now()
    done = 0
    started = time.monotonic()
    while time.monotonic() - started < budget_seconds:
        batch = list(
            MediaAsset.objects.filter(kind=MediaAsset.Kind.IMAGE, analysed_at__isnull=True).order_by("pk")[
                :BATCH
            ]
        )
        if not batch:
            break
        for asset in batch:
            asset_analyse(asset=asset, now=now)
            done += 1
    return done
