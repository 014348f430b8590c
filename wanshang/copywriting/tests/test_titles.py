"""Title checks: product titles (length, repeats, stuffing, another brand) and ad creative titles (formula)."""

import pytest

from wanshang.copywriting.text import width
from wanshang.copywriting.titles import (
    BrandName,
    ad_title_findings,
    banned_term_findings,
    product_title_findings,
)

pytestmark = pytest.mark.django_db  # the 广告法 terms are data

BRANDS = [BrandName("青禾", "Qinghe"), BrandName("耐克", "Nike"), BrandName("苹果", "Apple")]


def codes(findings):
    return {f.code for f in findings}


def test_a_good_title_has_no_findings():
    title = "青禾 纯棉碎花连衣裙 女夏季法式中长款"
    assert product_title_findings(title, own_brand=BRANDS[0], brands=BRANDS) == []


def test_every_finding_has_a_code_an_explanation_and_a_suggestion():
    findings = product_title_findings(
        "连衣裙 连衣裙 裙子 长裙 新款 爆款 热卖 耐克", own_brand=BRANDS[0], brands=BRANDS
    )
    assert codes(findings) == {"repeated_word", "keyword_stuffing", "other_brand"}
    for f in findings:
        assert f.message and f.suggestion and f.level == "warn"


def test_width_counts_a_hanzi_as_two():
    assert width("青禾ab") == 6
    assert width("ＡＢ") == 4  # full-width letters are wide too


@pytest.mark.parametrize(
    ("title", "code"),
    [("连衣裙", "too_short"), ("青禾" + "纯棉碎花法式连衣裙" * 4, "too_long"), ("   ", "empty")],
)
def test_length_rules(title, code):
    assert code in codes(product_title_findings(title, brands=BRANDS))


def test_length_limits_are_settings(settings):
    settings.WANSHANG = {**settings.WANSHANG, "COPY_TITLE_MIN_WIDTH": 4}
    assert "too_short" not in codes(product_title_findings("连衣裙", brands=BRANDS))


def test_a_word_repeated_is_named_with_its_count():
    (f,) = [
        f
        for f in product_title_findings("青禾连衣裙 夏季连衣裙 法式连衣裙", brands=BRANDS)
        if f.code == "repeated_word"
    ]
    assert "“连衣裙”3 次" in f.message


def test_space_separated_keyword_list_is_stuffing():
    assert "keyword_stuffing" in codes(
        product_title_findings("女装 夏季 碎花 法式 显瘦 气质 百搭", brands=BRANDS)
    )


def test_near_synonyms_are_stuffing():
    f = product_title_findings("青禾连衣裙长裙半身裙女夏季", brands=BRANDS)
    assert "keyword_stuffing" in codes(f)


def test_another_brand_is_flagged_but_not_the_own_brand():
    assert "other_brand" in codes(
        product_title_findings("耐克同款运动鞋 男女跑步鞋", own_brand=BRANDS[0], brands=BRANDS)
    )
    assert "other_brand" not in codes(
        product_title_findings("耐克运动鞋 男款跑步鞋 透气", own_brand=BRANDS[1], brands=BRANDS)
    )


def test_a_latin_brand_matches_whole_words_only():
    # "apple" inside "pineapple" is not the brand
    assert "other_brand" not in codes(
        product_title_findings("青禾 pineapple 菠萝干 零食", own_brand=BRANDS[0], brands=BRANDS)
    )
    assert "other_brand" in codes(
        product_title_findings("青禾 Apple 风格手机支架 桌面", own_brand=BRANDS[0], brands=BRANDS)
    )


def test_a_brand_named_for_compatibility_is_not_flagged():
    assert "other_brand" not in codes(
        product_title_findings("青禾手机壳 适用苹果15 防摔", own_brand=BRANDS[0], brands=BRANDS)
    )


def test_banned_terms_come_from_the_adlaw_list_with_their_replacements():
    findings = banned_term_findings("全网最低价 第一品牌")
    assert {f.code for f in findings} == {"banned_term"}
    assert any("最低价" in f.message for f in findings)
    assert all(f.suggestion for f in findings)
    assert {f.level for f in findings} <= {"warn", "block"}  # warn by default; block in strict categories
    assert banned_term_findings("青禾 纯棉碎花连衣裙 最近上新") == []  # 最近 is an ordinary word
    assert "banned_term" in codes(
        product_title_findings("青禾 史上最好的连衣裙", own_brand=BRANDS[0], brands=BRANDS)
    )


AD = {
    "brand_names": ["青禾", "青禾服饰旗舰店"],
    "core_words": ["连衣裙", "碎花"],
    "trust_words": ["官方", "正品"],
}


def test_an_ad_title_meeting_the_formula_passes():
    assert ad_title_findings("青禾碎花连衣裙 官方正品", **AD) == []


def test_an_ad_title_missing_parts_says_what_to_add():
    findings = {f.code: f for f in ad_title_findings("夏天好看的衣服", **AD)}
    assert set(findings) == {"no_brand", "no_core_word", "no_trust_word"}
    assert "青禾" in findings["no_brand"].suggestion
    assert "连衣裙" in findings["no_core_word"].suggestion
    assert "官方" in findings["no_trust_word"].suggestion


def test_an_ad_title_over_20_characters_is_flagged():
    assert "too_long" in codes(ad_title_findings("青禾" + "碎花连衣裙" * 4 + "官方", **AD))


def test_the_endorsement_words_default_to_the_setting(settings):
    settings.WANSHANG = {**settings.WANSHANG, "COPY_TRUST_WORDS": ["质检"]}
    kw = {k: v for k, v in AD.items() if k != "trust_words"}
    assert "no_trust_word" not in codes(ad_title_findings("青禾碎花连衣裙 质检", **kw))
    assert "no_trust_word" in codes(ad_title_findings("青禾碎花连衣裙 官方", **kw))
