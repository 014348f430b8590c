"""Real concurrency on PostgreSQL: web threads append events while several ingesters run at once; every
acknowledged event lands exactly once (the cursor row is locked and moved with the insert)."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connections

from wanshang.analytics.collector import EventRecord, ingest, spool
from wanshang.analytics.models import Event, SpoolCursor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS, PER_WRITER, INGESTERS = 4, 3000, 3


def test_concurrent_writers_and_ingesters_insert_every_event_once(require_postgres):
    stop = threading.Event()
    errors: list[BaseException] = []

    def write(n):
        try:
            for i in range(0, PER_WRITER, 50):  # pages of 50, like a busy process
                spool([EventRecord(kind="pv", ts=datetime.now(UTC), visitor=f"w{n}", session=f"{i + j:032d}",
                                   page_type="home", source="direct") for j in range(50)])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def drain():
        try:
            while not stop.is_set():
                ingest()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    ingesters = [threading.Thread(target=drain) for _ in range(INGESTERS)]
    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in ingesters + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in ingesters:
        t.join()
    ingest()
    assert not errors, errors
    assert Event.objects.count() == WRITERS * PER_WRITER
    per_writer = {f"w{n}": set() for n in range(WRITERS)}
    for visitor, session in Event.objects.values_list("visitor", "session"):
        assert session not in per_writer[visitor], "an event was inserted twice"
        per_writer[visitor].add(session)
    assert all(len(s) == PER_WRITER for s in per_writer.values())
    assert SpoolCursor.objects.count() == 1
