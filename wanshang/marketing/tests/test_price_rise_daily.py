"""§17 checked every day (`marketing.price_rise_daily`): a price raised after the promotion was saved."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.catalog.models import PriceHistory
from wanshang.catalog.services import sku_price_update
from wanshang.common.scheduler import job, run_job
from wanshang.compliance.models import PriceAlert
from wanshang.compliance.services import price_alert_resolve
from wanshang.marketing.services import PromotionInput, promotion_save

pytestmark = pytest.mark.django_db


def _discount(shop, sku, *, starts_in, days=3, name="周年庆限时折扣"):
    now = timezone.now()
    return promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind="time_discount",
            name=name,
            starts_at=now + starts_in,
            ends_at=now + starts_in + timedelta(days=days),
            items=[{"sku_id": sku.pk, "discount_bps": 8000}],
        ),
    )


def _aged(sku, days=40):
    PriceHistory.objects.filter(sku=sku).update(changed_at=timezone.now() - timedelta(days=days))


def test_a_rise_after_saving_a_scheduled_promotion_is_caught_once(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,)).skus.get()
    _aged(sku)
    promo = _discount(shop, sku, starts_in=timedelta(days=2))
    assert not PriceAlert.objects.exists()  # clean when saved
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=13000)  # raised afterwards
    daily = job("marketing.price_rise_daily")
    assert run_job(daily) == 1
    alert = PriceAlert.objects.get()
    assert (alert.sku_id, alert.promotion_id, alert.rule) == (sku.pk, promo.pk, "s17")
    assert "¥100.00" in alert.message and "¥130.00" in alert.message
    assert run_job(daily) == 1  # twice: still one alert
    assert PriceAlert.objects.count() == 1


def test_a_rise_while_the_promotion_runs_is_caught(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,)).skus.get()
    _aged(sku)
    promo = _discount(shop, sku, starts_in=timedelta(minutes=1))
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=12500)
    raised = PriceHistory.objects.filter(sku=sku).latest("changed_at")
    raised.changed_at = promo.starts_at + timedelta(hours=1)  # the clock moved: raised an hour into the sale
    raised.save(update_fields=["changed_at"])
    later = promo.starts_at + timedelta(hours=5)  # the job ran late (downtime): it catches up
    run_job(job("marketing.price_rise_daily"), later)
    alert = PriceAlert.objects.get(promotion_id=promo.pk)
    assert "进行中" in alert.message


def test_a_handled_alert_stays_handled_until_a_new_rise(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,)).skus.get()
    _aged(sku)
    _discount(shop, sku, starts_in=timedelta(days=1))
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=13000)
    daily = job("marketing.price_rise_daily")
    run_job(daily)
    price_alert_resolve(alert_id=PriceAlert.objects.get().pk, shop=shop)
    run_job(daily)
    assert PriceAlert.objects.get().resolved
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=15000)
    run_job(daily)
    alert = PriceAlert.objects.get()
    assert not alert.resolved and "¥150.00" in alert.message


def test_ended_paused_and_small_rises_are_left_alone(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,)).skus.get()
    _aged(sku)
    _discount(shop, sku, starts_in=timedelta(days=1))
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=10500)  # +5%: under the 10% flag
    run_job(job("marketing.price_rise_daily"))
    assert not PriceAlert.objects.exists()
    # after the promotion ended nothing is checked any more
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=20000)
    run_job(job("marketing.price_rise_daily"), timezone.now() + timedelta(days=10))
    assert not PriceAlert.objects.exists()
