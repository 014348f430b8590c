from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common import events
from wanshang.common.models import OutboxEntry
from wanshang.health.tests.conftest import points_rule  # noqa: F401  (a fixture)

INBOX = "wanshang.inbox."


@pytest.fixture
def delivered_twice(django_capture_on_commit_callbacks):
    """delivered_twice(action) → action's result, with every inbox handler its change queued run twice: once
    after the commit, and again from a copy of its outbox entry by the `events.retry` job (what a worker that
    died after the handler but before deleting the entry leaves behind)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
            for entry in OutboxEntry.objects.filter(handler__startswith=INBOX):
                OutboxEntry.objects.create(
                    event=entry.event,
                    handler=entry.handler,
                    payload=entry.payload,
                    next_attempt_at=entry.next_attempt_at,
                )
        events.retry_due(now=timezone.now() + timedelta(days=400))
        assert not OutboxEntry.objects.filter(handler__startswith=INBOX).exists()
        return result

    return run
