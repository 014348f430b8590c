"""Fixtures of the serving, click and attribution tests: a live (active, funded) keyword ad, and a search."""

import pytest

from wanshang.ads.services import KeywordInput, keywords_add, plan_set_status
from wanshang.ads.tests.spooling import ads_ingested
from wanshang.ads.traffic import search_ads_serve
from wanshang.search.selectors import query_words


@pytest.fixture
def live_ad(make_shop, make_product, make_plan, make_group, fund, django_capture_on_commit_callbacks):
    """live_ad(words=("连衣裙",), bid=100, title=…) → (shop, plan, group, keywords): an active, funded plan."""

    def make(
        words=("连衣裙",), bid=100, title="夏季碎花连衣裙", match="broad", shop=None, daily=5000, **plan
    ):
        shop = shop or make_shop()
        fund(shop, 10_000)
        with django_capture_on_commit_callbacks(execute=True):
            p = make_plan(shop, daily=daily, **plan)
            product = make_product(shop, title=title)
            group = make_group(shop, p, bid=bid, product=product)
            kws = keywords_add(
                shop=shop, group_id=group.pk, rows=[KeywordInput(word=w, match_type=match) for w in words]
            )
            plan_set_status(shop=shop, plan_id=p.pk, status="active")
        return shop, p, group, kws

    return make


def serve(q, *, page=1, per_page=40, terminal="pc", visitor="v" * 32, now=None):
    """The ads of one results page; their impressions ingested (in the table), as after the ingest job ran."""
    served = search_ads_serve(
        words=query_words(q),
        query=q,
        page=page,
        per_page=per_page,
        visitor=visitor,
        terminal=terminal,
        now=now,
    )
    ads_ingested()
    return served
