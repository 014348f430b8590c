"""The chat against the real helpdesk (no stand-ins): the shop's saved settings, its FAQ and quick phrases,
转工单 and SLA figures."""

import pytest

from wanshang.helpdesk.services import faq_category_save, faq_create, phrase_create, service_settings_save
from wanshang.service.models import Message
from wanshang.service.selectors import faq_suggestions_for, phrases_rendered
from wanshang.service.services import conversation_start, conversation_ticket, message_post

pytestmark = pytest.mark.django_db


def test_saved_settings_and_faq_answer_the_buyer(buyer, shop, agent):
    service_settings_save(
        shop=shop,
        welcome_text="欢迎来到本店",
        offhours_text="下班了",
        noreply_minutes=0,
        noreply_text="",
        faq_autoreply=True,
        agent_cap=5,
    )
    cat = faq_category_save(shop=shop, name="物流")
    faq_create(
        shop=shop,
        category_id=cat.pk,
        question="什么时候发货",
        phrasings=["几天发货", "多久发货"],
        answer="付款后48小时内发货",
    )
    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    message_post(user=buyer, conversation_id=conv.pk, body="请问什么时候发货？")
    auto = list(
        Message.objects.filter(conversation=conv, sender_kind="auto").values_list("auto_rule", "body")
    )
    assert auto[0] == ("welcome", "欢迎来到本店")
    assert ("faq", "付款后48小时内发货") in auto
    conv.refresh_from_db()
    assert [h.answer for h in faq_suggestions_for(conversation=conv)][:1] == ["付款后48小时内发货"]


def test_phrases_are_filled_for_the_conversation(buyer, shop, agent):
    phrase_create(shop=shop, actor=shop.owner, personal=False, code="hi", text="{买家}您好，请稍等")
    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    texts = [p["text"] for p in phrases_rendered(conversation=conv, user=agent)]
    assert f"{buyer}您好，请稍等" in texts


def test_ticket_from_a_conversation_leaves_a_note(buyer, shop, agent):
    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    message_post(user=buyer, conversation_id=conv.pk, body="发票还没收到")
    ticket = conversation_ticket(shop=shop, user=agent, conversation_id=conv.pk, title="补开发票")
    assert ticket.title == "补开发票"
    note = Message.objects.filter(conversation=conv, kind="note").last()
    assert "补开发票" in note.body and ticket.no in note.body
