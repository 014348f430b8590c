"""Audience plans' settings and crowd targets: what is accepted, what is refused, shop isolation."""

import pytest

from wanshang.ads import selectors
from wanshang.ads.models import AudienceSetup, AudienceTarget
from wanshang.ads.services import (
    audience_setup_update,
    plan_set_status,
    target_add,
    target_delete,
    target_update,
)
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.insights.models import CrowdPack

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience_plan(make_shop, make_plan):
    def make(shop=None):
        shop = shop or make_shop()
        return shop, make_plan(shop, kind="audience", name="人群推广")

    return make


def _pack(shop, name="高价值客户", buyers=(1, 2)):
    return CrowdPack.objects.create(shop=shop, name=name, buyer_ids=list(buyers), size=len(buyers))


def test_every_crowd_kind_is_targeted_once_with_its_multiplier(audience_plan):
    shop, plan = audience_plan()
    pack = _pack(shop)
    target_add(shop=shop, plan_id=plan.pk, kind="pack", pack_id=pack.pk, multiplier_pct=150)
    target_add(shop=shop, plan_id=plan.pk, kind="similar", multiplier_pct=120)
    target_add(shop=shop, plan_id=plan.pk, kind="competitor", multiplier_pct=110)
    target_add(shop=shop, plan_id=plan.pk, kind="intent", words="连衣裙，碎花 连衣裙", multiplier_pct=200)

    targets = selectors.target_list(shop=shop, plan_id=plan.pk)
    assert [(t.kind, t.multiplier_pct) for t in targets] == [
        ("pack", 150),
        ("similar", 120),
        ("competitor", 110),
        ("intent", 200),
    ]
    assert targets[0].label == "自定义人群包：高价值客户"
    assert targets[2].label == "竞品店铺访客"  # never a shop's name
    assert targets[3].words == ["连衣裙", "碎花"]
    with pytest.raises(Conflict):
        target_add(shop=shop, plan_id=plan.pk, kind="similar", multiplier_pct=100)
    with pytest.raises(Conflict):
        target_add(shop=shop, plan_id=plan.pk, kind="intent", words="碎花,连衣裙", multiplier_pct=100)


@pytest.mark.parametrize("bad", [0, 9, 301, 1000, -5, True, "150", 1.5, None])
def test_a_multiplier_out_of_range_is_refused(audience_plan, bad):
    shop, plan = audience_plan()
    with pytest.raises(ValidationError) as err:
        target_add(shop=shop, plan_id=plan.pk, kind="similar", multiplier_pct=bad)
    assert err.value.field == "multiplier_pct"
    assert not AudienceTarget.objects.exists()


def test_an_unknown_crowd_or_bad_intent_words_are_refused(audience_plan):
    shop, plan = audience_plan()
    for kwargs, field in [
        ({"kind": "lookalike"}, "kind"),
        ({"kind": "pack"}, "pack_id"),
        ({"kind": "pack", "pack_id": 999_999}, "pack_id"),
        ({"kind": "intent", "words": "  ，, "}, "words"),
        ({"kind": "intent", "words": "超" * 21}, "words"),
        ({"kind": "intent", "words": " ".join(f"词{i}" for i in range(11))}, "words"),
    ]:
        with pytest.raises(ValidationError) as err:
            target_add(shop=shop, plan_id=plan.pk, multiplier_pct=100, **kwargs)
        assert err.value.field == field, kwargs
    assert not AudienceTarget.objects.exists()


def test_a_shop_cannot_target_another_shops_crowd_pack_or_touch_its_targets(audience_plan):
    shop_a, plan_a = audience_plan()
    shop_b, plan_b = audience_plan()
    pack_b = _pack(shop_b, name="B的人群")
    with pytest.raises(ValidationError) as err:
        target_add(shop=shop_a, plan_id=plan_a.pk, kind="pack", pack_id=pack_b.pk, multiplier_pct=100)
    assert err.value.message == "人群包不存在"
    target_b = target_add(shop=shop_b, plan_id=plan_b.pk, kind="similar", multiplier_pct=130)
    with pytest.raises(NotFound):
        target_add(shop=shop_a, plan_id=plan_b.pk, kind="similar", multiplier_pct=100)
    with pytest.raises(NotFound):
        selectors.target_list(shop=shop_a, plan_id=plan_b.pk)
    with pytest.raises(NotFound):
        target_update(shop=shop_a, target_id=target_b.pk, multiplier_pct=300)
    with pytest.raises(NotFound):
        target_delete(shop=shop_a, target_id=target_b.pk)
    with pytest.raises(NotFound):
        audience_setup_update(shop=shop_a, plan_id=plan_b.pk, billing="cpm", frequency_cap=9)
    target_b.refresh_from_db()
    assert target_b.multiplier_pct == 130
    assert not AudienceSetup.objects.filter(plan=plan_b).exists()


