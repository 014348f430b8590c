"""The 体检中心's indicators over the 广告法 scanner and the image checks: a real hit or problem opens an item,
and fixing the text or the pictures verifies it at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.adlaw.services import texts_check
from wanshang.health.items import item_mark_fixed
from wanshang.health.models import HealthItem
from wanshang.health.snapshot import indicators_compute

pytestmark = pytest.mark.django_db


def test_an_adlaw_hit_opens_an_item_and_the_rewritten_text_verifies_it(shop, other_shop):
    now = timezone.now()
    warnings = texts_check(
        shop=shop, source="shop", source_id=shop.pk, fields={"description": "本店绿茶均为特级"}
    )
    assert [h.term for h in warnings["description"]] == ["特级"]
    indicators_compute(now=now)
    item = HealthItem.objects.get(kind="adlaw_hits")
    assert item.shop_id == shop.pk  # the other shop wrote nothing wrong

    # still there: marking it fixed sends it back
    item = item_mark_fixed(
        shop=shop, actor=shop.owner, item_id=item.pk, note="已修改", now=now + timedelta(hours=1)
    )
    assert item.status == "open"

    texts_check(shop=shop, source="shop", source_id=shop.pk, fields={"description": "本店绿茶精选明前茶"})
    item = item_mark_fixed(
        shop=shop, actor=shop.owner, item_id=item.pk, note="已改为精选", now=now + timedelta(hours=2)
    )
    assert item.status == "verified"


def test_image_problems_open_an_item_for_the_shop_whose_product_has_them(
    shop, other_shop, make_product, settings
):
    settings.WANSHANG = {**settings.WANSHANG, "IMAGE_MIN_MAIN_COUNT": 1}
    make_product(shop)  # no picture at all: 主图数量不足
    indicators_compute(now=timezone.now())
    assert list(HealthItem.objects.filter(kind="image_problems").values_list("shop_id", flat=True)) == [
        shop.pk
    ]
