"""The inbox itself: one message per dedupe key, broadcasts stored once and read per shop, read state per shop
(and who read it), filters, isolation by shop (by id too), bad input, and the bell's one count query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from wanshang.accounts.models import User
from wanshang.common.errors import NotFound, ValidationError
from wanshang.inbox.models import BroadcastRead, Message
from wanshang.inbox.selectors import message_get, message_list, parse_unread, shown, unread_count
from wanshang.inbox.services import message_mark_read, message_post, messages_mark_all_read
from wanshang.merchants.models import Shop

pytestmark = pytest.mark.django_db


def _item(shop, n=1, **kw):
    return message_post(
        shop_id=shop.pk,
        topic_code="health.item_opened",
        params={
            "title": f"延迟发货率{n}",
            "kind": "late_shipment",
            "deadline_at": "2026-03-04T09:00:00+08:00",
        },
        dedupe_key=f"test:{shop.pk}:{n}",
        target_id=n,
        **kw,
    )


def _rule(n=1, now=None):
    return message_post(
        shop_id=None,
        topic_code="rule.published",
        params={
            "title": "七天无理由退货规则",
            "code": "returns",
            "version": n,
            "effective_at": "2026-03-04T00:00:00+08:00",
        },
        dedupe_key=f"test-rule:{n}",
        target_id=n,
        now=now,
    )


def test_a_dedupe_key_writes_one_message(shop):
    first = _item(shop)
    assert first is not None and _item(shop) is None
    assert Message.objects.count() == 1
    assert (first.kind, first.severity, first.target_kind, first.target_id) == (
        "health",
        "warning",
        "health_item",
        "1",
    )
    assert first.title == "体检中心发现问题：延迟发货率1" and "2026-03-04 09:00" in first.body


def test_a_broadcast_is_one_row_read_per_shop_with_many_shops(shop, other_shop, make_user):
    owner = make_user()
    Shop.objects.bulk_create(
        [
            Shop(name=f"批量店铺{i}", slug=f"bulk-{i}", company_name="某公司", credit_code="x")
            for i in range(400)
        ]
    )
    with CaptureQueriesContext(connection) as publish:
        _rule()
    assert Message.objects.count() == 1 and not BroadcastRead.objects.exists()
    assert len([q for q in publish.captured_queries if "INSERT" in q["sql"]]) == 1  # not one per shop

    shops = list(Shop.objects.order_by("pk"))
    assert len(shops) == 402
    assert all(unread_count(shop=s) == 1 for s in shops[::40])
    message_mark_read(shop=shop, user=owner, message_id=Message.objects.get().pk)
    assert unread_count(shop=shop) == 0 and unread_count(shop=other_shop) == 1
    assert BroadcastRead.objects.count() == 1  # one read mark: the shop that read it
    read = message_get(shop=shop, message_id=Message.objects.get().pk)
    assert read.seen_by_id == owner.pk and read.seen_at is not None
    assert message_get(shop=other_shop, message_id=read.pk).seen_at is None


def test_a_broadcast_from_before_a_shop_opened_is_not_news_to_it(shop):
    _rule(now=shop.created_at - timedelta(days=1))
    assert unread_count(shop=shop) == 0 and list(message_list(shop=shop)) == []


def test_read_state_records_who_read_first_and_mark_all_read_covers_both_kinds(shop):
    owner, clerk = shop.owner, User.objects.exclude(pk=shop.owner.pk).first() or shop.owner
    a, b = _item(shop, 1), _item(shop, 2)
    _rule()
    assert unread_count(shop=shop) == 3
    message_mark_read(shop=shop, user=owner, message_id=a.pk)
    message_mark_read(shop=shop, user=clerk, message_id=a.pk)  # again: the first reader stays
    a.refresh_from_db()
    assert a.read_by_id == owner.pk
    assert [m.pk for m in message_list(shop=shop, unread=True)][-1] == b.pk
    assert messages_mark_all_read(shop=shop, user=owner) == 2
    assert unread_count(shop=shop) == 0
    assert messages_mark_all_read(shop=shop, user=owner) == 0
    assert [m.pk for m in message_list(shop=shop, unread=False)] != []


def test_mark_all_read_of_one_kind_leaves_the_others(shop):
    _item(shop)
    _rule()
    assert messages_mark_all_read(shop=shop, user=shop.owner, kind="rule") == 1
    assert [m.kind for m in message_list(shop=shop, unread=True)] == ["health"]
    assert [m.kind for m in message_list(shop=shop, kind="rule")] == ["rule"]


def test_shop_b_cannot_list_read_or_mark_shop_a_messages(shop, other_shop):
    a = _item(shop)
    assert list(message_list(shop=other_shop)) == []
    assert unread_count(shop=other_shop) == 0
    with pytest.raises(NotFound):
        message_get(shop=other_shop, message_id=a.pk)
    with pytest.raises(NotFound):
        message_mark_read(shop=other_shop, user=other_shop.owner, message_id=a.pk)
    assert messages_mark_all_read(shop=other_shop, user=other_shop.owner) == 0
    a.refresh_from_db()
    assert a.read_at is None and unread_count(shop=shop) == 1


@pytest.mark.parametrize("bad", ["x", "", None, "-1", "0", str(2**63), "1.5"])
def test_bad_message_ids_are_not_found(shop, bad):
    _item(shop)
    with pytest.raises(NotFound):
        message_mark_read(shop=shop, user=shop.owner, message_id=bad)


def test_bad_filters_and_bad_posts_are_refused(shop):
    with pytest.raises(ValidationError):
        message_list(shop=shop, kind="spam")
    with pytest.raises(ValidationError):
        messages_mark_all_read(shop=shop, user=shop.owner, kind="spam")
    with pytest.raises(ValidationError):
        parse_unread("maybe")
    assert (parse_unread("1"), parse_unread("0"), parse_unread("")) == (True, False, None)
    with pytest.raises(ValidationError):
        message_post(shop_id=shop.pk, topic_code="nope", params={}, dedupe_key="k")
    with pytest.raises(ValidationError):
        message_post(shop_id=shop.pk, topic_code="patrol.report", params={}, dedupe_key="")
    assert not Message.objects.exists()


def test_the_unread_count_is_one_query_however_many_messages(shop, other_shop):
    for n in range(30):
        _item(shop, n)
        _rule(n)
    _item(other_shop, 99)
    message_mark_read(shop=shop, user=shop.owner, message_id=Message.objects.filter(shop=None).first().pk)
    with CaptureQueriesContext(connection) as ctx:
        assert unread_count(shop=shop) == 59
    assert len(ctx.captured_queries) == 1
    assert "COUNT(" in ctx.captured_queries[0]["sql"].upper()


def test_messages_render_in_the_reader_language(shop):
    message = _item(shop)
    with translation.override("en"):
        row = shown(message_get(shop=shop, message_id=message.pk))
    assert row.shown_title.startswith("Health check found a problem")
    assert "延迟发货率1" in row.shown_title  # the item's own title is data
    assert row.kind_label == "Health"
    row = shown(message_get(shop=shop, message_id=message.pk))
    assert row.shown_title == "体检中心发现问题：延迟发货率1"


def test_a_message_whose_params_no_longer_fit_shows_its_stored_text(shop):
    message = _item(shop)
    Message.objects.filter(pk=message.pk).update(params={})
    row = shown(message_get(shop=shop, message_id=message.pk))
    assert row.shown_title == "体检中心发现问题：延迟发货率1"
    assert timezone.now() >= row.created_at
