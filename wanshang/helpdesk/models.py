"""客服: settings, business hours, quick phrases, FAQ, tickets and SLA. Rules: docs/helpdesk.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wanshang.common.scoping import ShopOwnedManager
from wanshang.helpdesk.hours import hhmm


class ServiceSettings(models.Model):
    """A shop's 客服设置. A shop without a row uses the defaults of `selectors.service_settings`."""

    shop = models.OneToOneField("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    welcome_text = models.CharField("欢迎语", max_length=300)
    offhours_text = models.CharField("非营业时间回复", max_length=300)
    noreply_minutes = models.PositiveIntegerField("无人回复提醒（分钟）", default=3)  # 0 = off
    noreply_text = models.CharField("无人回复提示", max_length=300)
    faq_autoreply = models.BooleanField("常见问题自动回答", default=True)
    agent_cap = models.PositiveIntegerField("每位客服同时接待上限", default=10)
    faq_threshold = models.PositiveSmallIntegerField("自动回答置信度（%）", default=60)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()


class BusinessPeriod(models.Model):
    """One open period of a weekday (0 = Monday), in minutes after local midnight, Asia/Shanghai:
    [start_minute, end_minute). A shop with no period at all keeps the default hours (docs/helpdesk.md)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField()
    start_minute = models.PositiveSmallIntegerField()
    end_minute = models.PositiveSmallIntegerField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6, start_minute__lt=models.F("end_minute"), end_minute__lte=1440),
                name="helpdesk_period_valid",
            ),
        ]


class SpecialDayKind(models.TextChoices):
    CLOSED = "closed", _("休息（节假日）")
    OPEN = "open", _("调休上班")


class SpecialDay(models.Model):
    """A holiday (closed all day) or a special working day (open start–end) that overrides the weekday."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    kind = models.CharField(max_length=8, choices=SpecialDayKind.choices)
    start_minute = models.PositiveSmallIntegerField(default=0)
    end_minute = models.PositiveSmallIntegerField(default=0)
    note = models.CharField("说明", max_length=40, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["shop", "date"], name="helpdesk_special_day_once")]

    @property
    def period_text(self) -> str:
        return (
            f"{hhmm(self.start_minute)}-{hhmm(self.end_minute)}" if self.kind == SpecialDayKind.OPEN else ""
        )


class QuickPhrase(models.Model):
    """快捷短语: shop-wide (`owner` null) or an agent's own. `code` (e.g. /th) is unique per scope."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField("分类", max_length=20, default="常用")
    code = models.CharField("快捷码", max_length=16, blank=True)
    text = models.CharField("内容", max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["category", "code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "code"],
                condition=Q(owner__isnull=True) & ~Q(code=""),
                name="phrase_shop_code",
            ),
            models.UniqueConstraint(
                fields=["shop", "owner", "code"],
                condition=Q(owner__isnull=False) & ~Q(code=""),
                name="phrase_own_code",
            ),
        ]


class FaqCategory(models.Model):
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("分类名称", max_length=20)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["shop", "name"], name="faq_category_name_once")]

    def __str__(self):
        return self.name


class Faq(models.Model):
    """One question with its similar phrasings (相似问法, one per line) and the answer. `terms` keeps the jieba
    words of the question and of each phrasing (written by the services), so matching never cuts them again."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(FaqCategory, on_delete=models.PROTECT, related_name="faqs")
    question = models.CharField("问题", max_length=100)
    phrasings = models.TextField("相似问法", blank=True)
    answer = models.TextField("答案", max_length=1000)
    enabled = models.BooleanField("启用", default=True)
    hits = models.PositiveIntegerField("命中次数", default=0)
    terms = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["category__position", "category_id", "position", "id"]

    @property
    def phrasing_list(self) -> list[str]:
        return [p for p in (s.strip() for s in self.phrasings.splitlines()) if p]


class TicketPriority(models.TextChoices):
    LOW = "low", _("低")
    NORMAL = "normal", _("普通")
    HIGH = "high", _("高")
    URGENT = "urgent", _("紧急")


class TicketStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("ticket status", "待处理")
    PENDING = "pending", pgettext_lazy("ticket status", "等待回复")
    SOLVED = "solved", pgettext_lazy("ticket status", "已解决")
    CLOSED = "closed", pgettext_lazy("ticket status", "已关闭")


class TicketSource(models.TextChoices):
    CONVERSATION = "conversation", _("客服会话")
    CASE = "case", _("售后单")
    MANUAL = "manual", _("手工创建")


class Ticket(models.Model):
    """工单. The source is kept as kind + id + a display number (helpdesk imports neither service nor
    aftersales). The SLA due times are set by the services from the shop's policy and business hours."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    no = models.CharField(max_length=32, unique=True)
    title = models.CharField("标题", max_length=100)
    description = models.TextField("描述", blank=True, max_length=2000)
    priority = models.CharField(max_length=8, choices=TicketPriority.choices, default=TicketPriority.NORMAL)
    status = models.CharField(max_length=8, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_kind = models.CharField(max_length=12, choices=TicketSource.choices, default=TicketSource.MANUAL)
    source_id = models.BigIntegerField(null=True, blank=True)
    source_no = models.CharField("来源编号", max_length=40, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_response_due = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    next_response_since = models.DateTimeField(null=True, blank=True)  # the buyer's unanswered message
    next_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["shop", "status", "-created_at"], name="ticket_shop_status"),
            models.Index(fields=["status", "resolution_due"], name="ticket_open_due"),
        ]

    def __str__(self):
        return self.no


class TicketComment(models.Model):
    """A reply to the buyer (`public`) or an internal note; `from_buyer` marks what the buyer said."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=2000)
    public = models.BooleanField(default=False)
    from_buyer = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["created_at", "id"]


class TicketEvent(models.Model):
    """The audit row of a status, priority or assignee change, written with the change."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(max_length=12)
    old = models.CharField(max_length=40, blank=True)
    new = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class SlaPolicy(models.Model):
    """The targets of one priority in business minutes; 0 = no target for that metric."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=8, choices=TicketPriority.choices)
    first_response_minutes = models.PositiveIntegerField("首次响应（营业分钟）", default=0)
    next_response_minutes = models.PositiveIntegerField("再次响应（营业分钟）", default=0)
    resolution_minutes = models.PositiveIntegerField("解决时限（营业分钟）", default=0)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["shop", "priority"], name="sla_policy_once")]


class SlaMetric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("首次响应")
    NEXT_RESPONSE = "next_response", _("再次响应")
    RESOLUTION = "resolution", _("解决")


class SlaBreach(models.Model):
    """One missed target, recorded once: (ticket, metric, due_at) is unique, so the patrol may run again."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="breaches")
    metric = models.CharField(max_length=16, choices=SlaMetric.choices)
    due_at = models.DateTimeField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric", "due_at"], name="sla_breach_once"),
        ]
        indexes = [models.Index(fields=["shop", "due_at"], name="sla_breach_shop_due")]
