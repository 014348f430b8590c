"""`rebuild_index(workers=N)` on PostgreSQL: the forked workers write exactly what one process writes."""

import pytest
from django.db import connection

from wanshang.catalog.services import category_create
from wanshang.search.models import SearchDoc
from wanshang.search.selectors import SearchParams, search
from wanshang.search.services import rebuild_index

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _index_rows():
    docs = list(
        SearchDoc.objects.order_by("product_id").values_list(
            "product_id", "title_words", "category_words", "attribute_words", "visible"
        )
    )
    with connection.cursor() as cur:
        cur.execute("SELECT product_id, head::text, document::text FROM search_searchdoc ORDER BY product_id")
        vectors = cur.fetchall()
    return docs, vectors


def test_parallel_rebuild_writes_what_one_process_writes(require_postgres, make_shop, make_product):
    root = category_create(name="服饰", slug="rb-root")
    women = category_create(name="女装", slug="rb-women", parent_id=root.pk)
    dresses = category_create(name="连衣裙", slug="rb-dress", parent_id=women.pk)
    shop = make_shop(name="并行店", category=dresses)
    made = [
        make_product(shop, title=f"纯棉碎花连衣裙 第{i}款，夏季新品", category_id=dresses.pk)
        for i in range(7)
    ]
    assert rebuild_index(chunk=2) == 7
    one_process = _index_rows()
    SearchDoc.objects.all().delete()

    assert rebuild_index(chunk=2, workers=2) == 7
    assert _index_rows() == one_process
    assert {p.pk for p in search(SearchParams(q="连衣裙", per_page=40)).products} == {p.pk for p in made}
