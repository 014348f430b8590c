"""Customer-service conversations (客服会话) between a buyer and a shop. Rules: docs/service.md.

A message is stored before anyone is told about it, numbered by `seq` within its conversation (1, 2, 3 … under
the conversation's row lock); clients keep the last `seq` they saw and fetch what came after it, so a dropped
WebSocket or a restarted server loses nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class ConversationStatus(models.TextChoices):
    WAITING = "waiting", _("待回复")  # the buyer spoke last and no agent has answered yet
    OPEN = "open", _("进行中")  # an agent answered; the buyer may write again
    RESOLVED = "resolved", _("已结束")


class Origin(models.TextChoices):
    SHOP = "shop", _("店铺")
    PRODUCT = "product", _("商品")
    ORDER = "order", _("订单")
    CASE = "case", _("售后")


class Conversation(models.Model):
    """One conversation of a buyer with a shop, from the first message until it is resolved. A buyer has at
    most one unresolved conversation per shop (a partial unique constraint); writing after it was resolved
    starts a new one (and with it a new satisfaction survey)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ConversationStatus.choices, default="waiting")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the context card: where the buyer came from (the latest one wins while the conversation is open)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SHOP)
    product_id = models.BigIntegerField(null=True, blank=True)
    order_id = models.BigIntegerField(null=True, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField()
    last_preview = models.CharField(max_length=80, blank=True)
    buyer_unread = models.PositiveIntegerField(default=0)
    agent_unread = models.PositiveIntegerField(default=0)
    buyer_read_seq = models.PositiveIntegerField(default=0)
    agent_read_seq = models.PositiveIntegerField(default=0)
    # the current waiting stretch (the buyer's first unanswered message) and the auto-replies given in it
    waiting_since = models.DateTimeField(null=True, blank=True)
    noreply_sent_for = models.DateTimeField(null=True, blank=True)
    offhours_sent_for = models.DateTimeField(null=True, blank=True)
    first_buyer_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)  # the first agent answer
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["shop", "status", "-last_message_at"], name="conv_shop_status"),
            models.Index(fields=["shop", "assignee", "status"], name="conv_shop_assignee"),
            models.Index(fields=["buyer", "-last_message_at"], name="conv_buyer_recent"),
            models.Index(fields=["status", "waiting_since"], name="conv_waiting"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "buyer"], condition=~Q(status="resolved"), name="conv_one_unresolved"
            ),
        ]

    def __str__(self):
        return f"conversation {self.pk} ({self.shop_id}/{self.buyer_id})"


class SenderKind(models.TextChoices):
    BUYER = "buyer", _("买家")
    AGENT = "agent", _("客服")
    AUTO = "auto", _("自动回复")
    SYSTEM = "system", _("系统")


class MessageKind(models.TextChoices):
    TEXT = "text", _("文字")
    IMAGE = "image", _("图片")
    PRODUCT = "product", _("商品卡片")
    ORDER = "order", _("订单卡片")
    NOTE = "note", _("内部备注")  # staff only: never shown to the buyer


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField()
    sender_kind = models.CharField(max_length=8, choices=SenderKind.choices)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=MessageKind.choices, default=MessageKind.TEXT)
    body = models.TextField(blank=True)
    asset = models.ForeignKey(
        "media.MediaAsset", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ref_id = models.BigIntegerField(null=True, blank=True)  # the product or order of a card
    # which auto-reply this is (welcome, offhours, noreply, faq): reporting and "fires once" checks
    auto_rule = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_conv_seq"),
        ]
        indexes = [models.Index(fields=["shop", "sender_kind", "created_at"], name="message_shop_sender")]

    def __str__(self):
        return f"message {self.conversation_id}#{self.seq}"


class AgentPresence(models.Model):
    """An agent's presence on the workbench: online or not, seen when, how many open conversations at most.
    Round-robin assignment picks the online agent under the cap who was assigned longest ago."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    online = models.BooleanField(default=False)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    cap = models.PositiveSmallIntegerField(null=True, blank=True)  # None: the shop's default (helpdesk)
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"presence of {self.user_id}"


class Satisfaction(models.Model):
    """The buyer's one rating of a resolved conversation (1–5 and an optional comment)."""

    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="satisfaction")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stars = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="satisfaction_1_5")
        ]
