"""The event spool: what a web process wrote lands exactly once, whatever crashed in between."""

import json
from datetime import UTC, datetime

import pytest

from wanshang.analytics import collector
from wanshang.analytics.collector import GRACE_SECONDS, WINDOW_SECONDS, EventRecord, ingest, spool, spool_dir
from wanshang.analytics.models import Event, SpoolCursor
from wanshang.common import spool as spooling

pytestmark = pytest.mark.django_db

NOW = 1_790_000_100.0  # inside one 5-minute window, so every write of a test goes to the same file
WINDOW_END = NOW // WINDOW_SECONDS * WINDOW_SECONDS + WINDOW_SECONDS


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The writer picks its file by the wall clock; pin it so a test never straddles two windows."""
    monkeypatch.setattr(collector.time, "time", lambda: NOW)


@pytest.fixture
def restart(monkeypatch):
    """A new web process: a fresh writer (with the same pid, as after a container restart). The old one's
    file descriptor is abandoned, not closed or flushed, like a process that was killed."""

    def do():
        monkeypatch.setattr(collector, "_writer", collector._Writer())

    return do


def pv(n: int, **fields) -> EventRecord:
    return EventRecord(
        kind="pv",
        ts=datetime.fromtimestamp(NOW, UTC),
        visitor=f"{n:032x}",
        page_type="home",
        source="direct",
        **fields,
    )


def files():
    return sorted(spool_dir().glob("*.jsonl"))


def test_ingest_twice_inserts_nothing_twice():
    spool([pv(1), pv(2)])
    assert ingest(now=NOW) == 2
    assert ingest(now=NOW) == 0
    spool([pv(3)])
    assert ingest(now=NOW) == 1
    assert sorted(Event.objects.values_list("visitor", flat=True)) == [f"{n:032x}" for n in (1, 2, 3)]


def test_spooled_fields_arrive_as_written():
    spool(
        [
            EventRecord(
                kind="cart",
                ts=datetime(2026, 11, 2, 3, 4, 5, 678000, tzinfo=UTC),
                visitor="v" * 32,
                session="s" * 32,
                user_id=7,
                shop_id=3,
                product_id=11,
                category_id=5,
                terminal="h5",
                quantity=2,
                query="连衣裙",
            )
        ]
    )
    ingest(now=NOW)
    event = Event.objects.get()
    assert (
        event.kind,
        event.user_id,
        event.shop_id,
        event.product_id,
        event.category_id,
        event.quantity,
        event.terminal,
        event.query,
    ) == ("cart", 7, 3, 11, 5, 2, "h5", "连衣裙")
    assert event.ts == datetime(2026, 11, 2, 3, 4, 5, 678000, tzinfo=UTC)


def test_torn_last_line_is_not_inserted_and_does_not_block_later_lines(restart):
    spool([pv(1), pv(2)])
    path = files()[0]
    whole = json.dumps(
        [NOW, "pv", "f" * 32, "", None, None, None, None, "home", "direct", "", "", "", None, 0, 0, 0]
    ).encode()
    with open(path, "ab") as fh:  # the process dies in the middle of its write
        fh.write(whole[: len(whole) // 2])
    assert ingest(now=NOW) == 2  # up to the last complete line; the torn half waits for its newline
    restart()
    spool([pv(3)])  # same pid, same window: the same file, after the torn bytes
    assert ingest(now=NOW) == 1
    assert sorted(Event.objects.values_list("visitor", flat=True)) == [f"{n:032x}" for n in (1, 2, 3)]
    assert ingest(now=NOW) == 0


def test_a_file_ending_in_a_torn_line_is_deleted_once_its_window_is_over():
    spool([pv(1)])
    path = files()[0]
    with open(path, "ab") as fh:
        fh.write(b'[1790000100.0,"pv","abc')
    ingest(now=NOW)
    assert path.exists()
    ingest(now=WINDOW_END + GRACE_SECONDS + 1)
    assert not path.exists() and not SpoolCursor.objects.exists()
    assert Event.objects.count() == 1


def test_finished_file_is_deleted_after_it_is_fully_read():
    spool([pv(1), pv(2)])
    path = files()[0]
    assert ingest(now=NOW) == 2
    assert path.exists() and SpoolCursor.objects.get(name=path.name).offset == path.stat().st_size
    ingest(now=WINDOW_END + GRACE_SECONDS - 1)  # a writer may still append during the grace period
    assert path.exists()
    ingest(now=WINDOW_END + GRACE_SECONDS + 1)
    assert not path.exists() and not SpoolCursor.objects.exists()
    assert Event.objects.count() == 2


def test_an_unread_file_is_read_before_it_is_deleted():
    spool([pv(1), pv(2), pv(3)])
    path = files()[0]
    assert ingest(now=WINDOW_END + GRACE_SECONDS + 1) == 3  # late ingester: reads it all, then deletes it
    assert not path.exists()
    assert Event.objects.count() == 3


def test_events_written_before_a_process_crash_survive(restart):
    spool([pv(1), pv(2)])
    restart()  # never flushed, never closed: the bytes are in the file as soon as write() returned
    assert ingest(now=NOW) == 2
    spool([pv(3)])
    assert ingest(now=NOW) == 1
    assert Event.objects.count() == 3


def test_an_ingester_crash_before_commit_reads_again_from_the_cursor(monkeypatch):
    spool([pv(1), pv(2)])

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(collector, "_insert", boom)
    with pytest.raises(RuntimeError):
        ingest(now=NOW)
    monkeypatch.undo()
    monkeypatch.setattr(collector.time, "time", lambda: NOW)
    assert SpoolCursor.objects.filter(offset__gt=0).count() == 0
    assert ingest(now=NOW) == 2
    assert Event.objects.count() == 2


@pytest.mark.parametrize(
    "line",
    [
        b"not json",
        b'{"a": 1}',
        b'["x", "pv"]',
        b'["soon", "pv", "", "", null, null, null, null, "", "", "", "", "", null, 0, 0, 0]',
        b'[1790000100.0, "pv", "", "", "seven", null, null, null, "", "", "", "", "", null, 0, 0, 0]',
        b'[1790000100.0, "pv", "", "", null, null, null, null, "", "", "", "", "", null, 0, 99999999999, 0]',
        b'[1e300, "pv", "", "", null, null, null, null, "", "", "", "", "", null, 0, 0, 0]',
    ],
)
def test_a_foreign_line_is_skipped_and_the_rest_is_read(line):
    spool([pv(1)])
    with open(files()[0], "ab") as fh:
        fh.write(line + b"\n")
    spool([pv(2)])
    assert ingest(now=NOW) == 2
    assert ingest(now=NOW) == 0


def test_a_failed_write_never_fails_the_page_and_later_events_still_land(monkeypatch):
    real_write = spooling.os.write
    calls = []

    def disk_full(fd, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))  # half of it made it to the disk
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spooling.os, "write", disk_full)
    spool([pv(1)])  # logged and dropped, not raised
    monkeypatch.setattr(spooling.os, "write", real_write)
    spool([pv(2)])
    assert ingest(now=NOW) == 1
    assert Event.objects.get().visitor == f"{2:032x}"
