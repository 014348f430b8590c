"""消息中心: the messages a shop receives from the platform and its own rule and risk checks.

A message is addressed to one shop (`shop`) or, for a platform broadcast (a new rule version), to every shop
(`shop` null): a broadcast is stored once and read per shop, its read marks kept per shop in `BroadcastRead`,
written only when a shop reads it (fan-out on read), so publishing to 100 000 shops writes one row.

The inbox knows shops and users, not the features: what a message says comes from its `topic` (`topics.py`) and
plain `params`, where it leads from `target_kind` + `target_id`, which the seller face maps to a URL.
See docs/inbox.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class Kind(models.TextChoices):
    RULE = "rule", _("规则")
    HEALTH = "health", _("体检")
    ADLAW = "adlaw", _("广告法")
    IMAGE = "image", _("图片")
    PATROL = "patrol", _("巡检")


class Severity(models.TextChoices):
    INFO = "info", _("通知")
    WARNING = "warning", _("提醒")
    CRITICAL = "critical", _("重要")


class Message(models.Model):
    shop = models.ForeignKey(
        "merchants.Shop", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # null: a broadcast to every shop
    kind = models.CharField(max_length=12, choices=Kind.choices)
    topic = models.CharField(max_length=40)  # topics.py renders title and body in the reader's language
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=200)  # as rendered in the default language when it was written
    body = models.CharField(max_length=1000, blank=True)
    target_kind = models.CharField(
        max_length=32, blank=True
    )  # where the shop acts: the face maps it to a URL
    target_id = models.CharField(max_length=64, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    created_at = models.DateTimeField()
    # one message per source event: a retried handler or a job run twice finds the key taken
    dedupe_key = models.CharField(max_length=120, unique=True)
    read_at = models.DateTimeField(null=True, blank=True)  # a shop's own message; broadcasts: BroadcastRead
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["shop", "-created_at", "-id"], name="inbox_shop_recent"),
            # the bell's count: a shop's unread rows only, so the index stays the size of what is unread
            models.Index(fields=["shop"], condition=Q(read_at__isnull=True), name="inbox_shop_unread"),
            models.Index(fields=["created_at"], condition=Q(shop__isnull=True), name="inbox_broadcasts"),
        ]

    @property
    def is_broadcast(self) -> bool:
        return self.shop_id is None


class BroadcastRead(models.Model):
    """A shop read a broadcast (once): who and when. Written on read, never at publish time."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ShopOwnedManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "shop"], name="uniq_inbox_broadcast_read")]
