"""FAQ: jieba matching finds the answer for paraphrases, None below the threshold, hits, isolation."""

import pytest

from wanshang.common.errors import ValidationError
from wanshang.helpdesk import selectors, services


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("请问多久能发货呀", "ship"),
        ("我昨天下的单什么时候发货", "ship"),
        ("能发顺丰吗", "express"),
        ("衣服不喜欢可以退货吗", "return"),
        ("怎么申请退换货", "return"),
        ("可以开发票吗？", "invoice"),
    ],
)
def test_paraphrases_find_the_right_answer(manual, shop, text, key):
    hit = selectors.faq_best_answer(shop, text)
    assert hit is not None, selectors.faq_suggest(shop, text)
    assert hit.faq_id == manual[key].pk
    assert 0 < hit.score <= 1


@pytest.mark.parametrize("text", ["今天天气不错", "你好", "", "？？？", "12345", "退款多久到账"])
def test_unrelated_text_gets_no_answer(manual, shop, text):
    assert selectors.faq_best_answer(shop, text) is None


def test_threshold_setting_decides_confidence(manual, shop):
    text = "顺丰"
    hit = selectors.faq_suggest(shop, text, limit=1)[0]
    assert hit.faq_id == manual["express"].pk and hit.score < 1
    services.service_settings_save(
        shop=shop,
        welcome_text="w",
        offhours_text="o",
        noreply_minutes=0,
        noreply_text="",
        faq_autoreply=True,
        agent_cap=5,
        faq_threshold=100,
    )
    assert selectors.faq_best_answer(shop, text) is None
    assert selectors.faq_best_answer(shop, "发什么快递").faq_id == manual["express"].pk  # exact = 1.0


def test_disabled_faq_is_never_suggested(manual, shop):
    services.faq_set_enabled(shop=shop, faq_id=manual["invoice"].pk, enabled=False)
    assert all(h.faq_id != manual["invoice"].pk for h in selectors.faq_suggest(shop, "能开发票吗"))


def test_suggest_orders_best_first_and_limits(manual, shop):
    hits = selectors.faq_suggest(shop, "发货 快递 退货", limit=2)
    assert len(hits) <= 2
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_answer_buyer_counts_hits(manual, shop):
    services.faq_answer_buyer(shop=shop, text="多久发货")
    services.faq_answer_buyer(shop=shop, text="多久发货")
    services.faq_answer_buyer(shop=shop, text="天气")
    assert selectors.faq_get(shop=shop, faq_id=manual["ship"].pk).hits == 2


def test_faq_isolated_between_shops(manual, shop, other_shop):
    assert selectors.faq_best_answer(other_shop, "多久发货") is None
    assert selectors.public_faq(other_shop) == []
    with pytest.raises(ValidationError):  # another shop's category cannot be used
        services.faq_create(shop=other_shop, category_id=manual["ship"].category_id, question="q", answer="a")


@pytest.mark.parametrize(
    "fields",
    [
        {"question": "", "answer": "a"},
        {"question": "q" * 101, "answer": "a"},
        {"question": "多久发货", "answer": ""},
        {"question": "的了吗", "answer": "a"},  # nothing left to match on
        {"question": "多久发货", "answer": "a", "category_id": None},
    ],
)
def test_bad_faq_refused(manual, shop, fields):
    before = selectors.faq_list(shop=shop).count()
    fields.setdefault("category_id", manual["ship"].category_id)
    with pytest.raises(ValidationError):
        services.faq_create(shop=shop, **fields)
    assert selectors.faq_list(shop=shop).count() == before


def test_public_faq_grouped_and_searchable(manual, shop):
    groups = selectors.public_faq(shop)
    assert [g["category"] for g in groups] == ["发货物流", "退换货"]
    found = selectors.public_faq(shop, q="发票")
    assert found[0]["items"][0].faq_id == manual["invoice"].pk
