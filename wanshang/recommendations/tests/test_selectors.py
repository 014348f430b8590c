"""The read side: never an unbuyable product or the product itself; 猜你喜欢 personal vs cold start."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.recommendations.selectors import after_purchase, for_you, related_products

pytestmark = [pytest.mark.django_db, pytest.mark.sql]  # dates and joins: SQLite and PostgreSQL


@pytest.fixture
def shop(make_shop):
    return make_shop()


@pytest.fixture
def products(shop, make_product):
    return [make_product(shop, title=f"商品{i}") for i in range(6)]


def _ids(products):
    return [p.pk for p in products]


def _seen_together(view, visitor, *products):
    # yesterday at noon (Shanghai): the views must fall on one visitor-day whatever the hour of the run
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    for i, p in enumerate(products):
        view(visitor, p, at=now - timedelta(minutes=60 - i))


def test_related_products_leave_out_off_shelf_suspended_and_out_of_stock(
    shop, make_shop, make_product, products, view, build
):
    from wanshang.catalog.services import product_set_status
    from wanshang.inventory.services import stock_set_default_warehouse
    from wanshang.merchants.services import shop_suspend

    a, b, c, d, *_ = products
    other_shop = make_shop(category=shop.test_category)
    elsewhere = make_product(other_shop, title="别家商品", category_id=a.category_id)
    for n in range(4):
        _seen_together(view, f"v{n}", a, b, c, d, elsewhere)
    build()
    everything = _ids(related_products(product=a, kind="co_viewed", limit=10))
    assert set(everything) >= {b.pk, c.pk, d.pk, elsewhere.pk} and a.pk not in everything

    product_set_status(staff=shop.owner_staff, product_ids=[b.pk], status="off_shelf")
    stock_set_default_warehouse(shop=shop, sku=c.skus.get(), on_hand=0, actor=shop.owner, reason="售罄")
    shop_suspend(shop_id=other_shop.pk, reason="违规经营")

    shown = _ids(related_products(product=a, kind="co_viewed", limit=10))
    assert d.pk in shown
    assert not {a.pk, b.pk, c.pk, elsewhere.pk} & set(shown)


def test_co_viewed_is_topped_up_from_the_category_and_co_bought_is_not(products, view, build):
    a, b, *_ = products
    _seen_together(view, "v1", b, products[2])
    build()
    assert a.pk not in _ids(related_products(product=a, kind="co_viewed", limit=5))
    assert set(_ids(related_products(product=a, kind="co_viewed", limit=5))) <= set(_ids(products))
    assert related_products(product=a, kind="co_bought", limit=5) == []


def test_for_you_follows_what_the_visitor_looked_at(make_shop, make_product, products, view, build):
    a, b, c, *_ = products
    other = make_shop()
    x, y, z = (make_product(other, title=f"别家{i}") for i in range(3))
    for n in range(3):
        _seen_together(view, f"crowd{n}", a, b)
        _seen_together(view, f"crowd-x{n}", x, y)
    for n in range(6):  # z is the most popular product of the mall
        view(f"fan{n}", z)
    build()

    cold = _ids(for_you(visitor="newcomer", limit=3))
    assert cold[0] == z.pk

    view("me", a)
    mine = _ids(for_you(visitor="me", limit=3))
    assert mine[0] == b.pk  # seen by the people who saw a
    assert a.pk not in mine  # not what I just looked at


def test_for_you_of_a_buyer_reads_their_history_and_leaves_out_what_they_bought(
    products, view, buy, make_user, build
):
    a, b, c, *_ = products
    me, crowd = make_user(), make_user()
    buy(crowd, a, b)
    buy(crowd, a, c)
    view("my-phone", a, user=me)
    buy(me, b)
    build()

    mine = _ids(for_you(visitor="my-laptop", user_id=me.pk, limit=5))  # another browser, same buyer
    assert mine[0] == c.pk
    assert a.pk not in mine and b.pk not in mine


def test_after_purchase_offers_co_bought_first_and_never_what_was_bought(products, buy, make_user, build):
    a, b, c, d, *_ = products
    crowd, me = make_user(), make_user()
    buy(crowd, a, d)
    build()
    payment = buy(me, a)

    shown = _ids(after_purchase(product_ids=[a.pk], user_id=me.pk, limit=4))
    assert shown[0] == d.pk and a.pk not in shown
    assert payment.no
