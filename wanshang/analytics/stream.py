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

from collections.abc import Callable

import redis
from django.conf import settings

from wanshang.analytics.models import SpoolCursor
from wanshang.common import spool
from wanshang.common.spool import SEQ_BITS, pack, unpack  # noqa: F401 - the entry id packing, re-exported

GROUP = "ingest"
CONSUMER = "ingest"
READ_COUNT = 5000  # entries per read and transaction (an entry holds the events of one spool() call)
_STREAM = spool.RedisStream(group=GROUP, consumer=CONSUMER, read_count=READ_COUNT)


def enabled() -> bool:
    return settings.WANSHANG.get("ANALYTICS_TRANSPORT", "spool") == "redis"


def stream_key() -> str:
    return settings.WANSHANG["ANALYTICS_STREAM"]


def client() -> redis.Redis:
    """One client per process and URL, short timeouts, no retries (common/spool.redis_client)."""
    url = settings.WANSHANG["ANALYTICS_REDIS_URL"]
    if not url:
        raise redis.ConnectionError("ANALYTICS_TRANSPORT=redis needs ANALYTICS_REDIS_URL or REDIS_URL")
    return spool.redis_client(url, what="event")


def publish(data: bytes) -> None:
    """Append one entry (newline-separated JSON rows). Raises redis.ConnectionError when Redis could not be
    reached (nothing was written) and redis.TimeoutError when it did not answer in time (it may have been)."""
    _STREAM.publish(client(), stream_key(), data, maxlen=settings.WANSHANG["ANALYTICS_STREAM_MAXLEN"])


def _ensure_group(conn: redis.Redis, key: str) -> None:
    _STREAM.ensure_group(conn, key)


def consume(handle: Callable[[list[bytes]], int], *, max_rows: int) -> int:
    """Read, insert through `handle` (called inside the transaction with the entries' payloads; returns rows)
    and acknowledge, batch after batch, until the stream is drained or `max_rows` rows went in."""
    return _STREAM.consume(client(), stream_key(), cursors=SpoolCursor, handle=handle, max_rows=max_rows)
