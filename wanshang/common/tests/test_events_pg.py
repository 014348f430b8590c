"""Real concurrency on PostgreSQL: several workers run the outbox at once (the `events.retry` job on two hosts,
or a request's own on-commit run beside the job); every entry's handler runs exactly once."""

import copy
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common import events
from wanshang.common.models import OutboxEntry
from wanshang.common.tests.concurrency import errors_of, run_concurrently
from wanshang.common.tests.test_events import ThingHappened

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),  # the thread races run one at a time: each holds several connections
]

ENTRIES, WORKERS = 200, 4
ran: list[int] = []
lock = threading.Lock()


def count_run(event: ThingHappened) -> None:
    with lock:
        ran.append(event.thing_id)


@pytest.fixture
def registry():
    saved = (copy.copy(events._subscriptions), dict(events._by_name), dict(events._event_types))
    events._subscriptions = {k: list(v) for k, v in events._subscriptions.items()}
    ran.clear()
    yield
    events._subscriptions, events._by_name, events._event_types = saved


def test_concurrent_outbox_runs_call_each_handler_once(require_postgres, registry):
    # given the outbox entries of 200 events whose process stopped right after their commit
    events.subscribe(ThingHappened, count_run, phase=events.AFTER_COMMIT)
    now = timezone.now()
    OutboxEntry.objects.bulk_create(
        OutboxEntry(
            event="ThingHappened",
            handler=events.handler_name(count_run),
            payload=events._payload(ThingHappened(thing_id=i, at=now)),
            next_attempt_at=now,
        )
        for i in range(ENTRIES)
    )

    # when four workers run the due entries at the same moment
    results = run_concurrently(lambda _: events.retry_due(now=now + timedelta(minutes=1)), range(WORKERS))

    # then every handler ran once, whoever took it, and no entry is left
    assert errors_of(results) == []
    assert sorted(ran) == list(range(ENTRIES))
    assert sum(results) == ENTRIES
    assert not OutboxEntry.objects.exists()
