"""Real concurrency on PostgreSQL: a buyer and two agents writing at once keep one gap-free order of seqs; eight
tabs starting the same conversation make one; concurrent ratings write one; two agents claiming one
conversation, one wins."""

import pytest

from wanshang.common.errors import Conflict
from wanshang.common.tests.concurrency import errors_of, run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_buyer_and_two_agents_posting_at_once_keep_one_order(buyer, shop, agent, agent2):
    from wanshang.service.models import Conversation, Message
    from wanshang.service.services import conversation_start, message_post

    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    start_seq = conv.last_seq
    writers = [buyer, agent, agent2] * 6
    results = run_concurrently(
        lambda i: message_post(user=writers[i], conversation_id=conv.pk, body=f"消息{i}"),
        list(range(len(writers))),
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    seqs = sorted(r.seq for r in results)
    assert len(set(seqs)) == len(writers)
    conv.refresh_from_db()
    all_seqs = list(Message.objects.filter(conversation=conv).order_by("seq").values_list("seq", flat=True))
    assert all_seqs == list(range(1, conv.last_seq + 1))  # gap-free, auto-replies included
    assert seqs[0] > start_seq
    # every message's seq agrees with the order the rows were written in
    by_id = list(Message.objects.filter(conversation=conv).order_by("id").values_list("seq", flat=True))
    assert by_id == sorted(by_id)
    assert Conversation.objects.get(pk=conv.pk).last_seq == all_seqs[-1]


def test_eight_tabs_starting_one_conversation_make_one(buyer, shop):
    from wanshang.service.models import Conversation, Message
    from wanshang.service.services import conversation_start

    results = run_concurrently(lambda _: conversation_start(buyer=buyer, shop_id=shop.pk), list(range(8)))
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Conversation.objects.count() == 1
    assert Message.objects.filter(auto_rule="welcome").count() == 1


def test_concurrent_ratings_and_claims_write_once(buyer, shop, agent, agent2):
    from wanshang.service.models import Conversation, Satisfaction
    from wanshang.service.services import (
        conversation_claim,
        conversation_resolve,
        conversation_start,
        message_post,
        satisfaction_submit,
    )

    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    message_post(user=buyer, conversation_id=conv.pk, body="在吗")
    claims = run_concurrently(
        lambda who: conversation_claim(shop=shop, user=who, conversation_id=conv.pk), [agent, agent2] * 3
    )
    winners = {Conversation.objects.get(pk=conv.pk).assignee_id}
    assert len(winners) == 1 and None not in winners
    assert errors_of(claims, Conflict) == []
    conversation_resolve(user=agent, conversation_id=conv.pk)
    ratings = run_concurrently(
        lambda stars: satisfaction_submit(buyer=buyer, conversation_id=conv.pk, stars=stars),
        [5, 4, 3, 2, 1, 5],
    )
    assert errors_of(ratings, Conflict) == []
    assert sum(not isinstance(r, Exception) for r in ratings) == 1
    assert Satisfaction.objects.count() == 1
