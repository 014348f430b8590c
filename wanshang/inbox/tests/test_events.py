"""Each event of the apps above becomes exactly one message — after the commit, and still one when the handler
runs again (a copy of its outbox entry run by the retry job) or when the publishing job runs twice. Deadline
reminders with the clock moved forward and after downtime."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wanshang.adlaw.services import claim_decide, claim_file, term_save, texts_check, texts_rescan
from wanshang.health.models import Appeal
from wanshang.health.services import (
    appeal_decide,
    appeal_submit,
    deadlines_run,
    item_open,
    rule_acknowledge,
    rule_publish,
)
from wanshang.inbox.models import BroadcastRead, Message
from wanshang.inbox.selectors import message_list, unread_count

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def topics(shop) -> list[str]:
    return sorted(m.topic for m in Message.objects.filter(shop=shop))


def test_an_adlaw_rescan_gives_one_message_per_shop_with_counts(shop, other_shop, delivered_twice):
    texts_rescan()
    texts_check(shop=shop, source="coupon", source_id=1, fields={"name": "超牛好券"})
    texts_check(shop=shop, source="coupon", source_id=2, fields={"name": "超牛大促"})
    texts_check(shop=other_shop, source="coupon", source_id=3, fields={"name": "普通好券"})
    term_save(text="超牛", family="superlative", severity="warn", explanation="测试", replacements=["好物"])
    delivered_twice(lambda: texts_rescan(now=timezone.now() + timedelta(days=1)))
    delivered_twice(lambda: texts_rescan(now=timezone.now() + timedelta(days=2)))  # unchanged list: no-op
    [message] = Message.objects.filter(shop=shop)
    assert message.topic == "adlaw.rescan" and message.params["texts"] == 2
    assert message.params["terms"] == ["超牛"] and message.target_kind == "adlaw_hits"
    assert not Message.objects.filter(shop=other_shop).exists()


def test_an_adlaw_rescan_redone_after_a_crash_still_tells_the_shop(shop, delivered_twice, monkeypatch):
    from wanshang.adlaw import services

    texts_rescan()
    texts_check(shop=shop, source="coupon", source_id=1, fields={"name": "超牛好券"})
    term_save(text="超牛", family="superlative", severity="warn", explanation="测试", replacements=["好物"])
    with monkeypatch.context() as m:  # the run dies after marking the texts, before the version mark
        m.setattr(services, "_announce_new_hits", lambda **kw: (_ for _ in ()).throw(RuntimeError("killed")))
        with pytest.raises(RuntimeError):
            texts_rescan()
    delivered_twice(lambda: texts_rescan())  # the next run finds every text marked, tells the shop once
    assert topics(shop) == ["adlaw.rescan"]


def test_exemption_claim_decisions_each_give_one_message(shop, operator, delivered_twice):
    def file(text):
        return claim_file(
            shop=shop,
            user=shop.owner,
            term="第一",
            text=text,
            kind="statistic",
            note="2025年华东地区线上销量，来源：第三方统计",
            files=[SimpleUploadedFile("证明.pdf", PDF)],
        )

    a, b = file("华东销量第一"), file("全国销量第一")
    delivered_twice(lambda: claim_decide(claim_id=a.pk, reviewer=operator, approve=True, reason="证据充分"))
    delivered_twice(lambda: claim_decide(claim_id=b.pk, reviewer=operator, approve=False, reason="缺少地域"))
    assert topics(shop) == ["adlaw.claim_approved", "adlaw.claim_rejected"]
    rejected = Message.objects.get(topic="adlaw.claim_rejected")
    assert "缺少地域" in rejected.body and rejected.target_kind == "adlaw_claims"


def test_a_rule_version_is_one_broadcast_every_shop_sees(shop, other_shop, operator, delivered_twice):
    rule = delivered_twice(
        lambda: rule_publish(
            actor=operator,
            code="returns",
            title="七天无理由退货规则",
            body="买家收货后七天内可以无理由退货。",
            effective_at=timezone.now() + timedelta(days=7),
        )
    )
    [message] = Message.objects.all()
    assert (message.shop_id, message.topic, message.target_id) == (None, "rule.published", str(rule.pk))
    assert unread_count(shop=shop) == unread_count(shop=other_shop) == 1


def test_health_item_opened_deadline_near_and_points_with_the_clock_moved(shop, delivered_twice):
    item = delivered_twice(
        lambda: item_open(shop_id=shop.pk, kind="late_shipment", title="延迟发货率", now=T0)
    )
    assert topics(shop) == ["health.item_opened"]
    delivered_twice(lambda: deadlines_run(now=T0 + timedelta(hours=35)))  # 13 h before: too early
    assert topics(shop) == ["health.item_opened"]
    for hours in (36, 37, 40, 47):  # inside the 12-hour window, the job every few hours: one reminder
        delivered_twice(lambda h=hours: deadlines_run(now=T0 + timedelta(hours=h)))
    assert topics(shop) == ["health.deadline_near", "health.item_opened"]
    for hours in (48, 49, 72):
        delivered_twice(lambda h=hours: deadlines_run(now=T0 + timedelta(hours=h)))
    assert topics(shop) == ["health.deadline_near", "health.item_opened", "health.points_given"]
    points = Message.objects.get(topic="health.points_given")
    assert points.params["points"] == 3 and points.target_id == str(item.pk) and points.severity == "critical"


def test_after_downtime_the_reminder_catches_up_or_gives_way_to_the_points(shop, other_shop, delivered_twice):
    item_open(shop_id=shop.pk, kind="late_shipment", title="延迟发货率", now=T0)
    item_open(shop_id=other_shop.pk, kind="refund_rate", title="退款率", now=T0 - timedelta(hours=20))
    # the job was down from T0 + 1 h to T0 + 44 h: shop's deadline is 4 h ahead (reminded now); other_shop's
    # passed 16 h ago (points, and no reminder after the fact)
    delivered_twice(lambda: deadlines_run(now=T0 + timedelta(hours=1)))
    delivered_twice(lambda: deadlines_run(now=T0 + timedelta(hours=44)))
    assert topics(shop) == ["health.deadline_near", "health.item_opened"]
    assert topics(other_shop) == ["health.item_opened", "health.points_given"]


def test_sanctions_set_and_lifted_and_appeals_decided(shop, operator, points_rule, delivered_twice):
    points_rule("late_shipment", 6)  # one unfixed item reaches 搜索降权 (6 points)
    item = item_open(shop_id=shop.pk, kind="late_shipment", title="延迟发货率", now=T0)
    delivered_twice(lambda: deadlines_run(now=T0 + timedelta(hours=49)))
    assert "health.sanction_set" in topics(shop)
    sanction = Message.objects.get(topic="health.sanction_set")
    assert sanction.params == {"sanction_kind": "search_demote", "points": 6}
    assert "搜索降权" in sanction.title
    appeal = appeal_submit(
        shop=shop, actor=shop.owner, item_id=item.pk, reason="买家要求延后发货，有聊天记录"
    )
    delivered_twice(
        lambda: appeal_decide(actor=operator, appeal_id=appeal.pk, decision="overturn", note="证据属实")
    )
    assert topics(shop).count("health.appeal_overturned") == 1
    assert topics(shop).count("health.sanction_lifted") == 1
    other = item_open(shop_id=shop.pk, kind="refund_rate", title="退款率", now=T0)
    appeal = appeal_submit(shop=shop, actor=shop.owner, item_id=other.pk, reason="退款都是买家拍错了")
    delivered_twice(
        lambda: appeal_decide(actor=operator, appeal_id=appeal.pk, decision="uphold", note="理由不成立")
    )
    assert topics(shop).count("health.appeal_upheld") == 1
    assert Appeal.objects.count() == 2


def test_image_declaration_decisions_each_give_one_message(shop, operator, delivered_twice):
    from wanshang.media.services import declaration_mark, declaration_review, declaration_submit, image_upload
    from wanshang.media.tests.conftest import encoded, scene

    data = SimpleUploadedFile("logo.jpg", encoded(scene(1)), content_type="image/jpeg")
    asset = image_upload(shop=shop, file=data, purpose="gallery", by=shop.owner)
    declaration = declaration_mark(
        shop=shop, by=shop.owner, asset_id=asset.pk, kind="brand", subject="某品牌"
    )

    def submit(name):
        declaration_submit(
            shop=shop, by=shop.owner, declaration_id=declaration.pk, file=SimpleUploadedFile(name, PDF)
        )

    submit("授权.pdf")
    delivered_twice(
        lambda: declaration_review(
            operator=operator, declaration_id=declaration.pk, approve=False, reason="授权已过期"
        )
    )
    submit("新授权.pdf")
    delivered_twice(
        lambda: declaration_review(operator=operator, declaration_id=declaration.pk, approve=True)
    )
    assert topics(shop) == ["image.declaration_approved", "image.declaration_rejected"]
    rejected = Message.objects.get(topic="image.declaration_rejected")
    assert "授权已过期" in rejected.body and "品牌标识" in rejected.body


def test_a_patrol_report_with_findings_gives_one_message(shop, other_shop, make_product, delivered_twice):
    from wanshang.catalog.models import Product
    from wanshang.patrol.services import patrol_run_shop

    product = make_product(shop, title="巡检测试连衣裙")
    Product.objects.filter(pk=product.pk).update(title="巡检测试半身裙")  # the index did not hear of it
    report = delivered_twice(lambda: patrol_run_shop(shop=shop))
    delivered_twice(lambda: patrol_run_shop(shop=shop))  # the same day again: the finished report
    [message] = message_list(shop=shop)
    assert (message.topic, message.target_kind, message.target_id) == (
        "patrol.report",
        "patrol_report",
        str(report.pk),
    )
    assert message.params["findings"] == report.findings_count >= 1
    delivered_twice(lambda: patrol_run_shop(shop=other_shop))  # a clean shop: no message
    assert not Message.objects.filter(shop=other_shop).exists()


def test_a_failing_handler_is_retried_and_still_writes_one_message(
    shop, django_capture_on_commit_callbacks, monkeypatch
):
    from wanshang.common import events
    from wanshang.common.models import OutboxEntry
    from wanshang.inbox import subscribers

    calls = {"n": 0}
    real = subscribers.message_post

    def flaky(**kw):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real(**kw)

    monkeypatch.setattr(subscribers, "message_post", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        item_open(shop_id=shop.pk, kind="late_shipment", title="延迟发货率", now=T0)
    assert not Message.objects.exists() and OutboxEntry.objects.get().attempts == 1
    events.retry_due(now=timezone.now() + timedelta(minutes=5))
    events.retry_due(now=timezone.now() + timedelta(minutes=10))
    assert topics(shop) == ["health.item_opened"] and not OutboxEntry.objects.exists()


def test_acknowledging_a_rule_marks_its_message_read_for_that_shop_only(
    shop, other_shop, operator, delivered_twice
):
    rule = delivered_twice(
        lambda: rule_publish(
            actor=operator,
            code="returns-ack",
            title="七天无理由退货规则",
            body="买家收货后七天内可以无理由退货。",
            effective_at=timezone.now() + timedelta(days=7),
        )
    )
    assert unread_count(shop=shop) == 1
    delivered_twice(lambda: rule_acknowledge(shop=shop, actor=shop.owner, rule_id=rule.pk))
    assert unread_count(shop=shop) == 0 and unread_count(shop=other_shop) == 1
    [mark] = BroadcastRead.objects.filter(shop=shop)
    assert mark.read_by_id == shop.owner.pk and not BroadcastRead.objects.filter(shop=other_shop).exists()
    rule_acknowledge(shop=shop, actor=shop.owner, rule_id=rule.pk)  # a repeat changes nothing
    assert unread_count(shop=shop) == 0
