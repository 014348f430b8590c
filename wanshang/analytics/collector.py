"""The event spool: page-side events are appended to a per-process file and inserted in batches.

`track()` costs one `os.write` of a short JSON line (a few microseconds), so tracking never slows a page.
The line is in the operating system's page cache as soon as `write` returns, so a crash of the web process
loses nothing it acknowledged; `ingest()` (the `analytics.ingest` job, or `manage.py ingest_events`) reads
each file from its cursor to the last complete line, inserts the rows and moves the cursor in one
transaction, so a crash of the ingester re-reads from the cursor and inserts nothing twice.

Files are named by a time window (`<window>-<host>-<pid>.jsonl`): a process writes only to its current
window's file, so a file whose window is over (plus a grace period) and that is fully read can be deleted.

Several web hosts use the Redis stream transport instead (`ANALYTICS_TRANSPORT=redis`, analytics/stream.py):
the same lines go to a stream, and `ingest()` reads it after the files, exactly once as well.
"""

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection, transaction

from wanshang.analytics import stream
from wanshang.analytics.models import Event, SpoolCursor

WINDOW_SECONDS = 300
GRACE_SECONDS = 120
BATCH = 5000
log = logging.getLogger("wanshang.analytics")

FIELDS = (
    "ts",
    "kind",
    "visitor",
    "session",
    "user_id",
    "shop_id",
    "product_id",
    "category_id",
    "page_type",
    "source",
    "ref_host",
    "query",
    "terminal",
    "order_id",
    "amount_fen",
    "quantity",
    "duration_ms",
)


