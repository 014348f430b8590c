"""The 数据中心 overview is a typed schema that reads the selector's board (faces_common.datacenter_schemas)."""

import pytest

from wanshang.faces_common.datacenter_schemas import DataOverviewOut, DataTrendDayOut
from wanshang.insights import selectors as data
from wanshang.insights.types import MARKETPLACE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period", ["today", "7d"])
def test_the_overview_schema_names_every_figure_the_board_has(period):
    """A figure added to the board's trend rows (Counts.as_dict) must be added to the schema too: a schema drops
    what it does not name, and the API would lose it without a test failing."""
    board = data.dashboard(scope=MARKETPLACE, period_key=period)

    assert {key for row in board["trend"] for key in row} == set(DataTrendDayOut.model_fields)
    out = DataOverviewOut.from_orm(board)
    assert len(out.metrics) == len(board["cards"]) and len(out.funnel) == len(board["funnel"])
    assert out.period.previous is not None and out.category_peers == 0
