"""A/B experiments: input checks, the state machine, assignment, results from hand-made events, peeking."""

from datetime import timedelta
from hashlib import sha256

import pytest
from django.utils import timezone

from wanshang.analytics.models import Event
from wanshang.common.errors import Conflict, InvalidTransition, NotFound, ValidationError
from wanshang.insights import stats
from wanshang.insights.experiments import (
    ExperimentInput,
    experiment_get,
    experiment_results,
    experiment_results_open,
    experiment_save,
    experiment_start,
    experiment_stop,
    experiment_variant_for,
    variant_index,
)
from wanshang.insights.models import Experiment, ExperimentView

VARIANTS = [
    {"key": "A", "name": "原版", "weight": 50},
    {
        "key": "B",
        "name": "新标题",
        "weight": 50,
        "title": "新标题 纯棉连衣裙",
        "image": "https://img.example.com/b.jpg",
    },
]


def visitor_id(n: int) -> str:
    return sha256(f"visitor-{n}".encode()).hexdigest()[:32]


def data(product_ids, **over) -> ExperimentInput:
    fields = {
        "key": "title-test",
        "name": "标题测试",
        "metric": "conversion",
        "variants": VARIANTS,
        "product_ids": list(product_ids),
        "baseline_bps": 1000,
        "mde_bps": 200,
    }
    fields.update(over)
    return ExperimentInput(**fields)


@pytest.fixture
def product(shop, make_product):
    return make_product(shop, title="纯棉连衣裙")


@pytest.fixture
def draft(shop, product):
    return experiment_save(shop=shop, data=data([product.pk]))


# --- input ---------------------------------------------------------------------------------------------------------


def test_saved_draft_has_the_planned_sample_from_the_formula(draft):
    assert draft.status == "draft" and draft.started_at is None
    assert draft.planned_per_arm == stats.sample_size_per_arm(0.10, 0.12) == 3841
    assert draft.variants[0] == {"key": "A", "name": "原版", "weight": 50, "title": "", "image": ""}
    assert draft.variants[1]["title"] == "新标题 纯棉连衣裙"


