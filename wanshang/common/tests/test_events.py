"""The domain-event bus: in-transaction handlers share the change's fate; after-commit handlers are never lost."""

import copy
import dataclasses
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from wanshang.common import events
from wanshang.common.domain_events import LineFacts, OrderFacts, OrdersPaid
from wanshang.common.errors import Conflict
from wanshang.common.models import IdempotencyKey, OutboxEntry

# The outbox takes row locks (select_for_update(skip_locked=True)) that SQLite ignores: run on PostgreSQL too.
pytestmark = pytest.mark.sql


@dataclasses.dataclass(frozen=True, kw_only=True)
class ThingHappened(events.DomainEvent):
    thing_id: int
    label: str = ""


calls: list[tuple[str, int]] = []
failures_left = {"n": 0}


def record_in_tx(event: ThingHappened) -> None:
    calls.append(("in_tx", event.thing_id))


def refuse_in_tx(event: ThingHappened) -> None:
    raise Conflict("不许这样做")


def record_after(event: ThingHappened) -> None:
    if failures_left["n"] > 0:
        failures_left["n"] -= 1
        raise RuntimeError("search index is down")
    calls.append(("after", event.thing_id))


@pytest.fixture(autouse=True)
def clean_registry():
    saved = (copy.copy(events._subscriptions), dict(events._by_name), dict(events._event_types))
    events._subscriptions = {k: list(v) for k, v in events._subscriptions.items()}
    calls.clear()
    failures_left["n"] = 0
    yield
    events._subscriptions, events._by_name, events._event_types = saved


def test_in_transaction_handler_runs_at_once_and_registering_twice_is_a_no_op(db):
    events.subscribe(ThingHappened, record_in_tx, phase=events.IN_TRANSACTION)
    events.subscribe(ThingHappened, record_in_tx, phase=events.IN_TRANSACTION)
    events.publish(ThingHappened(thing_id=7))
    assert calls == [("in_tx", 7)]
    assert not OutboxEntry.objects.exists()


def test_a_refusing_in_transaction_handler_rolls_the_change_back(db, buyer):
    events.subscribe(ThingHappened, refuse_in_tx, phase=events.IN_TRANSACTION)
    with pytest.raises(Conflict, match="不许这样做"):
        with transaction.atomic():
            IdempotencyKey.objects.create(user=buyer, scope="t", key="k1")
            events.publish(ThingHappened(thing_id=1))
    assert not IdempotencyKey.objects.filter(key="k1").exists()


def test_after_commit_handler_waits_for_the_commit_and_leaves_no_outbox_row(
    db, django_capture_on_commit_callbacks
):
    events.subscribe(ThingHappened, record_after, phase=events.AFTER_COMMIT)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(ThingHappened(thing_id=3, label="商品已保存"))
        assert calls == []  # not before the commit
        assert OutboxEntry.objects.count() == 1
    assert calls == [("after", 3)]
    assert not OutboxEntry.objects.exists()


def test_nothing_runs_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    events.subscribe(ThingHappened, record_after, phase=events.AFTER_COMMIT)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                events.publish(ThingHappened(thing_id=4))
                raise RuntimeError("the change failed")
    assert calls == []
    assert not OutboxEntry.objects.exists()


def test_a_failing_after_commit_handler_does_not_break_the_caller_and_is_retried(
    db, django_capture_on_commit_callbacks
):
    events.subscribe(ThingHappened, record_after, phase=events.AFTER_COMMIT)
    failures_left["n"] = 2
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(ThingHappened(thing_id=5))  # no exception reaches the publisher
    entry = OutboxEntry.objects.get()
    assert entry.attempts == 1 and "search index is down" in entry.last_error
    assert calls == []

    # the retry job takes it only when its delay has passed
    assert events.retry_due(now=timezone.now()) == 0
    later = entry.next_attempt_at + timedelta(seconds=10)
    assert events.retry_due(now=later) == 0  # fails a second time
    entry.refresh_from_db()
    assert entry.attempts == 2
    assert events.retry_due(now=entry.next_attempt_at + timedelta(seconds=10)) == 1
    assert calls == [("after", 5)]
    assert not OutboxEntry.objects.exists()


def test_an_entry_whose_process_died_before_running_it_is_run_by_the_job(
    db, django_capture_on_commit_callbacks
):
    events.subscribe(ThingHappened, record_after, phase=events.AFTER_COMMIT)
    with django_capture_on_commit_callbacks(execute=False):  # the process stops right after the commit
        events.publish(ThingHappened(thing_id=6, label="断电"))
    assert calls == [] and OutboxEntry.objects.count() == 1
    assert events.retry_due(now=timezone.now() + timedelta(minutes=1)) == 1
    assert calls == [("after", 6)]  # the payload came back from the outbox as the same event


def test_the_retry_job_is_registered_and_runs_from_the_scheduler(db):
    from wanshang.common.scheduler import jobs, run_job

    job = next(j for j in jobs() if j.name == "events.retry")
    assert run_job(job) == 0


def test_payloads_survive_the_outbox_round_trip():
    event = OrdersPaid(
        payment_id=1,
        orders=(
            OrderFacts(
                order_id=2,
                no="W1",
                shop_id=3,
                buyer_id=4,
                payment_id=1,
                status="paid",
                total_fen=1990,
                freight_fen=0,
                points_used=0,
                visitor="v1",
                lines=(
                    LineFacts(
                        line_id=5,
                        sku_id=6,
                        product_id=7,
                        category_id=8,
                        quantity=2,
                        unit_price_fen=995,
                        payable_fen=1990,
                    ),
                ),
            ),
        ),
        at=timezone.now(),
    )
    events._event_types["OrdersPaid"] = OrdersPaid
    assert events._load("OrdersPaid", events._payload(event)) == event


def test_bad_subscriptions_are_refused():
    with pytest.raises(ValueError, match="unknown phase"):
        events.subscribe(ThingHappened, record_after, phase="later")
    with pytest.raises(TypeError):
        events.subscribe(dict, record_after, phase=events.AFTER_COMMIT)


def test_every_subscription_is_listed_in_the_architecture_map():
    """docs/architecture.md names each handler under its event, so the map cannot drift from the code."""
    doc = (Path(__file__).resolve().parents[3] / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for sub in events.subscriptions():
        if sub.event_type is ThingHappened:
            continue
        module, func = sub.name.rsplit(".", 1)
        if not re.search(
            rf"`{sub.event_type.__name__}`.*{re.escape(module.removeprefix('wanshang.'))}\.{func}", doc
        ):
            missing.append(f"{sub.event_type.__name__} → {sub.name}")
    assert not missing, "not in docs/architecture.md: " + "; ".join(missing)
