"""Image figures on generated pictures: blur, perceptual hash and its band search, cross-shop pairs, the job."""

import io
import random

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageEnhance, ImageFilter

from wanshang.media.analysis import BAND_BITS, analyse, band_probes, hamming, hash_bands, to_signed
from wanshang.media.models import ImageDuplicate, MediaAsset
from wanshang.media.selectors import near_duplicates
from wanshang.media.services import assets_analyse_pending, image_upload
from wanshang.media.tests.conftest import checkerboard, encoded, image_bytes, scene

THRESHOLD = 30.0  # settings.WANSHANG["IMAGE_BLUR_THRESHOLD"]
MAX_DISTANCE = 6  # settings.WANSHANG["IMAGE_DUPLICATE_MAX_DISTANCE"]


def upload(shop, image: Image.Image | bytes, name="p.jpg"):
    data = image if isinstance(image, bytes) else encoded(image)
    return image_upload(
        shop=shop, file=SimpleUploadedFile(name, data, content_type="image/jpeg"), by=shop.owner
    )


def reloaded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- figures --------------------------------------------------------------------------------------------------


def test_a_sharp_checkerboard_passes_and_its_blurred_copy_is_flagged():
    sharp = analyse(checkerboard())
    blurred = analyse(checkerboard().filter(ImageFilter.GaussianBlur(4)))
    assert sharp.blur_score > 1000
    assert blurred.blur_score < THRESHOLD < sharp.blur_score


def test_a_resized_reencoded_brightened_copy_is_a_near_duplicate_and_another_picture_is_not():
    original = scene(1)
    base = analyse(original).phash
    copies = {
        "resized": original.resize((500, 500)),
        "re-encoded": reloaded(encoded(original, quality=55)),
        "brightened": ImageEnhance.Brightness(original).enhance(1.1),
        "all three": reloaded(
            encoded(ImageEnhance.Brightness(original.resize((640, 640))).enhance(1.08), quality=70)
        ),
    }
    for name, copy in copies.items():
        assert hamming(base, analyse(copy).phash) <= MAX_DISTANCE, name
    for seed in range(2, 12):
        assert hamming(base, analyse(scene(seed)).phash) > MAX_DISTANCE, seed


def test_a_flat_picture_has_no_hash_and_a_white_border_is_seen():
    flat = analyse(Image.new("RGB", (800, 800), (200, 40, 40)))
    assert flat.phash is None and flat.bands == (None,) * 4 and flat.blur_score == 0
    on_white = Image.new("RGB", (800, 800), "white")
    on_white.paste(scene(3, size=(500, 500)), (150, 150))
    assert analyse(on_white).white_background is True
    assert analyse(scene(3)).white_background is False


def test_a_transparent_background_reads_as_white():
    image = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    image.paste(scene(4, size=(300, 300)), (150, 150))
    assert analyse(image).white_background is True


def test_the_hash_is_signed_64_bit_and_split_into_four_bands():
    value = to_signed(0xFFFF_0000_1234_8000)
    assert value < 0 and -(2**63) <= value < 2**63
    assert hash_bands(value) == (0xFFFF, 0x0000, 0x1234, 0x8000)


@settings(max_examples=300, deadline=None)
@given(
    a=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    flips=st.sets(st.integers(min_value=0, max_value=63), max_size=11),
)
def test_the_band_probes_find_every_hash_within_the_distance(a, flips):
    """Pigeonhole: within d bits, one band differs in at most d // 4 bits, and its probes include it."""
    b = a
    for bit in flips:
        b = to_signed((b + 2**64 if b < 0 else b) ^ (1 << bit))
    d = len(flips)
    assert hamming(a, b) == d
    radius = d // 4
    assert any(bb in band_probes(ba, radius) for ba, bb in zip(hash_bands(a), hash_bands(b), strict=True))


def test_band_probes_count():
    assert len(band_probes(0, 0)) == 1
    assert len(band_probes(0, 1)) == 1 + BAND_BITS
    assert len(set(band_probes(12345, 2))) == 1 + BAND_BITS + BAND_BITS * (BAND_BITS - 1) // 2


