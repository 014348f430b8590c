"""The build job: 看了又看 from visitor-days of product views, 买了又买 from paid orders, popularity; idempotent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.recommendations.models import BuildState, ProductPopularity, RelatedProduct
from wanshang.recommendations.services import recommendations_build
from wanshang.recommendations.tasks import build as build_job

pytestmark = [pytest.mark.django_db, pytest.mark.sql]  # dates and joins: SQLite and PostgreSQL


@pytest.fixture
def products(make_shop, make_product):
    shop = make_shop()
    return [make_product(shop, title=f"商品{i}") for i in range(5)]


def _rows():
    return sorted(
        RelatedProduct.objects.values_list("kind", "product_id", "related_id", "rank", "score", "together")
    )


def test_co_viewed_pairs_come_from_the_same_visitor_on_the_same_day(products, view, build, related, midday):
    a, b, c, d, _e = products
    now = midday
    for visitor in ("v1", "v2"):
        view(visitor, a, at=now - timedelta(hours=2))
        view(visitor, b, at=now - timedelta(hours=1))
    view("v3", a, at=now - timedelta(hours=3))
    view("v3", c, at=now - timedelta(hours=2), kind="cart")
    # the same visitor on another day: not a pair
    view("v4", a, at=now - timedelta(days=3))
    view("v4", d, at=now - timedelta(days=2))
    # older than the window: ignored
    view("v5", c, at=now - timedelta(days=40))
    view("v5", d, at=now - timedelta(days=40))

    assert build(now=now) > 0

    co_viewed = related("co_viewed")
    assert co_viewed[a.pk] == [b.pk, c.pk]  # b with a twice, c once
    assert co_viewed[b.pk] == [a.pk]
    assert co_viewed[c.pk] == [a.pk]
    assert d.pk not in co_viewed
    ab = RelatedProduct.objects.get(kind="co_viewed", product_id=a.pk, related_id=b.pk)
    assert ab.together == 2
    assert ab.score == pytest.approx(2 / (4 * 2) ** 0.5 * 2 / 3)  # a in 4 visitor-days (v4 alone), b in 2
    assert related("co_bought") == {}


def test_co_bought_pairs_come_from_the_same_buyer(products, make_user, buy, build, related):
    a, b, c, _d, _e = products
    alice, bob = make_user(), make_user()
    buy(alice, a)
    buy(alice, b)  # another day or order: still the same buyer
    buy(bob, a, c)

    build()

    co_bought = related("co_bought")
    assert co_bought[a.pk] == [b.pk, c.pk] or co_bought[a.pk] == [c.pk, b.pk]
    assert set(co_bought[a.pk]) == {b.pk, c.pk}
    assert co_bought[b.pk] == [a.pk] and co_bought[c.pk] == [a.pk]
    popularity = dict(ProductPopularity.objects.values_list("product_id", "buyers"))
    assert popularity[a.pk] == 2 and popularity[b.pk] == 1


def test_the_build_is_idempotent_and_skips_when_nothing_happened(products, view, build, midday):
    a, b, *_ = products
    now = midday
    view("v1", a, at=now - timedelta(hours=2))
    view("v1", b, at=now - timedelta(hours=1))

    assert build_job(now) == 2
    first = _rows()
    assert build_job(now + timedelta(minutes=5)) == 0  # no new event: skipped
    assert recommendations_build(now=now, force=True) == 2
    assert _rows() == first
    assert BuildState.objects.count() == 1


def test_a_run_after_downtime_catches_up(products, view):
    a, b, c, *_ = products
    now = timezone.now()
    view("v1", a, at=now - timedelta(days=3))
    view("v1", b, at=now - timedelta(days=3))
    recommendations_build(now=now - timedelta(days=3))
    # the job did not run for three days; meanwhile visitors went on browsing
    view("v2", a, at=now - timedelta(days=1))
    view("v2", c, at=now - timedelta(days=1))

    build_job(now)

    assert set(
        RelatedProduct.objects.filter(kind="co_viewed", product_id=a.pk).values_list("related_id", flat=True)
    ) == {b.pk, c.pk}
    assert BuildState.objects.get().built_at == now


def test_an_old_build_is_redone_even_without_new_events(products, view):
    a, b, *_ = products
    now = timezone.now()
    view("v1", a, at=now - timedelta(days=29, hours=23))
    view("v1", b, at=now - timedelta(days=29, hours=23))
    recommendations_build(now=now)
    assert RelatedProduct.objects.exists()

    build_job(now + timedelta(days=2))  # the views left the 30-day window

    assert not RelatedProduct.objects.exists()
