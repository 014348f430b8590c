"""Real concurrency on PostgreSQL: patrols running together record each breach once; racing status moves
leave one consistent state and one audit row per move that happened; one code per scope under racing creates."""

from datetime import timedelta

import pytest

from wanshang.common.errors import InvalidTransition, ValidationError
from wanshang.common.tests.concurrency import run_concurrently

from .conftest import local

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_parallel_patrols_record_each_breach_once(shop, agent):
    from wanshang.helpdesk import services
    from wanshang.helpdesk.models import SlaBreach

    services.sla_policy_save(
        shop=shop,
        priority="urgent",
        first_response_minutes=10,
        next_response_minutes=0,
        resolution_minutes=60,
    )
    start = local(2026, 9, 28, 10)
    for i in range(3):
        services.ticket_create(
            shop=shop, actor=agent, title=f"紧急{i}", priority="urgent", source_kind="manual", now=start
        )
    later = start + timedelta(hours=3)
    results = run_concurrently(lambda _: services.sla_patrol(now=later), list(range(4)))
    assert [r for r in results if isinstance(r, Exception)] == []
    assert SlaBreach.objects.count() == 6  # 3 tickets × (first response, resolution)


def test_racing_status_moves_keep_one_state(shop, agent):
    from wanshang.helpdesk import selectors, services

    t = services.ticket_create(shop=shop, actor=agent, title="并发", source_kind="manual")
    results = run_concurrently(
        lambda status: services.ticket_transition(shop=shop, actor=agent, ticket_id=t.pk, status=status),
        ["closed", "closed", "closed", "solved"],
    )
    ok = [r for r in results if not isinstance(r, Exception)]
    assert all(isinstance(r, InvalidTransition) for r in results if isinstance(r, Exception))
    t.refresh_from_db()
    moves = [e.new for e in selectors.ticket_events(t)][1:]
    assert len(moves) == len(ok) and moves[-1] == t.status
    assert moves.count("closed") == 1


def test_racing_phrase_creates_keep_codes_unique(shop, agent):
    from wanshang.helpdesk import services
    from wanshang.helpdesk.models import QuickPhrase

    results = run_concurrently(
        lambda i: services.phrase_create(shop=shop, actor=agent, personal=True, code="/th", text=f"第{i}条"),
        list(range(6)),
    )
    assert all(isinstance(r, ValidationError) for r in results if isinstance(r, Exception))
    assert QuickPhrase.objects.filter(code="/th").count() == 1
