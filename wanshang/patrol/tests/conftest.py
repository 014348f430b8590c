"""A demo-like shop for the patrol: products with stored pictures, stock, a running 限时折扣, all consistent."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from wanshang.common.scheduler import job, run_job
from wanshang.marketing.services import PromotionInput, promotion_save


@pytest.fixture
def picture():
    def make(name="patrol/main.jpg") -> str:
        stored = default_storage.save(name, ContentFile(b"\xff\xd8\xff\xe0 not really a jpeg"))
        return settings.MEDIA_URL + stored

    return make


@pytest.fixture
def patrol_shop(make_shop, make_product, picture, django_capture_on_commit_callbacks):
    """(shop, {name: product}): a shop that reads the same everywhere."""

    def make():
        shop = make_shop()
        products = {
            name: make_product(shop, title=title, prices=prices, stock=20, images=[picture()])
            for name, title, prices in (
                ("dress", "真丝连衣裙", (29900,)),
                ("shirt", "纯棉衬衫", (12900, 13900)),
                ("bag", "帆布托特包", (8900,)),
            )
        }
        now = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            promotion_save(
                shop=shop,
                actor=shop.owner,
                data=PromotionInput(
                    kind="time_discount",
                    name="连衣裙限时折扣",
                    starts_at=now - timedelta(minutes=1),
                    ends_at=now + timedelta(days=3),
                    items=[{"sku_id": products["dress"].skus.get().pk, "discount_bps": 8000}],
                ),
            )
        run_job(job("search.signals"))  # the index's 促销中 flag follows promotion starts within minutes
        return shop, products

    return make
