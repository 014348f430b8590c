from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from wanshang.helpdesk.types import FaqHit, ServiceSettingsView
from wanshang.service.models import Conversation, Message, Satisfaction
from wanshang.service.selectors import messages_after, seller_queue
from wanshang.service.services import (
    conversation_claim,
    conversation_read,
    conversation_resolve,
    conversation_start,
    conversation_transfer,
    conversations_assign_waiting,
    message_post,
    noreply_due,
    presence_set,
    satisfaction_submit,
)

pytestmark = pytest.mark.django_db

SETTINGS = ServiceSettingsView(
    welcome_text="欢迎光临",
    offhours_text="客服已下班",
    noreply_minutes=5,
    noreply_text="客服正忙，请稍候",
    faq_autoreply=True,
    agent_cap=2,
)


def rules(conv):
    return list(
        Message.objects.filter(conversation=conv, sender_kind="auto").values_list("auto_rule", flat=True)
    )


def test_start_sends_welcome_once_and_returns_the_same_open_conversation(buyer, shop, hd):
    hd(settings=SETTINGS)
    first = conversation_start(buyer=buyer, shop_id=shop.pk)
    again = conversation_start(buyer=buyer, shop_id=shop.pk)
    assert first.pk == again.pk
    assert rules(first) == ["welcome"]
    assert first.last_seq == 1 and first.buyer_unread == 1


def test_start_from_product_puts_the_card_once(buyer, shop, make_product, hd):
    hd(settings=SETTINGS)
    product = make_product(shop)
    conv = conversation_start(buyer=buyer, shop_id=shop.pk, product_id=product.pk)
    conversation_start(buyer=buyer, shop_id=shop.pk, product_id=product.pk)
    assert conv.origin == "product" and conv.product_id == product.pk
    cards = Message.objects.filter(conversation=conv, kind="product")
    assert [m.ref_id for m in cards] == [product.pk]
    card = messages_after(conversation=conv, after=0, for_buyer=True)[-1].card
    assert card["title"] == product.title


def test_start_with_another_shops_product_or_someone_elses_order_is_404(
    buyer, shop, other_shop, make_product
):
    foreign = make_product(other_shop)
    with pytest.raises(NotFound):
        conversation_start(buyer=buyer, shop_id=shop.pk, product_id=foreign.pk)
    with pytest.raises(NotFound):
        conversation_start(buyer=buyer, shop_id=shop.pk, order_id=999999)
    assert not Conversation.objects.exists()


def test_seq_increases_and_sides_count_unread(conv, buyer, agent):
    m1 = message_post(user=buyer, conversation_id=conv.pk, body="在吗")
    m2 = message_post(user=agent, conversation_id=conv.pk, body="在的，亲")
    m3 = message_post(user=agent, conversation_id=conv.pk, body="内部：老客户", kind="note")
    assert (m1.seq, m2.seq, m3.seq) == (conv.last_seq + 1, conv.last_seq + 2, conv.last_seq + 3)
    conv.refresh_from_db()
    assert conv.status == "open" and conv.first_response_at is not None and conv.assignee_id == agent.pk
    assert conv.agent_unread == 0 and conv.buyer_unread >= 1
    seen_by_buyer = [m.seq for m in messages_after(conversation=conv, after=0, for_buyer=True)]
    assert m3.seq not in seen_by_buyer and m2.seq in seen_by_buyer
    assert [m.seq for m in messages_after(conversation=conv, after=m1.seq, for_buyer=False)] == [
        m2.seq,
        m3.seq,
    ]
    conversation_read(user=buyer, conversation_id=conv.pk)
    conv.refresh_from_db()
    assert conv.buyer_unread == 0 and conv.buyer_read_seq == conv.last_seq


@pytest.mark.parametrize("body", ["", "   ", "字" * 1001])
def test_bad_message_is_refused_and_nothing_written(conv, buyer, body):
    before = Message.objects.count()
    with pytest.raises(ValidationError) as err:
        message_post(user=buyer, conversation_id=conv.pk, body=body)
    assert err.value.message
    assert Message.objects.count() == before


def test_someone_elses_conversation_is_404_for_buyer_and_other_shops_agent(
    conv, make_user, other_shop, make_agent
):
    stranger = make_user()
    foreign_agent = make_agent(other_shop)
    for user in (stranger, foreign_agent):
        with pytest.raises(NotFound):
            message_post(user=user, conversation_id=conv.pk, body="hi")
        with pytest.raises(NotFound):
            conversation_read(user=user, conversation_id=conv.pk)
    assert not Message.objects.filter(conversation=conv, sender_kind__in=["buyer", "agent"]).exists()


def test_warehouse_staff_cannot_chat(conv, shop, make_agent):
    picker = make_agent(shop, role="warehouse")
    with pytest.raises(PermissionDenied):
        message_post(user=picker, conversation_id=conv.pk, body="hi")


def test_buyer_cannot_write_notes(conv, buyer):
    with pytest.raises(NotFound):
        message_post(user=buyer, conversation_id=conv.pk, body="x", kind="note")


def test_offhours_message_once_per_waiting_stretch(conv, buyer, agent, hd):
    hd(settings=SETTINGS, open=False)
    message_post(user=buyer, conversation_id=conv.pk, body="有人吗")
    message_post(user=buyer, conversation_id=conv.pk, body="有人吗？？")
    assert rules(conv).count("offhours") == 1
    message_post(user=agent, conversation_id=conv.pk, body="来了")
    message_post(user=buyer, conversation_id=conv.pk, body="又有问题")
    assert rules(conv).count("offhours") == 2  # a new stretch after an agent answered


