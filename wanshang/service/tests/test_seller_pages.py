"""The seller pages: 客服工作台 and 数据中心 · 客服数据 (who may open them, isolation, the figures)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.service.figures import percentile, service_figures
from wanshang.service.services import (
    conversation_resolve,
    conversation_start,
    message_post,
    satisfaction_submit,
)

pytestmark = pytest.mark.django_db


def test_desk_opens_for_service_and_owner_not_for_warehouse(client, shop, agent, make_agent):
    client.force_login(agent)
    page = client.get("/seller/service/desk/")
    assert page.status_code == 200 and 'data-testid="desk"' in page.content.decode()
    assert "客服工作台" in page.content.decode()  # in the menu
    client.force_login(shop.owner)
    assert client.get("/seller/service/desk/").status_code == 200
    client.force_login(make_agent(shop, role="warehouse"))
    assert client.get("/seller/service/desk/").status_code == 403


def test_desk_with_another_shops_conversation_is_404(client, buyer, other_shop, agent):
    conv = conversation_start(buyer=buyer, shop_id=other_shop.pk)
    client.force_login(agent)
    assert client.get(f"/seller/service/desk/?c={conv.pk}").status_code == 404


def test_percentile_nearest_rank():
    assert percentile([], 50) is None
    assert percentile([10, 20, 30, 40], 50) == 20
    assert percentile([10, 20, 30, 40], 90) == 40


def test_figures_per_shop_and_agent(shop, agent, make_user):
    start = timezone.now() - timedelta(hours=2)
    quick, slow = make_user(), make_user()
    for buyer, wait in ((quick, 60), (slow, 600)):
        conv = conversation_start(buyer=buyer, shop_id=shop.pk, now=start)
        message_post(user=buyer, conversation_id=conv.pk, body="在吗", now=start)
        message_post(user=agent, conversation_id=conv.pk, body="在", now=start + timedelta(seconds=wait))
        conversation_resolve(user=agent, conversation_id=conv.pk, now=start + timedelta(minutes=20))
        satisfaction_submit(buyer=buyer, conversation_id=conv.pk, stars=5 if buyer == quick else 3)
    figures = service_figures(
        shop=shop, since=start - timedelta(hours=1), until=timezone.now() + timedelta(hours=1)
    )
    s = figures["shop"]
    assert (s["asked"], s["answered"]) == (2, 2)
    assert s["first_response_p50"] == 60 and s["first_response_p90"] == 600
    assert s["quick_rate"] == 0.5
    assert s["satisfaction_avg"] == 4 and s["satisfaction_dist"][5] == 1 and s["satisfaction_dist"][3] == 1
    assert s["conversion_rate"] == 0
    [row] = figures["agents"]
    assert row["user_id"] == agent.pk and row["conversations"] == 2


def test_chat_figures_page(client, shop, agent):
    client.force_login(shop.owner)
    page = client.get("/seller/data/chat/")
    assert page.status_code == 200 and 'data-testid="chat-figures"' in page.content.decode()
    r = client.get("/seller/data/chat/?from=2026-02-01&to=2026-01-01")
    assert r.status_code == 400 and "结束日期不能早于开始日期" in r.content.decode()
    assert client.get("/seller/data/chat/?from=nonsense").status_code == 400
    client.force_login(agent)  # 客服 has no data.view
    assert client.get("/seller/data/chat/").status_code == 403
