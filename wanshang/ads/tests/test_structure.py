"""The 直通车 structure's rules through the services: the plan state machine, keyword normalising and limits,
negatives, creatives and the title formula's warnings."""

import pytest

from wanshang.ads import services
from wanshang.ads.wording import creative_title_warnings, normalise
from wanshang.common.errors import Conflict, InvalidTransition, NotFound, ValidationError

pytestmark = pytest.mark.django_db


def test_normalise_folds_width_case_and_spaces():
    assert normalise("  ＮＩＫＥ　Air  Max ") == "nike air max"


def test_title_formula_warns_with_the_reason_never_refuses():
    kw = {"brand_names": ["青禾"], "core_words": ["连衣裙"], "trust_words": ["官方", "正品"]}
    assert creative_title_warnings("青禾连衣裙 官方正品", **kw) == []
    codes = {w.code for w in creative_title_warnings("夏天来了", **kw)}
    assert codes == {"no_brand", "no_core_word", "no_trust_word"}
    assert "too_long" in {w.code for w in creative_title_warnings("青禾" + "连衣裙" * 7 + "官方", **kw)}


def test_plan_state_machine(shop, make_plan):
    plan = make_plan(shop)
    with pytest.raises(InvalidTransition):
        services.plan_set_status(shop=shop, plan_id=plan.pk, status="paused")
    for status in ("active", "paused", "active", "ended"):
        assert services.plan_set_status(shop=shop, plan_id=plan.pk, status=status).status == status
    with pytest.raises(InvalidTransition):
        services.plan_set_status(shop=shop, plan_id=plan.pk, status="active")
    with pytest.raises(Conflict):
        services.negative_add(shop=shop, plan_id=plan.pk, word="x", match_type="exact")


def test_keyword_limit_per_group_and_bid_within_budget(shop, make_plan, make_group):
    from wanshang.ads.rules import ad_settings_update

    ad_settings_update(max_keywords_per_group=2)
    plan = make_plan(shop, daily=500)
    group = make_group(shop, plan, bid=100)
    services.keywords_add(shop=shop, group_id=group.pk, rows=[services.KeywordInput(word="a")])
    with pytest.raises(ValidationError, match="最多 2 个"):
        services.keywords_add(
            shop=shop,
            group_id=group.pk,
            rows=[services.KeywordInput(word="b"), services.KeywordInput(word="c")],
        )
    with pytest.raises(ValidationError, match="高于计划日预算"):
        services.keywords_add(
            shop=shop, group_id=group.pk, rows=[services.KeywordInput(word="b", bid_fen=501)]
        )
    with pytest.raises(ValidationError, match="已存在"):
        services.keywords_add(shop=shop, group_id=group.pk, rows=[services.KeywordInput(word=" A ")])


def test_negatives_at_plan_and_group_level(shop, other_shop, make_plan, make_group):
    plan = make_plan(shop)
    group = make_group(shop, plan)
    services.negative_add(shop=shop, plan_id=plan.pk, word="二手", match_type="phrase")
    services.negative_add(shop=shop, plan_id=plan.pk, group_id=group.pk, word="二手", match_type="exact")
    with pytest.raises(ValidationError):
        services.negative_add(shop=shop, plan_id=plan.pk, word="二手", match_type="exact")
    with pytest.raises(ValidationError):
        services.negative_add(shop=shop, plan_id=plan.pk, word="x", match_type="broad")
    other_plan = make_plan(other_shop)
    with pytest.raises(NotFound):
        services.negative_add(shop=shop, plan_id=other_plan.pk, word="x", match_type="exact")


def test_shop_name_without_its_kind_counts_as_the_brand(shop, make_plan, make_group, make_product):
    from wanshang.ads.structure import creative_title_check

    group = make_group(shop, make_plan(shop), product=make_product(shop, title="纯棉连衣裙"))
    brand = shop.name.removesuffix("店铺")
    assert "no_brand" not in {w.code for w in creative_title_check(group=group, title=f"{brand}连衣裙 官方")}


def test_keywords_and_negatives_keep_the_search_boxs_words(shop, make_plan, make_group):
    plan = make_plan(shop)
    group = make_group(shop, plan)
    [keyword] = services.keywords_add(
        shop=shop, group_id=group.pk, rows=[services.KeywordInput(word="连衣裙 夏季 女")]
    )
    assert keyword.tokens == ["连衣裙", "夏季", "女"]
    negative = services.negative_add(shop=shop, plan_id=plan.pk, word="二手连衣裙", match_type="phrase")
    assert negative.tokens and "".join(negative.tokens) == "二手连衣裙"
    with pytest.raises(ValidationError, match="搜索忽略"):
        services.keywords_add(shop=shop, group_id=group.pk, rows=[services.KeywordInput(word="包邮")])
