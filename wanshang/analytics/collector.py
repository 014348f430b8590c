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
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from wanshang.analytics import stream
from wanshang.analytics.models import Event, SpoolCursor
from wanshang.common import spool as spooling
from wanshang.common.spool import GRACE_SECONDS, WINDOW_SECONDS  # noqa: F401 - re-exported for callers

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
    return spooling.folder("ANALYTICS_SPOOL_DIR")


_Writer = partial(spooling.Writer, "ANALYTICS_SPOOL_DIR")  # a fresh writer: one per process
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
    spooling.append(
        data,
        writer=_writer,
        now=time.time(),
        publish=stream.publish if stream.enabled() else None,
        log=log,
        what=f"{len(records)} event(s)",
    )


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
    """One COPY (PostgreSQL) or one executemany per batch (common/spool.insert_rows)."""
    spooling.insert_rows(Event, list(FIELDS), [tuple(r[f] for f in FIELDS) for r in rows], batch=BATCH)


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


def _insert_chunk(chunk: bytes) -> int:
    rows = _parse(chunk)
    _insert(rows)
    return len(rows)


def ingest(*, now: float | None = None, max_rows: int = 200_000) -> int:
    """Insert what the spool files hold beyond their cursors, then (with the Redis transport) what the event
    stream holds; delete files that are finished. Returns rows."""
    now = time.time() if now is None else now
    done = spooling.ingest_files(
        setting="ANALYTICS_SPOOL_DIR",
        cursors=SpoolCursor,
        handle=_insert_chunk,
        now=now,
        max_rows=max_rows,
    )
    if stream.enabled() and done < max_rows:
        done += stream.consume(_insert_entries, max_rows=max_rows - done)
    return done
