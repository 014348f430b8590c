"""Append-only event spools: the request appends a line (µs), a scheduled job inserts the lines in batches.

Shared by 数据中心 events (analytics/collector.py) and ad impressions and clicks (ads/adspool.py); each keeps its
own line format, folder, stream and cursor table (a model with `name`, `offset` and `updated_at`), this module the
mechanics:

- `Writer`: one append-only file per process and time window (`<window>-<host>-<pid>.jsonl`), one `os.write` per
  call under a lock so threads' lines stay whole. A line is in the page cache when `write` returns, so a crash of
  the web process loses nothing it acknowledged. A file left ending in a torn line (its process died mid-write,
  and pids repeat after a container restart) gets a newline first, so the next line is not glued to it.
- `ingest_files`: each file from its cursor to the last complete line, handed to `handle` and the cursor moved
  in one transaction, with the cursor row locked (ingesters on one host take turns per file): a crash re-reads
  from the cursor and inserts nothing twice. A line that is not whole waits for its newline.
- `delete_if_finished`: a file whose window is over (plus a grace period) and that is fully read is deleted.
- `RedisStream`: the same lines as entries of a Redis stream for several web hosts (docs: analytics/stream.py).
- `append`: the stream when enabled, else (or when Redis cannot be reached) the local file.
"""

import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField
from redis.backoff import NoBackoff
from redis.retry import Retry

WINDOW_SECONDS = 300
GRACE_SECONDS = 120
CHUNK_BYTES = 4 << 20  # read per transaction
SEQ_BITS = 20


def folder(setting: str) -> Path:
    """The spool folder named by `settings.WANSHANG[setting]`, made on first use."""
    path = Path(settings.WANSHANG[setting])
    path.mkdir(parents=True, exist_ok=True)
    return path


class Writer:
    """One open append-only file per process and window; a lock keeps threads' lines whole. `setting` names the
    folder's key in settings.WANSHANG (read on each write, so a changed setting opens a file in the new folder)."""

    def __init__(self, setting: str):
        self.folder_setting = setting
        self.lock = threading.Lock()
        self.fd = None
        self.window = None
        self.path = None
        self.pid = None
        self.setting = None

    def write(self, line: bytes, now: float) -> None:
        window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        with self.lock:
            pid = os.getpid()
            setting = settings.WANSHANG[self.folder_setting]
            if self.fd is None or window != self.window or pid != self.pid or setting != self.setting:
                self._close()
                directory, self.setting = folder(self.folder_setting), setting
                stamp = datetime.fromtimestamp(window, UTC).strftime("%Y%m%d%H%M")
                self.path = directory / f"{stamp}-{socket.gethostname()}-{pid}.jsonl"
                self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                self.window, self.pid = window, pid
                if ends_torn(self.path):
                    # An earlier process with our pid (pids repeat after a container restart) died mid-write:
                    # end its torn line, or our first line would be glued to it and skipped as unreadable.
                    line = b"\n" + line
            view = memoryview(line)
            try:
                while view:  # a regular file takes all of it unless the disk is full or a signal cut it short
                    written = os.write(self.fd, view)
                    if written <= 0:
                        raise OSError("the spool took no bytes")
                    view = view[written:]
            except OSError:
                self._close()  # reopened on the next write, which then ends the torn line first
                raise

    def _close(self):
        if self.fd is not None:
            try:
                os.close(self.fd)  # after a fork this closes only the child's copy
            except OSError:
                pass
        self.fd = None


