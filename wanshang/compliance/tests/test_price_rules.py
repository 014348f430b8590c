"""§16 reference prices from charged prices, §17 raise-before-discount flags."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.catalog.models import PriceHistory
from wanshang.catalog.services import sku_price_update
from wanshang.checkout.services import checkout_submit
from wanshang.compliance.models import PriceAlert, SkuDailyPrice
from wanshang.compliance.selectors import open_price_alert_messages
from wanshang.compliance.services import reference_prices, strike_price_ok
from wanshang.marketing.selectors import promotion_preview
from wanshang.marketing.services import PromotionInput, promotion_save
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


def test_paid_orders_record_the_lowest_price_of_the_day(buyer, make_address, make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(8800,), stock=50).skus.get()
    address = make_address(buyer)
    for _ in range(2):
        p = checkout_submit(
            user=buyer,
            items=[(sku.pk, 1)],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )
        sandbox_pay(buyer=buyer, payment_no=p.no)
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=7900)
    p = checkout_submit(
        user=buyer,
        items=[(sku.pk, 1)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    assert SkuDailyPrice.objects.get(sku=sku).min_price_fen == 8800  # the unpaid order does not count yet
    sandbox_pay(buyer=buyer, payment_no=p.no)
    assert SkuDailyPrice.objects.get(sku=sku).min_price_fen == 7900


def test_reference_is_the_lowest_charged_price_in_the_seven_days_before(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,)).skus.get()
    today = timezone.localdate()
    for days_ago, price in ((9, 5000), (6, 9000), (2, 8500)):
        SkuDailyPrice.objects.create(
            shop=shop, sku=sku, day=today - timedelta(days=days_ago), min_price_fen=price
        )
    ref = reference_prices(sku_ids=[sku.pk], at=timezone.now())[sku.pk]
    assert ref == 8500  # the ¥50 sale nine days ago is outside the window
    assert strike_price_ok(original_fen=8500, reference_fen=ref)
    assert not strike_price_ok(original_fen=12000, reference_fen=ref)


def test_with_no_sale_in_seven_days_the_last_charged_price_counts(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,)).skus.get()
    SkuDailyPrice.objects.create(
        shop=shop, sku=sku, day=timezone.localdate() - timedelta(days=20), min_price_fen=7000
    )
    assert reference_prices(sku_ids=[sku.pk], at=timezone.now())[sku.pk] == 7000


def test_never_sold_falls_back_to_the_lowest_listed_price(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,)).skus.get()
    assert reference_prices(sku_ids=[sku.pk], at=timezone.now())[sku.pk] == 10000


def test_raising_the_price_before_a_discount_is_flagged_with_the_history(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,)).skus.get()
    PriceHistory.objects.filter(sku=sku).update(changed_at=timezone.now() - timedelta(days=10))
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=15000)
    now = timezone.now()
    promo = promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind="time_discount",
            name="双十一大促",
            starts_at=now + timedelta(minutes=5),
            ends_at=now + timedelta(days=1),
            items=[{"sku_id": sku.pk, "discount_bps": 7000}],
        ),
    )
    alert = PriceAlert.objects.get(sku=sku, promotion_id=promo.pk)
    assert "先提价后打折" in alert.message and "¥100.00" in alert.message and "¥150.00" in alert.message
    assert [row["price_fen"] for row in alert.evidence] == [10000, 15000]
    # the seller's preview of the promotion shows it, and only to that shop
    assert open_price_alert_messages(shop=shop, promotion_id=promo.pk) == {sku.pk: [alert.message]}
    assert open_price_alert_messages(shop=make_shop(), promotion_id=promo.pk) == {}
    assert [row.warnings for row in promotion_preview(shop=shop, promotion_id=promo.pk)] == [[alert.message]]


def test_a_price_cut_before_a_discount_is_not_flagged(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,)).skus.get()
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=9000)
    now = timezone.now()
    promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind="time_discount",
            name="周末特惠",
            starts_at=now + timedelta(minutes=5),
            ends_at=now + timedelta(days=1),
            items=[{"sku_id": sku.pk, "discount_bps": 9000}],
        ),
    )
    assert not PriceAlert.objects.exists()
