from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """A client-chosen key that makes a submit happen once. Written in the same transaction as the work."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="uniq_idempotency_key")]


class JobRun(models.Model):
    """One run of a scheduled job: what it did, for operators and for catching up."""

    name = models.CharField(max_length=80, db_index=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    processed = models.IntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        # the last run of one job, asked by every beat tick and every Celery run (scheduler.is_due)
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_started")]


class OutboxEntry(models.Model):
    """An after-commit event handler still to run (see common/events.py). Written in the publisher's
    transaction; deleted when the handler succeeds; retried with a growing delay while it fails."""

    event = models.CharField(max_length=80)
    handler = models.CharField(max_length=200)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at"], name="outbox_due_idx")]