def ends_torn(path: Path) -> bool:
    """Whether the file ends with an unfinished line."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell() == 0:
                return False
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) != b"\n"
    except OSError:
        return False


def append(
    data: bytes, *, writer: Writer, now: float, publish: Callable[[bytes], None] | None, log, what: str
) -> None:
    """Append `data` (whole lines) to the stream through `publish` when one is given, else to the local file.
    Never raises: a lost write is logged (a full disk must not fail a buyer's page). A stream that could not be
    reached sends the lines to the local file; one that did not answer in time may have taken them, so they are
    dropped and logged rather than spooled (spooling them could count them twice)."""
    if publish is not None:
        try:
            publish(data)
            return
        except redis.TimeoutError as exc:
            if not _before_sending(exc):
                log.error("%s stream did not answer; %s may be lost", what, what, exc_info=True)
                return
        except redis.RedisError:
            pass
        log.warning("%s stream unreachable; spooled locally", what, exc_info=True)
    try:
        writer.write(data, now)
    except OSError:
        log.exception("%s spool write failed; dropped", what)


def _before_sending(exc: Exception) -> bool:
    """Whether a redis-py timeout happened while connecting (nothing was sent), not while awaiting the answer."""
    return "connecting" in str(exc).lower()


def ingest_files(*, setting: str, cursors, handle: Callable[[bytes], int], now: float, max_rows: int) -> int:
    """Hand each file's complete lines beyond its cursor to `handle` (inside the transaction that moves the
    cursor; it returns the rows it inserted), then delete the files that are finished. Returns rows."""
    done = 0
    for path in sorted(folder(setting).glob("*.jsonl")):
        name = path.name
        while done < max_rows:
            with transaction.atomic():
                cursor, _ = cursors.objects.get_or_create(name=name)
                cursor = cursors.objects.select_for_update().get(pk=cursor.pk)
                try:
                    with open(path, "rb") as fh:
                        fh.seek(cursor.offset)
                        chunk = fh.read(CHUNK_BYTES)
                except FileNotFoundError:
                    cursor.delete()
                    break
                end = chunk.rfind(b"\n")
                if end < 0:
                    break
                done += handle(chunk[: end + 1])
                cursor.offset += end + 1
                cursor.save(update_fields=["offset", "updated_at"])
        delete_if_finished(path, now, cursors=cursors)
    return done


def window_of(name: str) -> float | None:
    try:
        return datetime.strptime(name[:12], "%Y%m%d%H%M").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def delete_if_finished(path: Path, now: float, *, cursors) -> None:
    window = window_of(path.name)
    if window is None or now < window + WINDOW_SECONDS + GRACE_SECONDS:
        return  # a writer may still append to it
    with transaction.atomic():
        cursor = cursors.objects.select_for_update().filter(name=path.name).first()
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if cursor is None:
            return
        if cursor.offset < size:
            with open(path, "rb") as fh:
                fh.seek(cursor.offset)
                if b"\n" in fh.read():
                    return  # complete lines still to read
            # only a torn last line is left (its writer died mid-write): nothing acknowledged is in it
        path.unlink(missing_ok=True)
        cursor.delete()


def insert_rows(model, fields: list[str], rows: list[tuple], *, batch: int = 5000) -> None:
    """Append rows (tuples in `fields` order) to `model`'s table: COPY on PostgreSQL (one stream instead of a
    round trip per row), else one prepared INSERT through the driver's executemany. No model instances: building
    one per row cost more than the insert itself."""
    if not rows:
        return
    meta = model._meta
    found = [meta.get_field(f) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in found)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as raw:
            with raw.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(found))})"  # noqa: S608 - names from the model
    adapt = connection.ops.adapt_datetimefield_value
    times = [i for i, f in enumerate(found) if isinstance(f, DateTimeField)]
    with connection.cursor() as cur:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            if times:
                part = [tuple(adapt(v) if i in times else v for i, v in enumerate(row)) for row in part]
            cur.executemany(sql, part)


# --- the Redis stream transport ---------------------------------------------------------------------------------


_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def redis_client(url: str, *, what: str) -> redis.Redis:
    """One client (and connection pool) per process and URL; redis-py makes a new pool in a forked child.
    Short timeouts: a Redis that does not answer must not hold a buyer's page."""
    if not url:
        raise redis.ConnectionError(f"the {what} stream needs a Redis URL (REDIS_URL)")
    found = _clients.get(url)
    if found is None:
        with _clients_lock:
            # No retries: an XADD whose answer timed out may have been written, and sending it again would
            # add its lines twice.
            found = _clients.setdefault(
                url,
                redis.Redis.from_url(
                    url, socket_timeout=1.0, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
                ),
            )
    return found


def pack(entry_id: bytes | str) -> int:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, seq = (int(part) for part in text.split("-"))
    if seq >= 1 << SEQ_BITS:
        raise ValueError(f"stream entry id {text} has a sequence number too large to pack")
    return (ms << SEQ_BITS) | seq


def unpack(value: int) -> str:
    return f"{value >> SEQ_BITS}-{value & ((1 << SEQ_BITS) - 1)}"


class RedisStream:
    """Exactly-once consumption of a Redis stream into the database (the rules: analytics/stream.py).
    `group` and `consumer` are single names: ingesters on several hosts take turns on the cursor row's lock."""

    def __init__(self, *, group: str = "ingest", consumer: str = "ingest", read_count: int = 5000):
        self.group, self.consumer, self.read_count = group, consumer, read_count

    def publish(self, conn: redis.Redis, key: str, data: bytes, *, maxlen: int) -> None:
        conn.xadd(key, {"e": data}, maxlen=maxlen, approximate=True)

    def ensure_group(self, conn: redis.Redis, key: str) -> None:
        try:
            conn.xgroup_create(key, self.group, id="0", mkstream=True)  # from the start: entries sent before
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def read(self, conn: redis.Redis, key: str) -> list:
        """This consumer's unacknowledged entries first, else new ones: [(id, fields or None), …] in id order."""
        for start in ("0", ">"):
            reply = conn.xreadgroup(self.group, self.consumer, {key: start}, count=self.read_count)
            entries = reply[0][1] if reply else []
            if entries:
                return entries
        return []

    def consume(
        self, conn: redis.Redis, key: str, *, cursors, handle: Callable[[list[bytes]], int], max_rows: int
    ) -> int:
        """Read, insert through `handle` (called inside the transaction with the entries' payloads; returns
        rows) and acknowledge, batch after batch, until the stream is drained or `max_rows` rows went in."""
        self.ensure_group(conn, key)
        name = f"redis:{key}"[:200]
        done = 0
        while done < max_rows:
            with transaction.atomic():
                cursors.objects.get_or_create(name=name)
                cursor = cursors.objects.select_for_update().get(name=name)
                entries = self.read(conn, key)
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
            conn.xack(key, self.group, *ids)
            # Everything before the last acknowledged entry is in the database: let Redis free it. (An
            # approximate trim removes whole nodes, at most 10,000 entries a call: more than one batch.)
            conn.xtrim(key, minid=ids[-1], approximate=True)
        return done
