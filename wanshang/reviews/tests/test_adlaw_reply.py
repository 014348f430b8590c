"""广告法 on a shop's reply to a review: a blocking term is refused (nothing saved), a warn term recorded."""

import pytest

from wanshang.adlaw.selectors import open_hits
from wanshang.common.errors import ValidationError
from wanshang.reviews.services import review_create, review_reply
from wanshang.reviews.tests.conftest import DSR

pytestmark = pytest.mark.django_db


def test_reply_is_scanned(buyer, shop, line):
    review = review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR, text="很好")
    with pytest.raises(ValidationError) as exc:
        review_reply(shop=shop, actor=shop.owner, review_id=review.pk, text="谢谢，本品包治百病")
    assert exc.value.field == "text"
    review.refresh_from_db()
    assert review.reply == ""
    review_reply(shop=shop, actor=shop.owner, review_id=review.pk, text="谢谢，我们是行业第一")
    [row] = open_hits(shop=shop, source="review_reply")
    assert row.source_id == review.pk and [h.term for h in row.hits] == ["行业第一"]
