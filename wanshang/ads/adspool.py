"""Ad impressions and clicks through a spool (common/spool.py): the page appends a line, `ads.ingest` inserts.

A search page's or placement's shown ads (`traffic.impressions_record`) and a click through the redirect
(`traffic.click_record`, after its token was verified) are appended as JSON lines to this process's ads spool file
(`ADS_SPOOL_DIR`), or with `ADS_TRANSPORT=redis` to the `ADS_STREAM` stream: microseconds on the request. The
`ads.ingest` job (every 10 s; `manage.py ingest_ad_events` beside web processes whose worker runs elsewhere) reads
each file's complete lines beyond its cursor and, in one transaction with the cursor's move, inserts the
impressions (COPY on PostgreSQL) and settles the clicks (`click_batch.clicks_settle`: replays dropped, the dedupe
window, the rows, the charges). A crash anywhere re-reads from the cursor: nothing is inserted or charged twice.

A line is `["i", ts, page_view, shop, plan, group, keyword, product, position, price, query, visitor, terminal,
placement, creative, crowd]` or `["c", ts, token_hash, issued, page_view, shop, plan, group, keyword, product,
position, query, visitor, user_id, terminal, price, status, reason, placement, creative, crowd, billing]`.
A line that is not one of ours (torn, foreign) is skipped: a row the database refused would fail its batch
and stop the file from ever being read.
"""

import json
import logging
import time
from datetime import UTC, datetime

import redis
from django.conf import settings

from wanshang.ads.click_batch import CLICK_FIELDS, clicks_settle
from wanshang.ads.traffic_models import AdImpression, AdSpoolCursor
from wanshang.common import spool as spooling

log = logging.getLogger("wanshang.ads")
SETTING = "ADS_SPOOL_DIR"
_writer = spooling.Writer(SETTING)
_STREAM = spooling.RedisStream(read_count=2000)

IMPRESSION_FIELDS = (
    "ts",
    "page_view",
    "shop_id",
    "plan_id",
    "group_id",
    "keyword_id",
    "product_id",
    "position",
    "price_fen",
    "query",
    "visitor",
    "terminal",
    "placement",
    "creative_id",
    "crowd_id",
)
_TIMES = {"ts", "issued_at"}
_OPTIONAL = {"creative_id", "crowd_id", "user_id"}
_TEXT = {
    "page_view": 32,
    "query": 100,
    "visitor": 32,
    "terminal": 3,
    "placement": 10,
    "token_hash": 64,
    "status": 10,
    "reason": 40,
    "billing": 4,
}


def stream_enabled() -> bool:
    return settings.WANSHANG.get("ADS_TRANSPORT", "spool") == "redis"


def _client() -> redis.Redis:
    return spooling.redis_client(settings.WANSHANG["ANALYTICS_REDIS_URL"], what="ad event")


def _publish(data: bytes) -> None:
    _STREAM.publish(
        _client(), settings.WANSHANG["ADS_STREAM"], data, maxlen=settings.WANSHANG["ANALYTICS_STREAM_MAXLEN"]
    )


def _ts(value) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def append(kind: str, rows: list[tuple]) -> None:
    """Append rows (tuples in IMPRESSION_FIELDS or CLICK_FIELDS order; times as datetimes) in one write."""
    if not rows:
        return
    fields = IMPRESSION_FIELDS if kind == "i" else CLICK_FIELDS
    lines = []
    for row in rows:
        values = [_ts(v) if f in _TIMES else v for f, v in zip(fields, row, strict=True)]
        lines.append(json.dumps([kind, *values], ensure_ascii=False, separators=(",", ":")))
    spooling.append(
        ("\n".join(lines) + "\n").encode(),
        writer=_writer,
        now=time.time(),
        publish=_publish if stream_enabled() else None,
        log=log,
        what=f"{len(rows)} ad event(s)",
    )


def _values(fields: tuple, raw: list) -> dict:
    """The checked values of one line (ValueError / TypeError for a line that is not ours)."""
    values = dict(zip(fields, raw, strict=True))
    for name, value in values.items():
        if name in _TIMES:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(name)
            try:
                values[name] = datetime.fromtimestamp(value, UTC)
            except (OverflowError, OSError) as exc:
                raise ValueError(name) from exc
        elif name in _TEXT:
            if not isinstance(value, str):
                raise ValueError(name)
            values[name] = value[: _TEXT[name]]
        elif value is None and name in _OPTIONAL:
            continue
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
            raise ValueError(name)
    return values


def parse(chunk: bytes) -> tuple[list[tuple], list[dict]]:
    """(impression rows in IMPRESSION_FIELDS order, click dicts) of complete lines, in file order."""
    impressions, clicks = [], []
    for raw in chunk.splitlines():
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            if not isinstance(line, list) or not line:
                continue
            if line[0] == "i":
                values = _values(IMPRESSION_FIELDS, line[1:])
                if values["position"] > 32767:
                    continue
                impressions.append(tuple(values[f] for f in IMPRESSION_FIELDS))
            elif line[0] == "c":
                clicks.append(_values(CLICK_FIELDS, line[1:]))
        except (ValueError, TypeError):  # a torn or foreign line is skipped, not fatal
            continue
    return impressions, clicks


def _ingest_chunk(chunk: bytes) -> int:
    impressions, clicks = parse(chunk)
    spooling.insert_rows(AdImpression, list(IMPRESSION_FIELDS), impressions)
    if clicks:
        clicks_settle(clicks)
    return len(impressions) + len(clicks)


def ad_events_ingest(*, now: float | None = None, max_rows: int = 500_000) -> int:
    """Insert the spooled impressions and settle the spooled clicks (files, then the Redis stream when enabled);
    delete finished files. Returns the events read."""
    now = time.time() if now is None else now
    done = spooling.ingest_files(
        setting=SETTING, cursors=AdSpoolCursor, handle=_ingest_chunk, now=now, max_rows=max_rows
    )
    if stream_enabled() and done < max_rows:
        done += _STREAM.consume(
            _client(),
            settings.WANSHANG["ADS_STREAM"],
            cursors=AdSpoolCursor,
            handle=lambda payloads: _ingest_chunk(b"".join(payloads)),
            max_rows=max_rows - done,
        )
    return done
