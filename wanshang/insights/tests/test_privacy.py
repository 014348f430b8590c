"""A buyer's request to delete their behaviour data (insights.privacy), and the two orders functions it uses
instead of touching orders: `order_visitors_of` and `orders_forget_visitor`."""

import uuid
from datetime import date

import pytest

from wanshang.analytics.collector import ingest, spool
from wanshang.analytics.models import Event, VisitorDay
from wanshang.analytics.tracking import Visit, track, visit_begin, visit_end
from wanshang.checkout.services import checkout_submit
from wanshang.insights.privacy import buyer_events_delete
from wanshang.orders.selectors import order_visitors_of
from wanshang.orders.services import orders_forget_visitor
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_shop):
    return make_shop(name="数据小店")


@pytest.fixture
def product(shop, make_product):
    return make_product(shop, title="纯棉连衣裙", prices=(19900,), stock=5)


def as_visitor(visitor, user_id, action):
    token = visit_begin(Visit(visitor=visitor, session="s" * 32, user_id=user_id, terminal="pc"))
    try:
        return action()
    finally:
        visit_end(token)


def place_order(buyer, product, address):
    return checkout_submit(
        user=buyer,
        items=[(product.skus.get().pk, 1)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )


def test_buyer_deletion_removes_their_events_and_rollup_rows_only(make_user, make_address, shop, product):
    alice, bob = make_user(), make_user()
    shared, elsewhere = "a" * 32, "b" * 32  # a family computer, and a visitor alice never was

    as_visitor(shared, None, lambda: track("pv", page_type="home"))  # before alice logged in
    as_visitor(
        shared, alice.pk, lambda: track("pv", page_type="product", shop_id=shop.pk, product_id=product.pk)
    )
    payment = as_visitor(
        shared,
        alice.pk,
        lambda: checkout_submit(
            user=alice,
            items=[(product.skus.get().pk, 1)],
            address_id=make_address(alice).pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        ),
    )
    sandbox_pay(buyer=alice, payment_no=payment.no)
    track("cart", user_id=alice.pk, shop_id=shop.pk, product_id=product.pk)  # through the API: u<id>
    as_visitor(shared, bob.pk, lambda: track("pv", page_type="home"))  # bob on the same browser
    as_visitor(elsewhere, None, lambda: track("pv", page_type="home"))
    spool([])
    ingest()
    order = payment.orders.get()
    assert order.visitor == shared
    assert Event.objects.filter(user_id=alice.pk, kind__in=["order", "paid", "item_paid"]).count() == 3
    day = date(2026, 11, 2)
    VisitorDay.objects.bulk_create(
        [
            VisitorDay(day=day, visitor=shared, user_id=alice.pk, pv=2),
            VisitorDay(day=day, visitor=f"u{alice.pk}", user_id=alice.pk, carts=1),
            VisitorDay(day=day, visitor=shared, user_id=bob.pk, pv=1, shop_id=shop.pk),
            VisitorDay(day=day, visitor=elsewhere, pv=1),
        ]
    )
    as_visitor(shared, alice.pk, lambda: track("pv", page_type="mine"))  # still in the spool when she asks

    deleted = buyer_events_delete(user_id=alice.pk)

    assert deleted == 4  # 3 page views (one still in the spool) and the API cart add
    # the shop's trade records stay, no longer linked to her browser
    kept = Event.objects.filter(user_id=alice.pk)
    assert sorted(kept.values_list("kind", flat=True)) == ["item_paid", "order", "paid"]
    assert {e.visitor for e in kept} == {f"u{alice.pk}"}
    others = Event.objects.exclude(user_id=alice.pk)
    assert sorted((e.visitor, e.user_id) for e in others) == [(shared, bob.pk), (elsewhere, None)]
    assert sorted((r.visitor, r.user_id) for r in VisitorDay.objects.all()) == [
        (shared, bob.pk),
        (elsewhere, None),
    ]
    order.refresh_from_db()
    assert order.status == "paid" and order.visitor == ""  # the order stays, unlinked from the browser
    assert ingest() == 0


def test_orders_know_and_forget_the_browsers_they_were_placed_from(make_user, make_address, product):
    alice, bob = make_user(), make_user()
    home, office = "c" * 32, "d" * 32
    as_visitor(home, alice.pk, lambda: place_order(alice, product, make_address(alice)))
    as_visitor(office, alice.pk, lambda: place_order(alice, product, make_address(alice)))
    place_order(alice, product, make_address(alice))  # through the API: the buyer stand-in u<id>
    as_visitor(home, bob.pk, lambda: place_order(bob, product, make_address(bob)))

    assert order_visitors_of(buyer_id=alice.pk) == {home, office, f"u{alice.pk}"}

    assert orders_forget_visitor(buyer_id=alice.pk) == 3
    assert order_visitors_of(buyer_id=alice.pk) == set()
    assert orders_forget_visitor(buyer_id=alice.pk) == 0
    assert order_visitors_of(buyer_id=bob.pk) == {home}  # another buyer's orders are untouched
