"""The Redis stream transport (analytics/stream.py) on a real Redis and PostgreSQL: events from several producer
processes reach the database exactly once although the consumer is killed (SIGKILL) mid-batch, before and after
its commit; a lost acknowledgement or a failed insert changes nothing; a Redis that does not answer sends the
events to the local spool instead."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from wanshang.analytics import collector, stream
from wanshang.analytics.collector import EventRecord, ingest, spool
from wanshang.analytics.models import Event

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def require_redis():
    if not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: REDIS_URL must point at a reachable Redis")
        pytest.skip("needs Redis: run scripts/test with a reachable server")


@pytest.fixture
def key(settings, require_postgres, require_redis):
    """A stream of this test's own on the run's Redis; deleted afterwards."""
    name = f"wstest-{uuid.uuid4().hex[:10]}:events"
    settings.WANSHANG = {
        **settings.WANSHANG,
        "ANALYTICS_TRANSPORT": "redis",
        "ANALYTICS_REDIS_URL": settings.REDIS_URL,
        "ANALYTICS_STREAM": name,
    }
    yield name
    redis.Redis.from_url(settings.REDIS_URL).delete(name)


def records(n: int, base: int = 0) -> list[EventRecord]:
    now = datetime.now(UTC)
    return [
        EventRecord(kind="order", ts=now, visitor="v", order_id=base + i, amount_fen=100) for i in range(n)
    ]


def pending(name: str) -> int:
    return stream.client().xpending(name, stream.GROUP)["pending"]


@pytest.mark.django_db
def test_events_go_through_the_stream_and_are_inserted_once(key):
    spool(records(3))
    spool(records(2, base=3))
    assert stream.client().xlen(key) == 2  # one entry per spool() call
    assert not list(Path(settings.WANSHANG["ANALYTICS_SPOOL_DIR"]).glob("*.jsonl"))  # no local file

    assert ingest() == 5
    assert ingest() == 0
    assert sorted(Event.objects.values_list("order_id", flat=True)) == [0, 1, 2, 3, 4]
    assert pending(key) == 0


@pytest.mark.django_db
def test_ingested_entries_are_trimmed_from_the_stream(key):
    conn = stream.client()
    line = b'[1764000000.0,"pv","v","",null,null,null,null,"","","","","",null,0,0,0]\n'
    with conn.pipeline(transaction=False) as pipe:
        for _ in range(12_000):  # more than one batch, and more than one approximate trim may remove
            pipe.xadd(key, {"e": line})
        pipe.execute()
    assert ingest(max_rows=10**9) == 12_000
    assert conn.xlen(key) < 500  # what is left is a partly read node of the radix tree


@pytest.mark.django_db
def test_a_lost_acknowledgement_inserts_nothing_twice(key, monkeypatch):
    spool(records(4))
    conn = stream.client()
    monkeypatch.setattr(conn, "xack", lambda *a: (_ for _ in ()).throw(redis.ConnectionError("lost")))
    with pytest.raises(redis.ConnectionError):
        ingest()  # the rows and the cursor committed; the entry stays pending
    assert Event.objects.count() == 4 and pending(key) == 1
    monkeypatch.undo()

    spool(records(2, base=4))
    assert ingest() == 2  # the pending entry is acknowledged, not inserted again
    assert sorted(Event.objects.values_list("order_id", flat=True)) == [0, 1, 2, 3, 4, 5]
    assert pending(key) == 0


@pytest.mark.django_db
def test_a_failed_insert_leaves_the_entries_to_the_next_run(key, monkeypatch):
    spool(records(3))

    def broken(rows):
        raise RuntimeError("database went away")

    monkeypatch.setattr(collector, "_insert", broken)
    with pytest.raises(RuntimeError):
        ingest()
    monkeypatch.undo()
    assert Event.objects.count() == 0 and pending(key) == 1
    assert ingest() == 3
    assert Event.objects.count() == 3


@pytest.mark.django_db
def test_an_entry_trimmed_while_pending_is_acknowledged(key, monkeypatch):
    spool(records(1))
    conn = stream.client()
    stream._ensure_group(conn, key)
    (_, [(entry_id, _)]), *_ = conn.xreadgroup(stream.GROUP, stream.CONSUMER, {key: ">"})
    conn.xdel(key, entry_id)  # what MAXLEN does to an entry nobody read in time
    assert ingest() == 0
    assert pending(key) == 0


@pytest.mark.django_db
def test_a_redis_that_does_not_answer_sends_events_to_the_local_spool(key, settings):
    settings.WANSHANG = {
        **settings.WANSHANG,
        "ANALYTICS_REDIS_URL": "redis://127.0.0.1:1/0",
    }  # nothing listens
    spool(records(2))
    files = list(Path(settings.WANSHANG["ANALYTICS_SPOOL_DIR"]).glob("*.jsonl"))
    assert len(files) == 1 and files[0].read_text().count("\n") == 2
    settings.WANSHANG = {**settings.WANSHANG, "ANALYTICS_TRANSPORT": "spool"}
    assert ingest() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "spooled"),
    [
        (redis.TimeoutError("Timeout connecting to server"), 2),  # never sent: keep them locally
        (redis.ConnectionError("Connection refused"), 2),
        (
            redis.TimeoutError("Timeout reading from 127.0.0.1:6379"),
            0,
        ),  # maybe written: spooling could double
    ],
)
def test_only_events_surely_not_sent_go_to_the_local_spool(key, settings, monkeypatch, error, spooled):
    def fail(data):
        raise error

    monkeypatch.setattr(stream, "publish", fail)
    spool(records(2))
    files = list(Path(settings.WANSHANG["ANALYTICS_SPOOL_DIR"]).glob("*.jsonl"))
    assert sum(f.read_text().count("\n") for f in files) == spooled


def test_the_stream_client_never_sends_a_command_twice(key):
    connection = stream.client().connection_pool.make_connection()
    assert connection.retry._retries == 0


def test_entry_ids_pack_in_order():
    ids = ["1764000000000-0", "1764000000000-1", "1764000000000-999", "1764000000001-0", "99999999999999-5"]
    assert [stream.pack(i) for i in ids] == sorted(stream.pack(i) for i in ids)
    assert all(stream.unpack(stream.pack(i)) == i for i in ids)
    with pytest.raises(ValueError):
        stream.pack(f"1-{1 << 20}")


# --- several processes ------------------------------------------------------------------------------------------

PRODUCER = """
import sys, django
django.setup()
from datetime import UTC, datetime
from wanshang.analytics.collector import EventRecord, spool
base, n = int(sys.argv[1]), int(sys.argv[2])
i = 0
while i < n:
    k = min(1 + i % 3, n - i)  # one to three events per call, as a page or a job sends them
    now = datetime.now(UTC)
    spool([EventRecord(kind="order", ts=now, visitor="p", order_id=base + i + j, amount_fen=1) for j in range(k)])
    i += k
