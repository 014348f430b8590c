"""Real concurrency on PostgreSQL: first FABE saves of one product at the same moment leave one row; applies at
the same moment each go through catalog's product save and leave the detail with the FABE part once."""

import pytest

from wanshang.common.tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_first_saves_and_applies_at_once(shop, make_product):
    from wanshang.catalog.selectors import seller_product_get
    from wanshang.copywriting.models import FabeDetail
    from wanshang.copywriting.services import fabe_apply, fabe_save

    product = make_product(shop, detail_html="<p>原有</p>")
    modules = [[{"kind": "feature", "heading": f"卖点{n}", "lines": ["一行"]}] for n in range(4)]
    results = run_concurrently(
        lambda m: fabe_save(staff=shop.owner_staff, product_id=product.pk, modules=m), modules
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert FabeDetail.objects.filter(product=product).count() == 1

    results = run_concurrently(
        lambda _: fabe_apply(staff=shop.owner_staff, product_id=product.pk), list(range(4))
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    detail = seller_product_get(shop=shop, product_id=product.pk).detail_html
    assert detail.startswith("<p>原有</p>") and detail.count("<h3>") == 1
