"""Concurrent deliveries on PostgreSQL: one event delivered by several workers at once is one message; two
deadline runs at once remind each item once; concurrent reads of one broadcast leave one read mark."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_one_event_delivered_by_six_workers_at_once_is_one_message(make_shop):
    from wanshang.inbox.models import Message
    from wanshang.inbox.services import message_post

    shop = make_shop()

    def deliver(_n):
        return message_post(
            shop_id=shop.pk,
            topic_code="patrol.report",
            params={"day": "2026-03-02", "findings": 2, "products": 9},
            dedupe_key=f"patrol.report:{shop.pk}",
        )

    results = run_concurrently(deliver, list(range(6)), threads=6)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Message.objects.count() == 1 and len([r for r in results if r is not None]) == 1


def test_concurrent_deadline_runs_remind_each_item_once(make_shop):
    from wanshang.health.models import HealthItem
    from wanshang.health.services import deadlines_run, item_open
    from wanshang.inbox.models import Message

    shops = [make_shop() for _ in range(3)]
    start = timezone.now() - timedelta(hours=40)
    for s in shops:
        item_open(shop_id=s.pk, kind="late_shipment", title="测试", now=start)
    now = timezone.now()
    results = run_concurrently(lambda _n: deadlines_run(now=now), list(range(6)), threads=6)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert HealthItem.objects.filter(reminded_at=now).count() == 3
    assert Message.objects.filter(topic="health.deadline_near").count() == 3


def test_concurrent_reads_of_a_broadcast_leave_one_mark(make_shop):
    from wanshang.inbox.models import BroadcastRead
    from wanshang.inbox.services import message_mark_read, message_post, messages_mark_all_read

    shop = make_shop()
    message = message_post(
        shop_id=None,
        topic_code="rule.published",
        params={"title": "规则", "code": "r", "version": 1, "effective_at": "2026-03-02T00:00:00+08:00"},
        dedupe_key="rule:concurrent",
    )

    def read(n):
        if n % 2:
            return messages_mark_all_read(shop=shop, user=shop.owner)
        return message_mark_read(shop=shop, user=shop.owner, message_id=message.pk)

    results = run_concurrently(read, list(range(6)), threads=6)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert BroadcastRead.objects.filter(shop=shop).count() == 1
