"""The insights models took over the analytics tables by state only (analytics 0004, insights 0001): a
database that already has rows in them keeps every row, under the same ids, and their content types (so any
permission granted on them) follow the models. Runs on SQLite and again on PostgreSQL (marker `sql`)."""

from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from wanshang.insights.models import Alert, CrowdPack, Experiment, ExperimentView

BEFORE = [("analytics", "0003_rollup_cursor")]  # the last migration before the split
MOVED = ("alert", "crowdpack", "experiment", "experimentview")

pytestmark = [pytest.mark.sql, pytest.mark.django_db(transaction=True)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps if targets else None


def test_the_split_keeps_the_rows_and_content_types_of_the_moved_tables(make_shop, make_user):
    shop, seller = make_shop(), make_user()
    type_ids = {m: ContentType.objects.get(app_label="insights", model=m).pk for m in MOVED}

    old = migrate(BEFORE)  # back to before the split: insights 0001 and analytics 0004 unapplied
    try:
        OldAlert = old.get_model("analytics", "Alert")
        OldCrowdPack = old.get_model("analytics", "CrowdPack")
        OldExperiment = old.get_model("analytics", "Experiment")
        OldExperimentView = old.get_model("analytics", "ExperimentView")
        OldContentType = old.get_model("contenttypes", "ContentType")
        assert {m: OldContentType.objects.get(app_label="analytics", model=m).pk for m in MOVED} == type_ids
        hour = datetime(2026, 11, 2, 2, tzinfo=UTC)
        alert = OldAlert.objects.create(
            shop_id=shop.pk,
            kind="payment_gap",
            hour=hour,
            observed=1,
            expected=9.5,
            detail="10:00 支付订单 1 笔",
        )
        platform_alert = OldAlert.objects.create(
            shop_id=None, kind="payment_gap", hour=hour, observed=0, expected=4.0
        )
        pack = OldCrowdPack.objects.create(
            shop_id=shop.pk,
            name="重要价值",
            rule={"rfm_segment": "重要价值"},
            buyer_ids=[seller.pk],
            size=1,
            created_by_id=seller.pk,
        )
        experiment = OldExperiment.objects.create(
            shop_id=shop.pk,
            key="title-test",
            name="标题实验",
            metric="conversion",
            status="running",
            variants=[
                {"key": "A", "name": "原版", "weight": 50},
                {"key": "B", "name": "新标题", "weight": 50},
            ],
            product_ids=[7],
            baseline_bps=1000,
            mde_bps=200,
            planned_per_arm=3000,
        )
        view = OldExperimentView.objects.create(experiment_id=experiment.pk, shop_id=shop.pk)
    finally:
        migrate(None)  # forward again, as a deployment of the split would

    assert ContentType.objects.filter(app_label="analytics", model__in=MOVED).count() == 0
    assert {m: ContentType.objects.get(app_label="insights", model=m).pk for m in MOVED} == type_ids
    assert sorted(Alert.objects.values_list("pk", "shop_id", "observed", "expected", "detail")) == sorted(
        [(alert.pk, shop.pk, 1, 9.5, "10:00 支付订单 1 笔"), (platform_alert.pk, None, 0, 4.0, "")]
    )
    moved_pack = CrowdPack.objects.for_shop(shop).get()
    assert (moved_pack.pk, moved_pack.name, moved_pack.buyer_ids, moved_pack.created_by_id) == (
        pack.pk,
        "重要价值",
        [seller.pk],
        seller.pk,
    )
    moved_experiment = Experiment.objects.for_shop(shop).get()
    assert (
        moved_experiment.pk,
        moved_experiment.key,
        moved_experiment.variants[1]["name"],
        moved_experiment.planned_per_arm,
    ) == (experiment.pk, "title-test", "新标题", 3000)
    assert list(moved_experiment.views.values_list("pk", flat=True)) == [view.pk]
    assert ExperimentView.objects.for_shop(shop).count() == 1
    # the moved models write to the same tables: new rows continue the ids
    assert (
        Alert.objects.create(shop=shop, kind="payment_gap", hour=datetime(2026, 11, 2, 3, tzinfo=UTC)).pk
        > alert.pk
    )