@pytest.mark.parametrize(
    "over,field",
    [
        ({"variants": [{**VARIANTS[0], "weight": 60}, VARIANTS[1]]}, "variants"),  # 110
        ({"variants": [{**VARIANTS[0], "weight": 100}]}, "variants"),  # one variant
        ({"variants": VARIANTS * 3}, "variants"),  # six
        ({"variants": [VARIANTS[0], {**VARIANTS[1], "key": "A"}]}, "variants"),  # duplicate key
        (
            {"variants": [{**VARIANTS[0], "title": "改了对照"}, VARIANTS[1]]},
            "variants",
        ),  # the control changes nothing
        ({"variants": [VARIANTS[0], {**VARIANTS[1], "image": "javascript:alert(1)"}]}, "variants"),
        ({"variants": [{**VARIANTS[0], "weight": "fifty"}, VARIANTS[1]]}, "variants"),
        ({"product_ids": []}, "product_ids"),
        ({"product_ids": [999999]}, "product_ids"),
        ({"key": "中文 key"}, "key"),
        ({"name": ""}, "name"),
        ({"metric": "clicks"}, "metric"),
        ({"baseline_bps": 0}, "baseline_bps"),
        ({"mde_bps": 0}, "mde_bps"),
        ({"baseline_bps": 9000, "mde_bps": 1000}, "mde_bps"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(shop, product, over, field):
    fields = {"product_ids": [product.pk], **over}
    product_ids = fields.pop("product_ids")
    with pytest.raises(ValidationError) as exc:
        experiment_save(shop=shop, data=data(product_ids, **fields))
    assert exc.value.field == field
    assert not Experiment.objects.exists()


def test_another_shops_product_is_refused(shop, other_shop, make_product):
    theirs = make_product(other_shop)
    with pytest.raises(ValidationError, match="不属于本店"):
        experiment_save(shop=shop, data=data([theirs.pk]))
    assert not Experiment.objects.exists()


def test_key_is_unique_in_the_shop_but_not_across_shops(shop, other_shop, draft, make_product):
    with pytest.raises(ValidationError) as exc:
        experiment_save(shop=shop, data=data(draft.product_ids, name="另一个"))
    assert exc.value.field == "key"
    assert experiment_save(shop=other_shop, data=data([make_product(other_shop).pk])).key == draft.key


def test_a_draft_can_be_edited_and_keeps_its_id(shop, draft):
    edited = experiment_save(
        shop=shop, data=data(draft.product_ids, name="改名", mde_bps=100), experiment_id=draft.pk
    )
    assert edited.pk == draft.pk and edited.name == "改名"
    assert edited.planned_per_arm == stats.sample_size_per_arm(0.10, 0.11)


# --- state machine -------------------------------------------------------------------------------------------------


def test_draft_runs_then_stops(shop, draft):
    started = experiment_start(shop=shop, experiment_id=draft.pk)
    assert started.status == "running" and started.started_at is not None
    stopped = experiment_stop(shop=shop, experiment_id=draft.pk)
    assert stopped.status == "stopped" and stopped.stopped_at >= stopped.started_at


def test_illegal_transitions_are_refused_with_a_reason(shop, draft):
    with pytest.raises(InvalidTransition, match="只有进行中的实验可以结束"):
        experiment_stop(shop=shop, experiment_id=draft.pk)
    experiment_start(shop=shop, experiment_id=draft.pk)
    with pytest.raises(InvalidTransition, match="只有草稿可以开始"):
        experiment_start(shop=shop, experiment_id=draft.pk)
    with pytest.raises(InvalidTransition, match="不能再修改"):
        experiment_save(shop=shop, data=data(draft.product_ids, name="改名"), experiment_id=draft.pk)
    experiment_stop(shop=shop, experiment_id=draft.pk)
    with pytest.raises(InvalidTransition):
        experiment_start(shop=shop, experiment_id=draft.pk)
    with pytest.raises(InvalidTransition):
        experiment_stop(shop=shop, experiment_id=draft.pk)
    assert experiment_get(shop=shop, experiment_id=draft.pk).name == "标题测试"


def test_another_shops_experiment_is_not_found(other_shop, draft, make_product):
    for call in (experiment_start, experiment_stop, experiment_get, experiment_results_open):
        with pytest.raises(NotFound):
            call(shop=other_shop, experiment_id=draft.pk)
    with pytest.raises(NotFound):
        experiment_save(shop=other_shop, data=data([make_product(other_shop).pk]), experiment_id=draft.pk)
    assert experiment_get(shop=draft.shop, experiment_id=draft.pk).status == "draft"


def test_a_product_is_in_one_running_experiment_at_a_time(shop, product, make_product, draft):
    second = experiment_save(shop=shop, data=data([make_product(shop).pk, product.pk], key="image-test"))
    experiment_start(shop=shop, experiment_id=draft.pk)
    with pytest.raises(Conflict, match=str(product.pk)):
        experiment_start(shop=shop, experiment_id=second.pk)
    assert experiment_get(shop=shop, experiment_id=second.pk).status == "draft"
    experiment_stop(shop=shop, experiment_id=draft.pk)
    assert experiment_start(shop=shop, experiment_id=second.pk).status == "running"


# --- assignment ----------------------------------------------------------------------------------------------------


def test_assignment_is_deterministic_and_follows_the_weights(shop, product):
    variants = [
        {"key": "A", "name": "对照", "weight": 50},
        {"key": "B", "name": "B", "weight": 30},
        {"key": "C", "name": "C", "weight": 20, "title": "C 标题"},
    ]
    exp = experiment_save(shop=shop, data=data([product.pk], variants=variants))
    visitors = [visitor_id(n) for n in range(10_000)]

    first = [variant_index(key=exp.key, experiment_id=exp.pk, variants=variants, visitor=v) for v in visitors]
    again = [variant_index(key=exp.key, experiment_id=exp.pk, variants=variants, visitor=v) for v in visitors]

    assert first == again
    counts = [first.count(i) for i in range(3)]
    # binomial SD at n = 10,000 is at most 50 visitors: allow four of them
    for count, weight in zip(counts, (50, 30, 20), strict=True):
        assert abs(count - weight * 100) <= 200, counts


def test_storefront_variant_is_the_hashed_one_while_running(shop, product, draft):
    visitors = [visitor_id(n) for n in range(40)]
    assert experiment_variant_for(product=product, visitor=visitors[0]) is None  # a draft changes nothing

    experiment_start(shop=shop, experiment_id=draft.pk)
    exp = experiment_get(shop=shop, experiment_id=draft.pk)
    shown = {v: experiment_variant_for(product=product, visitor=v) for v in visitors}

    for v, s in shown.items():
        expected = exp.variants[
            variant_index(key=exp.key, experiment_id=exp.pk, variants=exp.variants, visitor=v)
        ]
        assert (
            s.variant_key == expected["key"] and s.title == expected["title"] and s.image == expected["image"]
        )
    assert {s.variant_key for s in shown.values()} == {"A", "B"}
    assert experiment_variant_for(product=product, visitor="") is None

    experiment_stop(shop=shop, experiment_id=draft.pk)
    assert experiment_variant_for(product=product, visitor=visitors[0]) is None


def test_storefront_lookup_is_cached_per_shop(shop, product, draft, django_assert_num_queries):
    experiment_start(shop=shop, experiment_id=draft.pk)
    experiment_variant_for(product=product, visitor=visitor_id(1))
    with django_assert_num_queries(0):
        experiment_variant_for(product=product, visitor=visitor_id(2))


# --- results -------------------------------------------------------------------------------------------------------


def expected_counts(exp, events, *, end):
    """The definitions, counted in plain Python over the rows the test wrote (its own hash, no service code)."""
    first = {}
    for e in events:
        if (
            e.kind == "pv"
            and e.shop_id == exp.shop_id
            and e.product_id in exp.product_ids
            and exp.started_at <= e.ts <= end
            and e.visitor
        ):
            first[e.visitor] = min(first.get(e.visitor, e.ts), e.ts)
    out = {v["key"]: {"visitors": 0, "converters": 0, "revenue": 0} for v in exp.variants}
    for visitor, seen in first.items():
        bucket = int(sha256(f"{exp.key}:{exp.pk}:{visitor}".encode()).hexdigest()[:8], 16) % 100
        cumulative, key = 0, None
        for v in exp.variants:
            cumulative += v["weight"]
            if bucket < cumulative:
                key = v["key"]
                break
        pays = [
            e.amount_fen
            for e in events
            if e.kind == "paid" and e.shop_id == exp.shop_id and e.visitor == visitor and seen <= e.ts <= end
        ]
        out[key]["visitors"] += 1
        out[key]["converters"] += 1 if pays else 0
        out[key]["revenue"] += sum(pays)
    return out


@pytest.fixture
def results_world(shop, other_shop, product, make_product, draft):
    """A started experiment and a day of hand-made events around it, some of which must not count."""
    t0 = timezone.now() - timedelta(days=2)
    experiment_start(shop=shop, experiment_id=draft.pk, now=t0)
    exp = experiment_get(shop=shop, experiment_id=draft.pk)
    elsewhere = make_product(shop)
    events = []

    def add(**fields):
        events.append(Event(**fields))

    for n in range(200):
        v, ts = visitor_id(n), t0 + timedelta(minutes=n)
        add(ts=ts, kind="pv", visitor=v, shop_id=shop.pk, product_id=product.pk, page_type="product")
        if n % 3 == 0:
            add(
                ts=ts + timedelta(minutes=1), kind="pv", visitor=v, shop_id=shop.pk, product_id=product.pk
            )  # refresh
        if n % 4 == 0:  # pays after seeing it
            add(
                ts=ts + timedelta(minutes=5), kind="paid", visitor=v, shop_id=shop.pk, amount_fen=1000 + n * 7
            )
        if n % 20 == 0:  # and once more
            add(ts=ts + timedelta(hours=1), kind="paid", visitor=v, shop_id=shop.pk, amount_fen=500)
        if n % 9 == 0:  # paid before the first exposure: not a conversion of the experiment
            add(ts=ts - timedelta(minutes=1), kind="paid", visitor=v, shop_id=shop.pk, amount_fen=99_999)
        if n % 11 == 0:  # paid in another shop
            add(
                ts=ts + timedelta(minutes=3), kind="paid", visitor=v, shop_id=other_shop.pk, amount_fen=77_777
            )
    for n in range(200, 230):
        v = visitor_id(n)
        add(
            ts=t0 - timedelta(hours=1), kind="pv", visitor=v, shop_id=shop.pk, product_id=product.pk
        )  # before start
        add(
            ts=t0 + timedelta(hours=1), kind="pv", visitor=v, shop_id=shop.pk, product_id=elsewhere.pk
        )  # not in it
        add(ts=t0 + timedelta(hours=1), kind="paid", visitor=v, shop_id=shop.pk, amount_fen=3000)
    add(
        ts=t0 + timedelta(hours=2), kind="pv", visitor="", shop_id=shop.pk, product_id=product.pk
    )  # no visitor
    Event.objects.bulk_create(events)
    return exp, events, t0


def test_results_match_an_independent_count(shop, results_world):
    exp, events, t0 = results_world
    now = t0 + timedelta(days=1)

    results = experiment_results(shop=shop, experiment=exp, now=now)

    expected = expected_counts(exp, events, end=now)
    got = {
        a.key: {"visitors": a.visitors, "converters": a.converters, "revenue": a.revenue_fen}
        for a in results.arms
    }
    assert got == expected
    assert results.visitors == 200
    assert sum(a.converters for a in results.arms) == 50
    a, b = results.arms
    assert a.rate == a.converters / a.visitors
    cmp = stats.compare_proportions(control=(a.converters, a.visitors), variant=(b.converters, b.visitors))
    assert b.vs_control == cmp and a.vs_control is None
    assert results.below_plan and a.below_plan  # 200 visitors against a plan of 3841 per arm


def test_revenue_results_use_welch_on_revenue_per_visitor(shop, results_world):
    exp, events, t0 = results_world
    Experiment.objects.filter(pk=exp.pk).update(metric="revenue")
    exp.refresh_from_db()
    now = t0 + timedelta(days=1)

    results = experiment_results(shop=shop, experiment=exp, now=now)

    per_visitor = {}  # visitor → fen, zeros included, for the variance by hand
    expected = expected_counts(exp, events, end=now)
    for arm in results.arms:
        assert arm.revenue_fen == expected[arm.key]["revenue"]
        assert arm.value_fen == arm.revenue_fen / arm.visitors
    a, b = results.arms
    for arm in (a, b):
        values = []
        for n in range(200):
            v = visitor_id(n)
            if (
                exp.variants[
                    variant_index(key=exp.key, experiment_id=exp.pk, variants=exp.variants, visitor=v)
                ]["key"]
                != arm.key
            ):
                continue
            seen = t0 + timedelta(minutes=n)
            values.append(
                sum(
                    e.amount_fen
                    for e in events
                    if e.kind == "paid" and e.visitor == v and e.shop_id == shop.pk and seen <= e.ts <= now
                )
            )
        per_visitor[arm.key] = values
    cmp = stats.compare_means(
        control=stats.Sample.of(per_visitor["A"]), variant=stats.Sample.of(per_visitor["B"])
    )
    assert b.vs_control.diff == pytest.approx(cmp.diff)
    assert b.vs_control.p_value == pytest.approx(cmp.p_value)


def test_a_stopped_experiment_counts_nothing_after_its_stop(shop, product, results_world):
    exp, events, t0 = results_world
    stop_at = t0 + timedelta(minutes=100)
    experiment_stop(shop=shop, experiment_id=exp.pk, now=stop_at)
    exp.refresh_from_db()

    results = experiment_results(shop=shop, experiment=exp, now=t0 + timedelta(days=1))

    got = {
        a.key: {"visitors": a.visitors, "converters": a.converters, "revenue": a.revenue_fen}
        for a in results.arms
    }
    assert got == expected_counts(exp, events, end=stop_at)
    assert results.visitors == 101  # minutes 0..100


def test_a_draft_has_empty_results(shop, draft):
    results = experiment_results(shop=shop, experiment=draft)
    assert results.visitors == 0 and results.start is None and results.warnings() == []


# --- peeking -------------------------------------------------------------------------------------------------------


def test_opening_results_below_the_plan_is_recorded_as_a_peek(shop, results_world):
    exp, _events, _t0 = results_world
    for n in range(1, 4):
        results = experiment_results_open(shop=shop, experiment_id=exp.pk)
        assert results.views == n
    assert ExperimentView.objects.filter(experiment=exp).count() == 3
    warnings = results.warnings()
    assert any("样本量不足，结论不可靠" in w for w in warnings)
    assert any("3 次" in w and "19%" in w for w in warnings)


def test_no_peek_once_the_plan_is_reached_or_the_experiment_stopped(shop, results_world):
    exp, _events, _t0 = results_world
    Experiment.objects.filter(pk=exp.pk).update(planned_per_arm=10)

    results = experiment_results_open(shop=shop, experiment_id=exp.pk)

    assert not results.below_plan and results.views == 0
    assert not any("样本量不足" in w for w in results.warnings())
    Experiment.objects.filter(pk=exp.pk).update(planned_per_arm=100_000)
    experiment_stop(shop=shop, experiment_id=exp.pk)
    assert experiment_results_open(shop=shop, experiment_id=exp.pk).views == 0
    assert not ExperimentView.objects.exists()
