"""广告法 on coupon and promotion names: a blocking term refuses the save on the name, warnings recorded."""

import pytest

from wanshang.adlaw.selectors import open_hits
from wanshang.common.errors import ValidationError
from wanshang.marketing.models import Promotion

pytestmark = pytest.mark.django_db
CONFIG = {"type": "amount", "threshold_fen": 20000, "amount_fen": 2000}


def test_coupon_and_promotion_names_are_scanned(shop, promo):
    with pytest.raises(ValidationError) as exc:
        promo(shop, "coupon", name="全民免单券", config=CONFIG, total_quantity=5)
    assert exc.value.field == "name"
    assert not Promotion.objects.filter(shop=shop).exists()
    coupon = promo(shop, "coupon", name="全网最低价券", config=CONFIG, total_quantity=5)
    assert [h.term for h in coupon.adlaw_warnings["name"]] == ["最低价"]
    [row] = open_hits(shop=shop, source="coupon")
    assert row.source_id == coupon.pk
