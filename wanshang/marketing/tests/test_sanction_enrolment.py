"""体检中心 禁止报名活动 (docs/health.md): a sanctioned shop's 秒杀场次 enrolment is refused with the reason and
nothing is saved; its own shop promotions stay allowed; lifting the sanction lets it enrol."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.errors import PermissionDenied
from wanshang.marketing.models import Promotion
from wanshang.marketing.services import flash_slot_save
from wanshang.merchants.services import shop_sanction_clear, shop_sanction_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(operator):
    starts = timezone.now() + timedelta(days=1)
    return flash_slot_save(
        actor=operator, name="明日10点场", starts_at=starts, ends_at=starts + timedelta(hours=2)
    )


def test_a_sanctioned_shop_cannot_enrol_in_a_flash_slot(shop, make_product, promo, slot):
    sku = make_product(shop, prices=(9900,), stock=20).skus.get()
    item = {"sku_id": sku.pk, "price_fen": 4900, "stock": 3}
    shop_sanction_set(shop_id=shop.pk, kind="no_campaign", reason="体检中心扣分达到处罚线")
    with pytest.raises(PermissionDenied, match="禁止报名活动"):
        promo(shop, "flash_sale", items=[item], slot_id=slot.pk)
    assert not Promotion.objects.filter(shop=shop).exists()

    own = promo(  # its own promotions stay allowed
        shop,
        "time_discount",
        items=[{"sku_id": sku.pk, "discount_bps": 9000}],
        ends=timezone.now() + timedelta(hours=1),
    )
    assert own.pk

    shop_sanction_clear(shop_id=shop.pk, kind="no_campaign")
    enrolled = promo(shop, "flash_sale", items=[item], slot_id=slot.pk)
    assert enrolled.slot_id == slot.pk


def test_the_seller_page_shows_the_refusal(shop, make_product, slot, client):
    sku = make_product(shop, prices=(9900,), stock=20).skus.get()
    shop_sanction_set(shop_id=shop.pk, kind="no_campaign", reason="体检中心扣分达到处罚线")
    client.force_login(shop.owner)
    response = client.post(
        "/seller/marketing/new/flash_sale/",
        {
            "name": "平台场秒杀",
            "slot_id": str(slot.pk),
            "item_sku": [str(sku.pk)],
            "item_price": ["49"],
            "item_stock": ["3"],
        },
    )
    assert response.status_code in (200, 403)
    assert "禁止报名活动" in response.content.decode()
    assert not Promotion.objects.filter(shop=shop).exists()