def spool_dir() -> Path:
    path = Path(settings.WANSHANG["ANALYTICS_SPOOL_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


class _Writer:
    """One open append-only file per process and window; a lock keeps threads' lines whole."""

    def __init__(self):
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
            setting = settings.WANSHANG["ANALYTICS_SPOOL_DIR"]
            if self.fd is None or window != self.window or pid != self.pid or setting != self.setting:
                self._close()
                directory, self.setting = spool_dir(), setting  # the folder is made when a file is opened
                stamp = datetime.fromtimestamp(window, UTC).strftime("%Y%m%d%H%M")
                self.path = directory / f"{stamp}-{socket.gethostname()}-{pid}.jsonl"
                self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                self.window, self.pid = window, pid
                if _ends_torn(self.path):
                    # An earlier process with our pid (pids repeat after a container restart) died mid-write:
                    # end its torn line, or our first line would be glued to it and skipped as unreadable.
                    line = b"\n" + line
            view = memoryview(line)
            try:
                while view:  # a regular file takes all of it unless the disk is full or a signal cut it short
                    written = os.write(self.fd, view)
                    if written <= 0:
                        raise OSError("the event spool took no bytes")
                    view = view[written:]
            except OSError:
                self._close()  # reopened on the next event, which then ends the torn line first
                raise

    def _close(self):
        if self.fd is not None:
            try:
                os.close(self.fd)  # after a fork this closes only the child's copy
            except OSError:
                pass
        self.fd = None


def _ends_torn(path: Path) -> bool:
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


_writer = _Writer()


@dataclass
class EventRecord:
    kind: str
    ts: datetime
    visitor: str = ""
    session: str = ""
    user_id: int | None = None
    shop_id: int | None = None
    product_id: int | None = None
    category_id: int | None = None
    page_type: str = ""
    source: str = ""
    ref_host: str = ""
    query: str = ""
    terminal: str = ""
    order_id: int | None = None
    amount_fen: int = 0
    quantity: int = 0
    duration_ms: int = 0


def spool(records: list[EventRecord]) -> None:
    """Append events to this process's spool file (one write for the whole list)."""
    if not records:
        return
    lines = []
    for r in records:
        row = [getattr(r, f) for f in FIELDS]
        row[0] = r.ts.timestamp()
        lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    data = ("\n".join(lines) + "\n").encode()
    if stream.enabled():
        try:
            stream.publish(data)
            return
        except redis.TimeoutError as exc:
            if not _before_sending(exc):
                log.error("event stream did not answer; %d event(s) may be lost", len(records), exc_info=True)
                return  # written or not: spooling them too could count them twice
        except redis.RedisError:
            pass
        # Redis could not be reached: keep them in this host's spool file instead
        log.warning("event stream unreachable; %d event(s) spooled locally", len(records), exc_info=True)
    try:
        _writer.write(data, time.time())
    except OSError:  # a full disk loses these events; it must not fail the buyer's page or cart
        log.exception("event spool write failed; %d event(s) dropped", len(records))


def _before_sending(exc: Exception) -> bool:
    """Whether a redis-py timeout happened while connecting (nothing was sent), not while awaiting the answer."""
    return "connecting" in str(exc).lower()


_TEXT = {
    "kind": 10,
    "visitor": 32,
    "session": 32,
    "page_type": 10,
    "source": 12,
    "ref_host": 100,
    "query": 100,
    "terminal": 3,
}
_COUNTS = ("amount_fen", "quantity", "duration_ms")
_LIMITS = {"quantity": 2**31, "duration_ms": 2**31}  # IntegerField; the other numbers are 64-bit


def _row_values(row: list) -> dict:
    """The column values of one spooled line; ValueError for a line that is not one of ours (it is skipped,
    because a row the database refuses would fail its whole batch and stop the file from ever being read)."""
    if not isinstance(row, list):
        raise ValueError("not a row")
    values = dict(zip(FIELDS, row, strict=True))
    for name, value in values.items():
        if name in _TEXT:
            if not isinstance(value, str):
                raise ValueError(name)
            values[name] = value[: _TEXT[name]]
        elif name == "ts":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(name)
        elif value is None:
            if name in _COUNTS:
                raise ValueError(name)
        elif isinstance(value, bool) or not isinstance(value, int) or abs(value) >= _LIMITS.get(name, 2**63):
            raise ValueError(name)
    try:
        values["ts"] = datetime.fromtimestamp(values["ts"], UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError("ts") from exc
    return values


def _insert(rows: list[dict]) -> None:
    """One multi-row INSERT per batch through the driver's executemany: building an Event instance per row
    (bulk_create) cost more than the insert itself."""
    meta = Event._meta
    columns = [meta.get_field("shop" if f == "shop_id" else f).column for f in FIELDS]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":  # COPY: one stream instead of a round trip per row
        connection.ensure_connection()
        with connection.connection.cursor() as raw:
            with raw.copy(
                f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
            ) as copy:
                for r in rows:
                    copy.write_row([r[f] for f in FIELDS])
        return
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - names from the model
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        for start in range(0, len(rows), BATCH):
            cur.executemany(
                sql, [(adapt(r["ts"]), *(r[f] for f in FIELDS[1:])) for r in rows[start : start + BATCH]]
            )


def _parse(chunk: bytes) -> list[dict]:
    rows = []
    for raw in chunk.splitlines():
        if not raw.strip():
            continue
        try:
            rows.append(_row_values(json.loads(raw)))
        except (ValueError, TypeError):  # a torn or foreign line is skipped, not fatal
            continue
    return rows


def _insert_entries(payloads: list[bytes]) -> int:
    rows = _parse(b"".join(payloads))  # each payload ends with a newline
    if rows:
        _insert(rows)
    return len(rows)


def ingest(*, now: float | None = None, max_rows: int = 200_000) -> int:
    """Insert what the spool files hold beyond their cursors, then (with the Redis transport) what the event
    stream holds; delete files that are finished. Returns rows."""
    now = time.time() if now is None else now
    done = 0
    for path in sorted(spool_dir().glob("*.jsonl")):
        name = path.name
        while done < max_rows:
            with transaction.atomic():
                cursor, _ = SpoolCursor.objects.get_or_create(name=name)
                cursor = SpoolCursor.objects.select_for_update().get(pk=cursor.pk)
                try:
                    with open(path, "rb") as fh:
                        fh.seek(cursor.offset)
                        chunk = fh.read(4 << 20)
                except FileNotFoundError:
                    cursor.delete()
                    break
                end = chunk.rfind(b"\n")
                if end < 0:
                    break
                rows = _parse(chunk[: end + 1])
                _insert(rows)
                cursor.offset += end + 1
                cursor.save(update_fields=["offset", "updated_at"])
                done += len(rows)
        _delete_if_finished(path, now)
    if stream.enabled() and done < max_rows:
        done += stream.consume(_insert_entries, max_rows=max_rows - done)
    return done


def _window_of(name: str) -> float | None:
    try:
        return datetime.strptime(name[:12], "%Y%m%d%H%M").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _delete_if_finished(path: Path, now: float) -> None:
    window = _window_of(path.name)
    if window is None or now < window + WINDOW_SECONDS + GRACE_SECONDS:
        return  # a writer may still append to it
    with transaction.atomic():
        cursor = SpoolCursor.objects.select_for_update().filter(name=path.name).first()
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
