"""On PostgreSQL: checks of one product racing each other open one row per finding (the partial unique index and
ON CONFLICT DO NOTHING), and hashes at both ends of the signed 64-bit range are stored and found by band."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wanshang.common.tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_racing_checks_open_one_row_per_finding(make_shop, make_product):
    from wanshang.catalog.models import ImageProblem
    from wanshang.catalog.services import product_image_problems_refresh

    shop = make_shop()
    product = make_product(shop)
    ImageProblem.objects.filter(product=product).delete()
    results = run_concurrently(
        lambda _: product_image_problems_refresh(product_ids=[product.pk]), list(range(6))
    )
    assert all(r == {product.pk} for r in results), results
    assert ImageProblem.objects.filter(product=product, resolved_at__isnull=True).count() == 1


def test_extreme_hashes_fit_bigint_and_are_found(make_shop):
    from wanshang.media.analysis import hash_bands
    from wanshang.media.checks import figure_fields, near_duplicates
    from wanshang.media.models import MediaAsset
    from wanshang.media.services import image_upload
    from wanshang.media.tests.conftest import encoded, scene

    shop = make_shop()
    assets = [
        image_upload(shop=shop, file=SimpleUploadedFile("p.jpg", encoded(scene(s))), by=shop.owner)
        for s in (1, 2)
    ]
    low, high = -(2**63), 2**63 - 1
    for asset, value in zip(assets, (low, low + 3), strict=True):  # 2 bits apart, at the bottom of the range
        bands = hash_bands(value)
        MediaAsset.objects.filter(pk=asset.pk).update(
            phash=value, **{f"phash_b{i}": b for i, b in enumerate(bands)}
        )
    found = near_duplicates(shop_id=shop.pk, hashes={assets[0].pk: low})
    assert found[assets[0].pk] == [(assets[1].pk, 2)]
    assert MediaAsset.objects.filter(phash=low).exists()
    assert figure_fields(None, now=None) == {"analysed_at": None}
    assert hash_bands(high) == (0x7FFF, 0xFFFF, 0xFFFF, 0xFFFF)
