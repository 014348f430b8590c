"""Tickets: creation with SLA due times in business minutes, the state machine, comments meeting targets,
countdowns paused off-hours, the patrol recording a breach once, breach counts, isolation."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wanshang.common.errors import InvalidTransition, NotFound, ValidationError
from wanshang.helpdesk import selectors, services
from wanshang.helpdesk.models import SlaBreach, Ticket

from .conftest import local

MON_10 = local(2026, 9, 28, 10)  # Monday 10:00, open


@pytest.fixture
def policy(hours):
    services.sla_policy_save(
        shop=hours,
        priority="high",
        first_response_minutes=30,
        next_response_minutes=60,
        resolution_minutes=240,
    )
    return hours


def make_ticket(shop, actor, now=MON_10, **kw):
    fields = {"title": "包裹破损要求补发", "priority": "high", "source_kind": "manual"} | kw
    return services.ticket_create(shop=shop, actor=actor, now=now, **fields)


def test_due_times_are_counted_in_business_minutes(policy, agent):
    shop = policy
    # Monday 11:50: 10 min before lunch, then from 13:30
    t = make_ticket(shop, agent, now=local(2026, 9, 28, 11, 50))
    assert t.first_response_due == local(2026, 9, 28, 13, 50)
    # 240 min: 10 before lunch + 270 in the afternoon → 17:20
    assert t.resolution_due == local(2026, 9, 28, 17, 20)
    assert t.no.startswith("T") and t.status == "open"


def test_ticket_without_policy_has_no_targets(hours, agent):
    t = make_ticket(hours, agent, priority="low")
    assert t.first_response_due is None and selectors.ticket_sla(t, now=MON_10) == []


def test_countdown_stops_while_the_shop_is_closed(policy, agent):
    shop = policy
    t = make_ticket(shop, agent, now=local(2026, 9, 28, 11, 50))  # first response due 13:50
    at_noon = selectors.ticket_sla(t, now=local(2026, 9, 28, 12, 0))
    at_one = selectors.ticket_sla(t, now=local(2026, 9, 28, 13, 0))
    first_noon = next(c for c in at_noon if c.metric == "first_response")
    first_one = next(c for c in at_one if c.metric == "first_response")
    assert first_noon.remaining == first_one.remaining == 20  # an hour passed, the lunch break did not count
    assert first_noon.paused and first_one.paused and first_noon.state == "active"
    first_later = next(
        c for c in selectors.ticket_sla(t, now=local(2026, 9, 28, 13, 40)) if c.metric == "first_response"
    )
    assert first_later.remaining == 10 and not first_later.paused


def test_state_machine_refuses_illegal_moves(policy, agent):
    shop = policy
    t = make_ticket(shop, agent)
    for status in ("pending", "open", "solved", "open", "solved", "closed"):
        t = services.ticket_transition(shop=shop, actor=agent, ticket_id=t.pk, status=status)
    for status in ("open", "pending", "solved", "closed"):
        with pytest.raises(InvalidTransition):
            services.ticket_transition(shop=shop, actor=agent, ticket_id=t.pk, status=status)
    with pytest.raises(ValidationError):
        services.ticket_transition(shop=shop, actor=agent, ticket_id=t.pk, status="deleted")
    with pytest.raises(InvalidTransition):
        services.ticket_comment_add(shop=shop, actor=agent, ticket_id=t.pk, body="还在吗", public=True)
    t.refresh_from_db()
    assert t.status == "closed"
    assert [e.new for e in selectors.ticket_events(t)] == [
        "open",
        "pending",
        "open",
        "solved",
        "open",
        "solved",
        "closed",
    ]


def test_solved_cannot_go_to_pending(policy, agent):
    t = make_ticket(policy, agent)
    services.ticket_transition(shop=policy, actor=agent, ticket_id=t.pk, status="solved")
    with pytest.raises(InvalidTransition):
        services.ticket_transition(shop=policy, actor=agent, ticket_id=t.pk, status="pending")


def test_public_reply_meets_first_response_and_buyer_message_starts_next(policy, agent, buyer):
    shop = policy
    t = make_ticket(shop, agent, buyer=buyer)
    services.ticket_comment_add(
        shop=shop, actor=agent, ticket_id=t.pk, body="内部：查仓库", now=MON_10 + timedelta(minutes=5)
    )
    t.refresh_from_db()
    assert t.first_responded_at is None  # an internal note is not a response
    services.ticket_comment_add(
        shop=shop,
        actor=agent,
        ticket_id=t.pk,
        body="已登记补发",
        public=True,
        now=MON_10 + timedelta(minutes=10),
    )
    services.ticket_comment_add(
        shop=shop,
        actor=buyer,
        ticket_id=t.pk,
        body="什么时候发？",
        from_buyer=True,
        now=local(2026, 9, 28, 11, 30),
    )
    t.refresh_from_db()
    assert t.first_responded_at == MON_10 + timedelta(minutes=10)
    assert t.next_response_due == local(2026, 9, 28, 14, 0)  # 30 before lunch + 30 after
    clocks = {c.metric: c.state for c in selectors.ticket_sla(t, now=local(2026, 9, 28, 11, 40))}
    assert clocks == {"first_response": "met", "next_response": "active", "resolution": "active"}
    # answered late → the breach is recorded when the reply is written
    services.ticket_comment_add(
        shop=shop, actor=agent, ticket_id=t.pk, body="今天发", public=True, now=local(2026, 9, 28, 14, 5)
    )
    assert list(SlaBreach.objects.filter(ticket=t).values_list("metric", flat=True)) == ["next_response"]


def test_patrol_records_a_breach_once(policy, agent, make_agent):
    shop = policy
    t = make_ticket(shop, agent, assignee_id=agent.pk)
    later = local(
        2026, 9, 28, 17, 0
    )  # first response (10:30) missed, resolution (14:30 + lunch → 15:30) missed
    assert services.sla_patrol(now=later) == 2
    assert services.sla_patrol(now=later) == 0
    assert services.sla_patrol(now=later + timedelta(hours=1)) == 0
    assert SlaBreach.objects.filter(ticket=t).count() == 2
    counts = selectors.sla_breach_counts(shop, local(2026, 9, 28), local(2026, 9, 29))
    assert counts == {"total": 2, "by_agent": {agent.pk: 2}}
    assert selectors.sla_breach_counts(shop, local(2026, 9, 29), local(2026, 9, 30)) == {
        "total": 0,
        "by_agent": {},
    }
    assert [x.pk for x in selectors.ticket_list(shop=shop, breached=True)] == [t.pk]


def test_patrol_ignores_met_and_closed(policy, agent):
    shop = policy
    t = make_ticket(shop, agent)
    services.ticket_comment_add(
        shop=shop, actor=agent, ticket_id=t.pk, body="好的", public=True, now=MON_10 + timedelta(minutes=1)
    )
    services.ticket_transition(
        shop=shop, actor=agent, ticket_id=t.pk, status="solved", now=MON_10 + timedelta(minutes=2)
    )
    assert services.sla_patrol(now=local(2026, 10, 9)) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"title": ""},
        {"title": "x" * 101},
        {"priority": "asap"},
        {"source_kind": "email"},
        {"source_kind": "case", "source_id": None},
        {"source_kind": "case", "source_id": "abc"},
        {"assignee_id": 999999},
        {"assignee_id": "abc"},
    ],
)
def test_bad_ticket_input_refused(policy, agent, fields):
    with pytest.raises(ValidationError):
        make_ticket(policy, agent, **fields)
    assert not Ticket.objects.exists()


def test_assignee_must_be_staff_of_the_shop(policy, agent, other_shop, make_agent):
    outsider = make_agent(other_shop)
    warehouse = make_agent(policy, role="warehouse")
    for user in (outsider, warehouse):
        with pytest.raises(ValidationError):
            make_ticket(policy, agent, assignee_id=user.pk)


def test_source_kept_as_kind_id_and_number(policy, agent, buyer):
    t = make_ticket(policy, agent, source_kind="case", source_id=42, source_no="AS2609280001", buyer=buyer)
    assert (t.source_kind, t.source_id, t.source_no) == ("case", 42, "AS2609280001")
    assert selectors.tickets_of_buyer(buyer=buyer, source_kind="case", source_id=42) == [t]


def test_tickets_isolated_between_shops(policy, agent, other_shop):
    t = make_ticket(policy, agent)
    services.sla_policy_save(
        shop=other_shop,
        priority="high",
        first_response_minutes=1,
        next_response_minutes=0,
        resolution_minutes=0,
    )
    assert list(selectors.ticket_list(shop=other_shop)) == []
    with pytest.raises(NotFound):
        selectors.ticket_get(shop=other_shop, ticket_id=t.pk)
    with pytest.raises(NotFound):
        services.ticket_transition(shop=other_shop, actor=other_shop.owner, ticket_id=t.pk, status="solved")
    assert selectors.sla_policies(policy)["high"].first_response_minutes == 30


@pytest.mark.parametrize(
    "fields",
    [
        {"priority": "x"},
        {"first_response_minutes": -1},
        {"resolution_minutes": 10**9},
        {"first_response_minutes": 300, "resolution_minutes": 60},
        {"next_response_minutes": "soon"},
    ],
)
def test_bad_sla_policy_refused(shop, fields):
    values = {
        "priority": "normal",
        "first_response_minutes": 30,
        "next_response_minutes": 60,
        "resolution_minutes": 240,
    }
    with pytest.raises(ValidationError):
        services.sla_policy_save(shop=shop, **(values | fields))
    assert selectors.sla_policies(shop)["normal"] is None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.sampled_from(["open", "pending", "solved", "closed"]), max_size=8))
def test_state_machine_follows_its_table_for_any_sequence(shop, agent, moves):
    t = services.ticket_create(shop=shop, actor=agent, title="随机", source_kind="manual")
    expected = "open"
    for status in moves:
        if status in services.TRANSITIONS[expected]:
            services.ticket_transition(shop=shop, actor=agent, ticket_id=t.pk, status=status)
            expected = status
        else:
            with pytest.raises(InvalidTransition):
                services.ticket_transition(shop=shop, actor=agent, ticket_id=t.pk, status=status)
        t.refresh_from_db()
        assert t.status == expected
        assert (t.closed_at is not None) == (expected == "closed")
        assert (t.solved_at is not None) == (expected in ("solved", "closed"))