# --- on upload ------------------------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_an_upload_is_measured(make_shop):
    shop = make_shop()
    asset = upload(shop, checkerboard())
    asset.refresh_from_db()
    assert asset.analysed_at is not None and asset.blur_score > 1000 and asset.phash is not None
    assert [asset.phash_b0, asset.phash_b1, asset.phash_b2, asset.phash_b3] == list(hash_bands(asset.phash))
    assert (asset.width, asset.height, asset.aspect) == (800, 800, 1.0)


def test_a_copy_in_another_shop_is_a_pair_with_the_earlier_upload_as_original(make_shop):
    first, second, third = make_shop(), make_shop(), make_shop()
    original = upload(first, scene(1))
    copy = upload(
        second, reloaded(encoded(ImageEnhance.Brightness(scene(1).resize((700, 700))).enhance(1.1)))
    )
    upload(third, scene(2))  # unrelated
    [pair] = ImageDuplicate.objects.all()
    assert (pair.original_id, pair.copy_id) == (original.pk, copy.pk)
    assert (pair.original_shop_id, pair.copy_shop_id) == (first.pk, second.pk)
    assert pair.distance <= MAX_DISTANCE and pair.status == "open"
    own = upload(first, scene(1).resize((800, 800)))  # the first shop's own second copy: paired with the
    pairs = {(p.original_id, p.copy_id) for p in ImageDuplicate.objects.all()}  # other shop's only
    assert pairs == {(original.pk, copy.pk), (copy.pk, own.pk)}


def test_buyer_pictures_and_flat_pictures_make_no_pair(make_shop):
    first, second = make_shop(), make_shop()
    upload(first, image_bytes((800, 800)))
    upload(second, image_bytes((800, 800)))  # two one-colour pictures: no hash, no pair
    upload(first, scene(5))
    image_upload(shop=second, file=encoded(scene(5)), by=None, source="buyer")  # a review photo
    assert not ImageDuplicate.objects.exists()


def test_near_duplicates_within_a_shop(make_shop):
    shop, other = make_shop(), make_shop()
    a = upload(shop, scene(1))
    b = upload(shop, scene(1).resize((820, 820)))
    c = upload(shop, scene(9))
    upload(other, scene(1).resize((810, 810)))
    found = near_duplicates(shop_id=shop.pk, hashes={a.pk: a.phash, c.pk: c.phash})
    assert [other for other, _d in found[a.pk]] == [b.pk]
    assert found[c.pk] == []


# --- the job --------------------------------------------------------------------------------------------------


def test_the_job_measures_pictures_without_figures_once_and_catches_up(make_shop):
    shop, other = make_shop(), make_shop()
    old = [upload(shop, scene(s)) for s in (1, 2, 3)]
    later = upload(other, scene(1).resize((850, 850)))
    ImageDuplicate.objects.all().delete()
    MediaAsset.objects.filter(pk__in=[a.pk for a in [*old, later]]).update(
        analysed_at=None,
        blur_score=None,
        phash=None,
        phash_b0=None,
        phash_b1=None,
        phash_b2=None,
        phash_b3=None,
    )
    assert assets_analyse_pending() == 4
    assert assets_analyse_pending() == 0  # nothing twice
    assert not MediaAsset.objects.filter(kind="image", analysed_at__isnull=True).exists()
    [pair] = ImageDuplicate.objects.all()
    assert (pair.original_id, pair.copy_id) == (old[0].pk, later.pk)


def test_an_unreadable_file_is_marked_measured_and_not_retried(make_shop):
    shop = make_shop()
    asset = upload(shop, scene(7))
    default_storage.delete(asset.file.name)
    MediaAsset.objects.filter(pk=asset.pk).update(analysed_at=None, blur_score=None)
    assert assets_analyse_pending() == 1
    asset.refresh_from_db()
    assert asset.analysed_at is not None and asset.blur_score is None
    assert assets_analyse_pending() == 0


def test_the_job_is_registered():
    from wanshang.common.scheduler import job

    assert job("media.image_checks").every_seconds == 3600


def test_random_hashes_rarely_share_bands():
    """The bench's assumption, checked small: unrelated pictures' bands collide about 4 / 65536 of the time."""
    rng = random.Random(7)
    hashes = [to_signed(rng.getrandbits(64)) for _ in range(2000)]
    a = hashes[0]
    shared = sum(any(x == y for x, y in zip(hash_bands(a), hash_bands(h), strict=True)) for h in hashes[1:])
    assert shared <= 3
