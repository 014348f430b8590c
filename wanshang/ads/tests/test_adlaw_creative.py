"""广告法 on ad creatives: a blocking term refuses the creative; a warn term comes back as a title warning."""

import pytest

from wanshang.adlaw.selectors import open_hits
from wanshang.ads.structure import creative_add, creative_delete
from wanshang.common.errors import ValidationError

pytestmark = pytest.mark.django_db

IMAGE = "/media/demo/a.jpg"


def test_creative_titles_are_scanned(shop, make_plan, make_group, make_product):
    product = make_product(shop, title="纯棉连衣裙", images=[IMAGE])
    group = make_group(shop, make_plan(shop), product=product)
    with pytest.raises(ValidationError) as exc:
        creative_add(shop=shop, group_id=group.pk, title="连衣裙 包治百病", image_url=IMAGE)
    assert exc.value.field == "title"
    creative, warnings = creative_add(shop=shop, group_id=group.pk, title="连衣裙 顶级面料", image_url=IMAGE)
    assert "adlaw" in {w.code for w in warnings}
    assert [r.source_id for r in open_hits(shop=shop, source="ad")] == [creative.pk]
    creative_delete(shop=shop, creative_id=creative.pk)
    assert open_hits(shop=shop, source="ad") == []
