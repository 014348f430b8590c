"""The Redis stream transport of 数据中心 events: any number of web hosts, no spool folder on each.

With `ANALYTICS_TRANSPORT=redis`, `collector.spool()` sends the lines it would have appended to its file as one
stream entry (XADD, trimmed near ANALYTICS_STREAM_MAXLEN entries so a stopped ingester cannot fill Redis' memory:
past that cap the oldest unread entries are lost). If Redis cannot be reached the events go to the local spool
file instead, which the ingest job on that host (or `manage.py ingest_events`) still reads. If it was reached but
did not answer within a second, the entry may or may not have been written: the events are dropped and logged
rather than spooled, since spooling them could count them twice.

The ingest job reads with a consumer group, inserts, then acknowledges (XACK). Exactly once:

- a single consumer name, and every read happens while the stream's cursor row (SpoolCursor, name
  `redis:<stream>`) is locked, so ingesters on several hosts take turns;
- each read first takes the entries delivered before and not acknowledged (a crashed ingester's), then new
  ones, so the entries are handled in id order;
- the rows and the cursor (the last inserted entry id) commit in one transaction, and an entry whose id is not
  beyond the cursor is acknowledged without being inserted: a crash after the commit and before XACK leaves
  entries that are delivered again and inserted nothing twice; a crash before the commit inserted nothing.

Entry ids ("<ms>-<seq>") are packed into the cursor's integer as ms·2²⁰ + seq; ids made by Redis count seq
within one millisecond, far below 2²⁰.
"""

import logging
import threading
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import transaction
from redis.backoff import NoBackoff
from redis.retry import Retry

from wanshang.analytics.models import SpoolCursor

GROUP = "ingest"
CONSUMER = "ingest"
READ_COUNT = 5000  # entries per read and transaction (an entry holds the events of one spool() call)
SEQ_BITS = 20
log = logging.getLogger("wanshang.analytics")

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def enabled() -> bool:
    return settings.WANSHANG.get("ANALYTICS_TRANSPORT", "spool") == "redis"


def stream_key() -> str:
    return settings.WANSHANG["ANALYTICS_STREAM"]


def client() -> redis.Redis:
    """One client (and connection pool) per process and URL; redis-py makes a new pool in a forked child.
    Short timeouts: a Redis that does not answer must not hold a buyer's page."""
    url = settings.WANSHANG["ANALYTICS_REDIS_URL"]
    if not url:
        raise redis.ConnectionError("ANALYTICS_TRANSPORT=redis needs ANALYTICS_REDIS_URL or REDIS_URL")
    found = _clients.get(url)
    if found is None:
        with _clients_lock:
            # No retries: an XADD whose answer timed out may have been written, and sending it again would
            # add its events twice.
            found = _clients.setdefault(
                url,
                redis.Redis.from_url(
                    url, socket_timeout=1.0, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
                ),
            )
    return found


def publish(data: bytes) -> None:
    """Append one entry (newline-separated JSON rows). Raises redis.ConnectionError when Redis could not be
    reached (nothing was written) and redis.TimeoutError when it did not answer in time (it may have been)."""
    client().xadd(
        stream_key(), {"e": data}, maxlen=settings.WANSHANG["ANALYTICS_STREAM_MAXLEN"], approximate=True
    )


def pack(entry_id: bytes | str) -> int:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, seq = (int(part) for part in text.split("-"))
    if seq >= 1 << SEQ_BITS:
        raise ValueError(f"stream entry id {text} has a sequence number too large to pack")
    return (ms << SEQ_BITS) | seq


def unpack(value: int) -> str:
    return f"{value >> SEQ_BITS}-{value & ((1 << SEQ_BITS) - 1)}"


def _ensure_group(conn: redis.Redis, key: str) -> None:
    try:
        conn.xgroup_create(key, GROUP, id="0", mkstream=True)  # from the start: entries sent before it exists
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _read(conn: redis.Redis, key: str) -> list:
    """This consumer's unacknowledged entries first, else new ones: [(id, fields or None), …] in id order."""
    for start in ("0", ">"):
        reply = conn.xreadgroup(GROUP, CONSUMER, {key: start}, count=READ_COUNT)
        entries = reply[0][1] if reply else []
        if entries:
            return entries
    return []


def consume(handle: Callable[[list[bytes]], int], *, max_rows: int) -> int:
    """Read, insert through `handle` (called inside the transaction with the entries' payloads; returns rows)
    and acknowledge, batch after batch, until the stream is drained or `max_rows` rows went in."""
    conn, key = client(), stream_key()
    _ensure_group(conn, key)
    name = f"redis:{key}"[:200]
    done = 0
    while done < max_rows:
        with transaction.atomic():
            SpoolCursor.objects.get_or_create(name=name)
            cursor = SpoolCursor.objects.select_for_update().get(name=name)
            entries = _read(conn, key)
            if not entries:
                break
            fresh = [(eid, fields) for eid, fields in entries if pack(eid) > cursor.offset]
            # An entry trimmed away while pending comes back without fields: nothing left to insert.
            payloads = [fields[b"e"] for _, fields in fresh if fields and b"e" in fields]
            if fresh:
                done += handle(payloads)
                cursor.offset = pack(fresh[-1][0])
                cursor.save(update_fields=["offset", "updated_at"])
        ids = [eid for eid, _ in entries]
        conn.xack(key, GROUP, *ids)
        # Everything before the last acknowledged entry is in the database: let Redis free it. (An approximate
        # trim removes whole nodes, at most 10,000 entries a call: more than one batch.)
        conn.xtrim(key, minid=ids[-1], approximate=True)
    return done
