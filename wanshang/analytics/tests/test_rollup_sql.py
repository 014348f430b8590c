"""The PostgreSQL rollup (one INSERT … SELECT per day) builds exactly the rows the Python rollup builds."""

import random
from datetime import timedelta

import pytest

from wanshang.analytics.models import Event, RollupState, VisitorDay
from wanshang.analytics.rollup import rollup_day
from wanshang.analytics.tests.factories import DAY1, local

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

KINDS = ["pv", "pv", "pv", "stay", "stay", "cart", "fav", "paid", "order"]


def _random_day(rng: random.Random, n: int) -> None:
    """n events of DAY1 (and a few of the days around it) with ties in ts, shops and products that are
    sometimes missing, logged-in users that change within a visit, and visitor-less API events."""
    start = local(DAY1, 0)
    rows = []
    for _ in range(n):
        shop_id = rng.choice([None, 1, 2, 3])
        rows.append(
            Event(
                ts=start + timedelta(minutes=rng.randrange(-30, 24 * 60 + 30)),  # some fall outside DAY1
                kind=rng.choice(KINDS),
                visitor=rng.choice(["", "a", "b", "c", "d", "e", "f", "g"]),
                user_id=rng.choice([None, None, None, 11, 12]),
                shop_id=shop_id,
                product_id=rng.choice([None, 100, 101]) if shop_id or rng.random() < 0.2 else None,
                page_type=rng.choice(["product", "shop", "search", ""]),
                source=rng.choice(["direct", "search", "ads", ""]),
                terminal=rng.choice(["pc", "h5"]),
                duration_ms=rng.randrange(0, 50_000),
            )
        )
    Event.objects.bulk_create(rows)


def _rows() -> list[tuple]:
    return sorted(
        VisitorDay.objects.values_list(
            "day",
            "shop_id",
            "product_id",
            "visitor",
            "user_id",
            "pv",
            "product_pv",
            "stay_ms",
            "carts",
            "favs",
            "source",
            "terminal",
        ),
        key=repr,
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_sql_and_python_rollups_build_identical_rows(require_postgres, seed):
    _random_day(random.Random(seed), 400)
    upto = Event.objects.order_by("-id").values_list("id", flat=True).first()
    cut = upto - 40  # events after the build mark are left out by both
    written = rollup_day(DAY1, upto_id=cut, in_sql=False)
    python_rows = _rows()
    assert written == len(python_rows) > 0
    assert rollup_day(DAY1, upto_id=cut, in_sql=True) == written
    assert _rows() == python_rows
    assert RollupState.objects.get(day=DAY1).max_event_id == cut
