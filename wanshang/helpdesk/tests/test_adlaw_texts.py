"""广告法 on the helpdesk's buyer-facing texts: quick phrases and FAQ answers are scanned when saved."""

import pytest

from wanshang.adlaw.selectors import open_hits
from wanshang.common.errors import ValidationError
from wanshang.helpdesk.services import (
    faq_category_save,
    faq_create,
    faq_delete,
    faq_update,
    phrase_create,
    phrase_delete,
    phrase_update,
)

pytestmark = pytest.mark.django_db


def test_quick_phrase_block_is_refused_and_warn_recorded(shop):
    with pytest.raises(ValidationError) as exc:
        phrase_create(shop=shop, actor=shop.owner, personal=False, text="本品包治百病")
    assert exc.value.field == "text" and "包治百病" in exc.value.message
    phrase = phrase_create(shop=shop, actor=shop.owner, personal=False, text="亲，这是全网最低价哦")
    assert [h.term for r in open_hits(shop=shop, source="quick_phrase") for h in r.hits] == ["最低价"]
    phrase_update(shop=shop, actor=shop.owner, phrase_id=phrase.pk, text="亲，这是活动价哦")
    assert open_hits(shop=shop, source="quick_phrase") == []
    phrase = phrase_create(shop=shop, actor=shop.owner, personal=True, text="顶级服务")
    phrase_delete(shop=shop, actor=shop.owner, phrase_id=phrase.pk)
    assert open_hits(shop=shop, source="quick_phrase") == []


def test_faq_answer_is_scanned(shop):
    category = faq_category_save(shop=shop, name="售后")
    with pytest.raises(ValidationError) as exc:
        faq_create(shop=shop, category_id=category.pk, question="能退吗", answer="稳赚不赔，放心买")
    assert exc.value.field == "answer"
    faq = faq_create(shop=shop, category_id=category.pk, question="能退吗", answer="支持，顶级售后")
    assert [r.field for r in open_hits(shop=shop, source="faq", source_id=faq.pk)] == ["answer"]
    faq_update(shop=shop, faq_id=faq.pk, category_id=category.pk, question="能退吗", answer="支持七天无理由")
    assert open_hits(shop=shop, source="faq") == []
    faq_update(shop=shop, faq_id=faq.pk, category_id=category.pk, question="能退吗", answer="顶级售后")
    faq_delete(shop=shop, faq_id=faq.pk)
    assert open_hits(shop=shop, source="faq") == []
