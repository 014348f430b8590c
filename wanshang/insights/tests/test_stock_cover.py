"""活动库存不足: an upcoming campaign whose SKU will run out raises one alert per campaign and SKU."""

import datetime
import uuid

import pytest
from django.utils import timezone

from wanshang.checkout.services import checkout_submit
from wanshang.insights.selectors import alert_list
from wanshang.insights.services import stock_cover_alerts_scan
from wanshang.insights.tasks import stock_cover_alerts
from wanshang.inventory.selectors import warehouse_list
from wanshang.inventory.services import plan_settings_save, receipt_create
from wanshang.marketing.services import PromotionInput, promotion_save
from wanshang.marketing.types import Kind
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def selling(make_shop, make_product, buyer, make_address):
    """A SKU that sold 28 units in the last days (1 a day over 28) and has 2 left."""
    shop = make_shop()
    sku = make_product(shop, stock=30).skus.get()
    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 28)],
        address_id=make_address(buyer).pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
    return shop, sku


def campaign(shop, sku, *, starts_in_days=1, days=3):
    start = timezone.now() + datetime.timedelta(days=starts_in_days)
    return promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind=Kind.TIME_DISCOUNT,
            name="双十二限时折扣",
            starts_at=start,
            ends_at=start + datetime.timedelta(days=days),
            items=[{"sku_id": sku.pk, "discount_bps": 9000}],
        ),
    )


def test_short_cover_raises_one_alert_even_when_the_job_runs_twice(selling, make_shop):
    shop, sku = selling
    promo = campaign(shop, sku)
    assert stock_cover_alerts(timezone.now()) == 1
    assert stock_cover_alerts(timezone.now()) == 0
    (alert,) = alert_list(shop=shop)
    assert alert.kind == "stock_cover"
    assert alert.subject == f"promotion:{promo.pk}:sku:{sku.pk}"
    assert "双十二限时折扣" in alert.detail and "缺" in alert.detail
    assert alert.observed == 2
    assert list(alert_list(shop=make_shop())) == []


def test_in_transit_arriving_before_the_end_covers_the_campaign(selling):
    shop, sku = selling
    campaign(shop, sku)
    receipt_create(
        shop=shop,
        warehouse_id=warehouse_list(shop=shop)[0].pk,
        supplier_name="供应商",
        expected_date=timezone.localdate() + datetime.timedelta(days=2),
        lines=[(sku.pk, 20)],
        submit=True,
    )
    assert stock_cover_alerts_scan() == 0


def test_campaign_beyond_the_horizon_waits_until_it_is_near(selling):
    shop, sku = selling
    campaign(shop, sku, starts_in_days=20)
    assert stock_cover_alerts_scan() == 0  # default horizon 14 days
    plan_settings_save(
        shop=shop,
        lead_days=7,
        safety_days=3,
        safety_units=None,
        review_days=7,
        window_days=28,
        campaign_uplift_pct=300,
        campaign_horizon_days=30,
    )
    assert stock_cover_alerts_scan() == 1


def test_enough_stock_raises_nothing(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, stock=30).skus.get()  # never sold: no rate, no alert
    campaign(shop, sku)
    assert stock_cover_alerts_scan() == 0


def test_alert_shows_to_its_shop_only_on_pages_and_api(selling, make_shop, client):
    shop, sku = selling
    campaign(shop, sku)
    stock_cover_alerts_scan()
    client.force_login(shop.owner)
    assert "双十二限时折扣" in client.get("/seller/data/alerts/").content.decode()
    assert "双十二限时折扣" in client.get("/seller/").content.decode()
    api = client.get("/api/seller/data/alerts").json()
    assert any("双十二限时折扣" in a["detail"] for a in api["items"])
    other = make_shop()
    client.force_login(other.owner)
    assert "双十二限时折扣" not in client.get("/seller/data/alerts/").content.decode()
    assert "双十二限时折扣" not in client.get("/seller/").content.decode()
    assert client.get("/api/seller/data/alerts").json()["count"] == 0
