"""The 满减 page's 叠加试算: the buyer's final price per example basket and the 折上折 warning, shop-scoped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.marketing.services import PromotionInput, promotion_save

pytestmark = pytest.mark.django_db


def _save(shop, kind, name, config=None, items=(), **extra):
    now = timezone.now()
    return promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind=kind,
            name=name,
            starts_at=now - timedelta(seconds=5),
            ends_at=now + timedelta(days=1),
            config=config or {},
            items=list(items),
            **extra,
        ),
    )


def test_the_full_reduction_page_shows_the_final_price_and_the_warning(client, make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, title="亚麻衬衫", prices=(10000,), stock=30).skus.get()
    _save(shop, "time_discount", "衬衫八折", items=[{"sku_id": sku.pk, "discount_bps": 8000}])
    _save(
        shop,
        "coupon",
        "店铺券",
        {"type": "amount", "threshold_fen": 10000, "amount_fen": 3000},
        total_quantity=9,
    )
    fr = _save(shop, "full_reduction", "满200减20", {"mode": "tiers", "tiers": [[20000, 2000]]})
    client.force_login(shop.owner)
    page = client.get(f"/seller/marketing/{fr.pk}/").content.decode()
    assert "叠加试算" in page and "亚麻衬衫" in page and "× 3" in page
    assert "190.00" in page and "¥63.33/件" in page and "折上折" in page
    rows = client.get(f"/api/seller/promotions/{fr.pk}/stacking").json()
    assert rows[0]["final_total_fen"] == 19000 and rows[0]["warnings"]
    other = make_shop()
    client.force_login(other.owner)
    assert client.get(f"/seller/marketing/{fr.pk}/").status_code == 404
    assert client.get(f"/api/seller/promotions/{fr.pk}/stacking").status_code == 404
    assert client.get("/api/seller/promotions/abc/stacking").status_code == 422