def test_faq_answers_before_hand_off_only(conv, buyer, agent, hd):
    hd(
        settings=SETTINGS,
        faq=lambda text: FaqHit(faq_id=7, question="几天发货", answer="48小时内发货", score=0.9),
    )
    message_post(user=buyer, conversation_id=conv.pk, body="什么时候发货")
    assert rules(conv).count("faq") == 1
    message_post(user=agent, conversation_id=conv.pk, body="您好")
    message_post(user=buyer, conversation_id=conv.pk, body="什么时候发货")
    assert rules(conv).count("faq") == 1  # an agent has taken over


def test_noreply_job_posts_once_per_stretch_when_run_twice(conv, buyer, agent, hd):
    hd(settings=SETTINGS)
    start = timezone.now()
    message_post(user=buyer, conversation_id=conv.pk, body="在吗", now=start)
    assert noreply_due(now=start + timedelta(minutes=4)) == 0
    assert noreply_due(now=start + timedelta(minutes=6)) == 1
    assert noreply_due(now=start + timedelta(minutes=7)) == 0
    assert rules(conv).count("noreply") == 1
    message_post(user=agent, conversation_id=conv.pk, body="在", now=start + timedelta(minutes=8))
    message_post(user=buyer, conversation_id=conv.pk, body="还有", now=start + timedelta(minutes=9))
    assert noreply_due(now=start + timedelta(minutes=20)) == 1
    assert rules(conv).count("noreply") == 2


def test_round_robin_among_online_agents_under_cap(shop, agent, agent2, make_user, hd):
    hd(settings=SETTINGS)  # cap 2
    now = timezone.now()
    presence_set(user=agent, online=True, now=now)
    presence_set(user=agent2, online=True, now=now)
    assignees = []
    for _ in range(5):
        b = make_user()
        c = conversation_start(buyer=b, shop_id=shop.pk)
        message_post(user=b, conversation_id=c.pk, body="你好", now=now)
        assignees.append(Conversation.objects.get(pk=c.pk).assignee_id)
    assert sorted(assignees[:4]) == sorted([agent.pk, agent.pk, agent2.pk, agent2.pk])
    assert assignees[0] != assignees[1]
    assert assignees[4] is None  # both at their cap: it waits in the queue
    conversation_resolve(user=agent, conversation_id=Conversation.objects.filter(assignee=agent).first().pk)
    assert conversations_assign_waiting(now=now) == 1


def test_offline_agent_gets_nothing(conv, buyer, agent, hd):
    hd(settings=SETTINGS)
    presence_set(user=agent, online=False)
    message_post(user=buyer, conversation_id=conv.pk, body="你好")
    assert Conversation.objects.get(pk=conv.pk).assignee_id is None


def test_claim_and_transfer(conv, shop, buyer, agent, agent2, other_shop, make_agent):
    message_post(user=buyer, conversation_id=conv.pk, body="你好")
    conversation_claim(shop=shop, user=agent, conversation_id=conv.pk)
    with pytest.raises(Conflict):
        conversation_claim(shop=shop, user=agent2, conversation_id=conv.pk)
    moved = conversation_transfer(shop=shop, user=agent, conversation_id=conv.pk, to_user_id=agent2.pk)
    assert moved.assignee_id == agent2.pk
    assert Message.objects.filter(conversation=conv, kind="note", body__contains="已转接").exists()
    with pytest.raises(ValidationError):
        conversation_transfer(
            shop=shop, user=agent2, conversation_id=conv.pk, to_user_id=make_agent(other_shop).pk
        )
    with pytest.raises(NotFound):
        conversation_claim(shop=other_shop, user=make_agent(other_shop), conversation_id=conv.pk)


def test_resolve_then_rate_once(conv, buyer, agent):
    message_post(user=buyer, conversation_id=conv.pk, body="你好")
    message_post(user=agent, conversation_id=conv.pk, body="您好")
    with pytest.raises(InvalidTransition):
        satisfaction_submit(buyer=buyer, conversation_id=conv.pk, stars=5)
    conversation_resolve(user=agent, conversation_id=conv.pk)
    with pytest.raises(InvalidTransition):
        conversation_resolve(user=agent, conversation_id=conv.pk)
    with pytest.raises(InvalidTransition):
        message_post(user=agent, conversation_id=conv.pk, body="还在吗")
    with pytest.raises(ValidationError):
        satisfaction_submit(buyer=buyer, conversation_id=conv.pk, stars=6)
    rating = satisfaction_submit(buyer=buyer, conversation_id=conv.pk, stars=5, comment="很耐心")
    assert rating.agent_id == agent.pk
    with pytest.raises(Conflict):
        satisfaction_submit(buyer=buyer, conversation_id=conv.pk, stars=1)
    assert Satisfaction.objects.count() == 1
    # writing again starts a new conversation
    again = conversation_start(buyer=buyer, shop_id=conv.shop_id)
    assert again.pk != conv.pk


def test_queue_is_per_shop(conv, buyer, shop, other_shop, agent, make_agent):
    message_post(user=buyer, conversation_id=conv.pk, body="你好")
    foreign = make_agent(other_shop)
    assert list(seller_queue(shop=shop, user=agent, tab="waiting")) == [Conversation.objects.get(pk=conv.pk)]
    assert list(seller_queue(shop=other_shop, user=foreign, tab="all")) == []


def test_image_message_through_media(conv, buyer):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 200)).save(out, "PNG")
    msg = message_post(
        user=buyer,
        conversation_id=conv.pk,
        kind="image",
        image=SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png"),
    )
    assert msg.asset.source == "buyer" and msg.asset.shop_id == conv.shop_id
    bad = SimpleUploadedFile("a.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError):
        message_post(user=buyer, conversation_id=conv.pk, kind="image", image=bad)
