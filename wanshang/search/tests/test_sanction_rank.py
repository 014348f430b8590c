"""体检中心 搜索降权 (docs/health.md): a sanctioned shop's product ranks below an equal product of a shop in good
standing, in 综合 with words and without; lifting the sanction puts it back."""

import pytest

from wanshang.merchants.services import shop_sanction_clear, shop_sanction_set
from wanshang.search.selectors import SearchParams, search
from wanshang.search.services import demoted, popularity

pytestmark = pytest.mark.django_db


def _ids(result):
    return [p.pk for p in result.products]


def test_a_demoted_shops_product_ranks_below_an_equal_one(
    make_shop, make_product, django_capture_on_commit_callbacks
):
    sanctioned, good = make_shop(), make_shop()
    # the sanctioned shop's product is made last, so the tie-break (newest id first) would put it on top
    kept = make_product(good, title="纯棉碎花连衣裙")
    sunk = make_product(sanctioned, title="纯棉碎花连衣裙")
    assert _ids(search(SearchParams(q="连衣裙")))[:2] == [sunk.pk, kept.pk]

    with django_capture_on_commit_callbacks(execute=True):  # ShopChanged → the shop's products reindexed
        shop_sanction_set(shop_id=sanctioned.pk, kind="search_demote", reason="体检中心扣分达到处罚线")
    assert _ids(search(SearchParams(q="连衣裙")))[:2] == [kept.pk, sunk.pk]
    assert _ids(search(SearchParams(q="")))[:2] == [kept.pk, sunk.pk]

    with django_capture_on_commit_callbacks(execute=True):
        shop_sanction_clear(shop_id=sanctioned.pk, kind="search_demote")
    assert _ids(search(SearchParams(q="连衣裙")))[:2] == [sunk.pk, kept.pk]


def test_other_sanctions_leave_the_rank_alone(make_shop, make_product, django_capture_on_commit_callbacks):
    shop, good = make_shop(), make_shop()
    kept = make_product(good, title="真丝衬衫")
    mine = make_product(shop, title="真丝衬衫")
    with django_capture_on_commit_callbacks(execute=True):
        shop_sanction_set(shop_id=shop.pk, kind="no_campaign", reason="体检中心扣分达到处罚线")
    assert _ids(search(SearchParams(q="衬衫")))[:2] == [mine.pk, kept.pk]


@pytest.mark.parametrize("base", [0.0, 0.3, 2.5])
def test_demotion_multiplies_the_whole_score(base):
    relevance = 7.0
    assert relevance * (1 + demoted(base, factor=0.5)) == pytest.approx(relevance * (1 + base) * 0.5)
    assert popularity(sales_count=0, conversion=0.0, rating=None) == 0.0