"""

# A consumer that stops (and is killed there) right after inserting a batch, before the commit, or right after
# the commit, before XACK.
CONSUMER = """
import sys, time, django
django.setup()
from wanshang.analytics import collector, stream
if sys.argv[1] == "before-commit":
    insert = collector._insert
    def slow(rows):
        insert(rows)
        print("INSERTED", flush=True)
        time.sleep(30)
    collector._insert = slow
else:
    conn = stream.client()
    ack = conn.xack
    def slow_ack(*ids):
        print("COMMITTED", flush=True)
        time.sleep(30)
        return ack(*ids)
    conn.xack = slow_ack
while True:
    collector.ingest(max_rows=10**9)
    time.sleep(0.02)
"""


def _env(key: str) -> dict:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "DB_POOL_MAX"}
    env.update(
        DJANGO_SETTINGS_MODULE="wanshang.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        ANALYTICS_TRANSPORT="redis",
        ANALYTICS_REDIS_URL=settings.REDIS_URL,
        ANALYTICS_STREAM=key,
        ANALYTICS_SPOOL_DIR=settings.WANSHANG["ANALYTICS_SPOOL_DIR"],
    )
    return env


def _kill_at(proc: subprocess.Popen, marker: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.strip() == marker:
                return
            if not line and proc.poll() is not None:
                pytest.fail(f"the consumer ended before {marker}: {proc.stderr.read()[-2000:]}")
        pytest.fail(f"no {marker} within {timeout}s")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


@pytest.mark.django_db(transaction=True)
def test_producers_and_a_consumer_killed_mid_batch_lose_and_double_nothing(key):
    producers, per = 3, 1500
    env = _env(key)
    run = [sys.executable, "-c"]
    procs = [
        subprocess.Popen([*run, PRODUCER, str(p * 100_000), str(per)], cwd=REPO, env=env)  # noqa: S603
        for p in range(producers)
    ]
    for mode, marker in (("before-commit", "INSERTED"), ("after-commit", "COMMITTED")):
        before = Event.objects.count()
        consumer = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [*run, CONSUMER, mode],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        _kill_at(consumer, marker)
        assert pending(key) > 0  # killed holding a batch it had read and not acknowledged
        if mode == "before-commit":
            assert Event.objects.count() == before  # its insert died with its transaction
        else:
            assert Event.objects.count() > before  # committed, never acknowledged
    for proc in procs:
        assert proc.wait(120) == 0

    ingest(max_rows=10**9)  # a healthy consumer: takes the killed one's pending entries first

    ids = list(Event.objects.values_list("order_id", flat=True))
    expected = {p * 100_000 + i for p in range(producers) for i in range(per)}
    assert len(ids) == len(expected) and set(ids) == expected  # no loss, no duplicate
    assert pending(key) == 0
