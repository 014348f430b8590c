"""Real concurrency on PostgreSQL: web threads append events while several ingesters run at once; every
acknowledged event lands exactly once (the cursor row is locked and moved with the insert)."""

import threading
from datetime import UTC, datetime

import pytest

from wanshang.analytics.collector import EventRecord, ingest, spool
from wanshang.analytics.models import Event, SpoolCursor
from wanshang.common.tests.concurrency import errors_of, run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "threads"
    ),  # scripts/test runs the thread races one at a time: each holds many connections
]

WRITERS, PER_WRITER, INGESTERS = 4, 3000, 3


def test_concurrent_writers_and_ingesters_insert_every_event_once(require_postgres):
    writers_done = threading.Event()
    writing = threading.Barrier(WRITERS, action=writers_done.set)  # the last writer to finish sets it

    def write(n):
        try:
            for i in range(0, PER_WRITER, 50):  # pages of 50, like a busy process
                spool(
                    [
                        EventRecord(
                            kind="pv",
                            ts=datetime.now(UTC),
                            visitor=f"w{n}",
                            session=f"{i + j:032d}",
                            page_type="home",
                            source="direct",
                        )
                        for j in range(50)
                    ]
                )
        finally:
            writing.wait()

    def drain():
        while not writers_done.is_set():
            ingest()

    def role(kind, n):
        return write(n) if kind == "write" else drain()

    results = run_concurrently(
        role, [("drain", n) for n in range(INGESTERS)] + [("write", n) for n in range(WRITERS)]
    )
    ingest()
    assert errors_of(results) == []
    assert Event.objects.count() == WRITERS * PER_WRITER
    per_writer = {f"w{n}": set() for n in range(WRITERS)}
    for visitor, session in Event.objects.values_list("visitor", "session"):
        assert session not in per_writer[visitor], "an event was inserted twice"
        per_writer[visitor].add(session)
    assert all(len(s) == PER_WRITER for s in per_writer.values())
    assert SpoolCursor.objects.count() == 1
