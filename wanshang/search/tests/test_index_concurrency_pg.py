"""Indexing one product from several transactions at once (a save's subscriber, the catch-up job and the
patrol's one-click reindex) writes its document once and raises nothing."""

import pytest

from wanshang.common.tests.concurrency import run_concurrently
from wanshang.search.models import SearchDoc
from wanshang.search.services import index_products

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_reindexes_of_the_same_products_take_turns(require_postgres, make_shop, make_product):
    shop = make_shop()
    products = [make_product(shop, title=f"纯棉碎花连衣裙 第{i}款") for i in range(3)]
    ids = [p.pk for p in products]
    for _ in range(5):
        SearchDoc.objects.filter(
            product_id__in=ids
        ).delete()  # each round starts with no document: both insert
        results = run_concurrently(lambda: index_products(product_ids=ids), [(), (), (), ()])
        assert results == [3, 3, 3, 3], results
        assert SearchDoc.objects.filter(product_id__in=ids).count() == 3
