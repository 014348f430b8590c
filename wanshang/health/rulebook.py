"""规则中心: platform rules published as versions with an effective date; shops acknowledge each version."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from wanshang.common import events
from wanshang.common.domain_events import PlatformRuleAcknowledged, PlatformRulePublished
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.health.items import _text
from wanshang.health.models import PlatformRule, RuleAck


def rule_publish(*, actor, code: str, title: str, body: str, effective_at, now=None) -> PlatformRule:
    """Publish a rule: a new code starts at version 1, an existing code gets the next version. The effective
    date may not lie in the past. Raises ValidationError."""
    now = now or timezone.now()
    code = (code or "").strip() if isinstance(code, str) else ""
    if not code or slugify(code) != code or len(code) > 40:
        raise ValidationError("规则编号只能用小写字母、数字和连字符（最多40个）", field="code")
    title = _text(title, field="title", label="规则标题", max_len=100)
    body = _text(body, field="body", label="规则正文", max_len=20000, min_len=10)
    if effective_at is None:
        raise ValidationError("请填写生效时间", field="effective_at")
    if timezone.is_naive(effective_at):
        effective_at = timezone.make_aware(effective_at)
    if effective_at < now - timedelta(minutes=5):
        raise ValidationError("生效时间不能早于现在", field="effective_at")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                last = PlatformRule.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0
                rule = PlatformRule.objects.create(
                    code=code,
                    version=last + 1,
                    title=title,
                    body=body,
                    effective_at=effective_at,
                    published_by=actor,
                    published_at=now,
                )
                events.publish(
                    PlatformRulePublished(
                        rule_id=rule.pk,
                        code=code,
                        version=rule.version,
                        title=title,
                        effective_at=effective_at,
                        at=now,
                    )
                )
                return rule
        except IntegrityError:  # a concurrent publish took the version: take the next
            continue
    raise Conflict("规则正在被同时发布，请稍后重试")


def rule_acknowledge(*, shop, actor, rule_id, now=None) -> RuleAck:
    """The shop acknowledges a rule version (once; a repeat returns the first acknowledgement)."""
    rule = PlatformRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("规则不存在")
    now = now or timezone.now()
    with transaction.atomic():
        ack, created = RuleAck.objects.get_or_create(
            rule=rule, shop=shop, defaults={"user": actor, "acked_at": now}
        )
        if created:  # the inbox marks the rule's message read for the shop
            events.publish(
                PlatformRuleAcknowledged(
                    rule_id=rule.pk, shop_id=shop.pk, user_id=getattr(actor, "pk", None), at=now
                )
            )
    return ack
