"""The event log's read model, published for reporting (`wanshang.insights`, 数据中心).

Reporting reads these tables directly, on purpose. Its figures (docs/data-center.md, defined in
`wanshang/insights/metrics.py`) are aggregates over the event log and the visitor rollup, grouped and filtered
by period, shop, product, source and terminal; wrapping each one in a selector here would either move the
metric definitions down into the event-recording app or give it selectors with open-ended filter arguments.
So analytics publishes the two tables as a read model instead, with the vocabulary needed to query them:

- `Event`: the append-only event log (one row per page view, stay, cart, favourite, order, payment, refund);
- `VisitorDay`: the daily visitor rollup (`rollup.py`), one visitor's day per scope — complete days only,
  today is always counted from `Event`;
- `EventKind`, `TRAFFIC_KINDS` (the page-side kinds the rollup is built from) and `day_bounds` (the local day's
  [start, end), the same bounds the rollup uses);
- `build_marks`: each built day's build mark (`RollupState`), what stored reports are keyed by.

This module is the contract: the column names above are what reporting may rely on, and a change to them is a
change to this published surface. Readers only read. Writes to these tables go through `analytics.services`
(events are recorded there; a buyer's deletion request goes through `buyer_behaviour_delete`), and the rollup
is rebuilt by analytics' own job. An import-linter contract (pyproject.toml) keeps this module for insights.
The traffic-source vocabulary (level-1/level-2 codes and labels) is in `analytics.types`.
"""

from wanshang.analytics.models import Event as Event
from wanshang.analytics.models import EventKind as EventKind
from wanshang.analytics.models import VisitorDay as VisitorDay
from wanshang.analytics.rollup import TRAFFIC_KINDS as TRAFFIC_KINDS
from wanshang.analytics.rollup import build_marks as build_marks
from wanshang.analytics.rollup import day_bounds as day_bounds
