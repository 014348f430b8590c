"""Fixtures of the audience-ad tests: a live (active, funded) audience plan, a visitor's history, a serve."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.ads.services import audience_ads_serve, plan_set_status, target_add
from wanshang.ads.tests.spooling import ads_ingested

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"


@pytest.fixture
def live_audience(make_shop, make_product, make_plan, make_group, fund, django_capture_on_commit_callbacks):
    """live_audience(crowds=[("similar", 100)], bid=100, billing="cpc", cap=3, shop=None, category=None, daily=5000)
    → (shop, plan, group, targets): an active, funded audience plan with one group."""
    from wanshang.ads.services import audience_setup_update

    def make(
        crowds=(("similar", 100, {}),),
        bid=100,
        billing="cpc",
        cap=3,
        shop=None,
        category=None,
        daily=5000,
        title="夏季碎花连衣裙",
        balance=10_000,
        **plan,
    ):
        shop = shop or make_shop(category=category)
        fund(shop, balance)
        with django_capture_on_commit_callbacks(execute=True):
            p = make_plan(shop, daily=daily, kind="audience", **plan)
            audience_setup_update(shop=shop, plan_id=p.pk, billing=billing, frequency_cap=cap)
            product = make_product(shop, title=title)
            group = make_group(shop, p, bid=bid, product=product)
            targets = [
                target_add(shop=shop, plan_id=p.pk, kind=kind, multiplier_pct=mult, **extra)
                for kind, mult, extra in crowds
            ]
            plan_set_status(shop=shop, plan_id=p.pk, status="active")
        return shop, p, group, targets

    return make


@pytest.fixture
def touch():
    """touch(visitor, product, user=None, days_ago=1): a product page view in the event log."""
    from wanshang.analytics.models import Event

    def do(visitor, product, *, user=None, days_ago=1):
        return Event.objects.create(
            ts=timezone.now() - timedelta(days=days_ago),
            kind="pv",
            visitor=visitor,
            user_id=user.pk if user else None,
            shop_id=product.shop_id,
            product_id=product.pk,
            category_id=product.category_id,
            page_type="product",
        )

    return do


@pytest.fixture
def searched():
    """searched(visitor, query, days_ago=1): a search page view with its query."""
    from wanshang.analytics.models import Event

    def do(visitor, query, *, days_ago=1):
        return Event.objects.create(
            ts=timezone.now() - timedelta(days=days_ago),
            kind="pv",
            visitor=visitor,
            page_type="search",
            query=query,
        )

    return do


def new_visitor() -> str:
    return uuid.uuid4().hex


def serve(placement="home", *, visitor, user_id=None, terminal="pc", exclude=(), now=None, agent=BROWSER):
    """The placement's ads; their impressions ingested (in the table), as after the ingest job ran."""
    served = audience_ads_serve(
        placement=placement,
        visitor=visitor,
        user_id=user_id,
        terminal=terminal,
        user_agent=agent,
        exclude_product_ids=exclude,
        now=now,
    )
    ads_ingested()
    return served


@pytest.fixture
def crowd_pack():
    """crowd_pack(shop, name="老客", buyer_ids=(…)) → a saved 人群包 of the shop (its buyers as given)."""
    from wanshang.insights.models import CrowdPack

    def make(shop, name="老客", buyer_ids=(1,)):
        return CrowdPack.objects.create(shop=shop, name=name, buyer_ids=list(buyer_ids), size=len(buyer_ids))

    return make
