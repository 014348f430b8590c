"""规则中心: rules published as versions with an effective date; each shop acknowledges each version once; the
platform sees who acknowledged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.errors import NotFound, ValidationError
from wanshang.health.models import PlatformRule, RuleAck
from wanshang.health.selectors import rule_acks, rules_for_shop, unacked_rule_count
from wanshang.health.services import rule_acknowledge, rule_publish

pytestmark = pytest.mark.django_db
BODY = "商家应在承诺时间内发货，超时按延迟发货处理。"


def test_versions_and_acknowledgements(shop, other_shop, operator):
    soon = timezone.now() + timedelta(days=7)
    v1 = rule_publish(actor=operator, code="shipping", title="发货规则", body=BODY, effective_at=soon)
    assert (v1.version, unacked_rule_count(shop=shop)) == (1, 1)
    rule_acknowledge(shop=shop, actor=shop.owner, rule_id=v1.pk)
    rule_acknowledge(shop=shop, actor=shop.owner, rule_id=v1.pk)  # twice: one acknowledgement
    assert RuleAck.objects.count() == 1 and unacked_rule_count(shop=shop) == 0

    v2 = rule_publish(
        actor=operator, code="shipping", title="发货规则（修订）", body=BODY + "新增条款。", effective_at=soon
    )
    assert v2.version == 2
    assert [(r.pk, r.acked) for r in rules_for_shop(shop=shop)] == [(v2.pk, False)]
    rule_acknowledge(shop=other_shop, actor=other_shop.owner, rule_id=v2.pk)
    assert [a.shop_id for a in rule_acks(rule=v2)] == [other_shop.pk]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "发货"}, "规则编号"),
        ({"code": "Ship Rule"}, "规则编号"),
        ({"title": ""}, "规则标题"),
        ({"body": "太短"}, "规则正文"),
        ({"effective_at": None}, "生效时间"),
        ({"effective_at": timezone.now() - timedelta(days=1)}, "生效时间"),
    ],
)
def test_bad_rules_are_refused(operator, fields, message):
    data = {
        "code": "shipping",
        "title": "发货规则",
        "body": BODY,
        "effective_at": timezone.now() + timedelta(days=1),
    }
    with pytest.raises(ValidationError, match=message):
        rule_publish(actor=operator, **{**data, **fields})
    assert not PlatformRule.objects.exists()


def test_an_unknown_rule_cannot_be_acknowledged(shop):
    with pytest.raises(NotFound):
        rule_acknowledge(shop=shop, actor=shop.owner, rule_id=999999)