def test_a_keyword_plan_has_no_crowds(make_shop, make_plan):
    shop = make_shop()
    plan = make_plan(shop)
    with pytest.raises(ValidationError):
        target_add(shop=shop, plan_id=plan.pk, kind="similar", multiplier_pct=100)


def test_setup_defaults_then_frequency_cap_and_billing_rules(audience_plan):
    shop, plan = audience_plan()
    setup = selectors.audience_setup(shop=shop, plan_id=plan.pk)
    assert (setup.billing, setup.frequency_cap, setup.pk) == ("cpc", 3, None)  # a read writes nothing
    for cap in (0, -1, 51, "3", None):
        with pytest.raises(ValidationError) as err:
            audience_setup_update(shop=shop, plan_id=plan.pk, billing="cpc", frequency_cap=cap)
        assert err.value.field == "frequency_cap"
    with pytest.raises(ValidationError):
        audience_setup_update(shop=shop, plan_id=plan.pk, billing="cpa", frequency_cap=3)
    assert not AudienceSetup.objects.exists()

    audience_setup_update(shop=shop, plan_id=plan.pk, billing="cpm", frequency_cap=5)
    plan_set_status(shop=shop, plan_id=plan.pk, status="active")
    audience_setup_update(shop=shop, plan_id=plan.pk, billing="cpm", frequency_cap=2)  # the cap may change
    with pytest.raises(Conflict):  # billing may not, once impressions were shown under it
        audience_setup_update(shop=shop, plan_id=plan.pk, billing="cpc", frequency_cap=2)
    setup = selectors.audience_setup(shop=shop, plan_id=plan.pk)
    assert (setup.billing, setup.frequency_cap) == ("cpm", 2)


def test_targets_of_an_ended_plan_are_frozen(audience_plan):
    shop, plan = audience_plan()
    target = target_add(shop=shop, plan_id=plan.pk, kind="similar", multiplier_pct=100)
    plan_set_status(shop=shop, plan_id=plan.pk, status="ended")
    with pytest.raises(Conflict):
        target_add(shop=shop, plan_id=plan.pk, kind="competitor", multiplier_pct=100)
    with pytest.raises(Conflict):
        target_update(shop=shop, target_id=target.pk, multiplier_pct=200)
    with pytest.raises(Conflict):
        target_delete(shop=shop, target_id=target.pk)


def test_a_multiplier_that_would_price_a_click_over_the_daily_budget_is_refused(
    make_shop, make_plan, make_group
):
    shop = make_shop()
    plan = make_plan(shop, daily=1000, kind="audience")
    make_group(shop, plan, bid=500)
    target_add(shop=shop, plan_id=plan.pk, kind="similar", multiplier_pct=200)  # ¥10 = the budget: fits
    with pytest.raises(ValidationError) as err:
        target_add(shop=shop, plan_id=plan.pk, kind="competitor", multiplier_pct=201)
    assert "高于日预算" in err.value.message
    [target] = selectors.target_list(shop=shop, plan_id=plan.pk)
    with pytest.raises(ValidationError):
        target_update(shop=shop, target_id=target.pk, multiplier_pct=300)
    target.refresh_from_db()
    assert target.multiplier_pct == 200


def test_a_crowd_label_reads_in_the_page_language():
    from django.utils import translation

    from wanshang.ads.audience import target_label
    from wanshang.ads.audience_models import AudienceTarget

    intent = AudienceTarget(kind="intent", words=["夹克", "外套"])
    pack = AudienceTarget(kind="pack", pack_id=7)
    assert target_label(intent, {}).endswith("：夹克、外套")
    with translation.override("en"):
        assert target_label(intent, {}) == "Keyword-intent crowd: 夹克, 外套"
        assert target_label(pack, {}).endswith(": (deleted)")
