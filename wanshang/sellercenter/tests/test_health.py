"""体检中心 in the seller center: the board shows each indicator with its definition, items with their deadline
countdown, points, sanctions and the credit level; mark fixed and appeal by form and API; the rules center;
another shop's items are 404 everywhere; bad input changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.health.selectors import item_appeals, seller_appeals, seller_item_get
from wanshang.health.services import deadlines_run, indicators_compute, item_open, rule_publish
from wanshang.merchants.services import staff_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(shop):
    now = timezone.now()
    penalised = item_open(
        shop_id=shop.pk,
        kind="late_shipment",
        title="延迟发货率",
        detail="延迟发货率 20.0%",
        now=now - timedelta(days=3),
    )
    deadlines_run(now=now)
    fresh = item_open(shop_id=shop.pk, kind="refund_rate", title="退款率", detail="退款率 30.0%", now=now)
    return penalised, fresh


def test_the_board_shows_indicators_with_definitions_items_and_points(owner_client, shop, items):
    indicators_compute(now=timezone.now())
    page = owner_client.get("/seller/health/").content.decode()
    assert "延迟发货率" in page and "近30天发货截止时间已到的订单中" in page  # the definition is on the page
    assert "退款率" in page and "剩余" in page  # the open item's countdown
    assert 'data-testid="live-points">3<' in page
    assert "信用等级" in page and "一钻" in page
    penalised_tab = owner_client.get("/seller/health/?status=penalised").content.decode()
    assert f'data-item="{items[0].pk}"' in penalised_tab and f'data-item="{items[1].pk}"' not in penalised_tab


def test_mark_fixed_and_appeal_by_form(owner_client, shop, items):
    penalised, fresh = items
    response = owner_client.post(f"/seller/health/items/{fresh.pk}/fix/", {"note": "已优化售后流程"})
    assert response.status_code == 302
    fresh = seller_item_get(shop=shop, item_id=fresh.pk)
    assert (fresh.status, fresh.fix_note) == ("fixed", "已优化售后流程")
    owner_client.post(
        f"/seller/health/items/{penalised.pk}/appeal/",
        {"reason": "超时订单为买家要求延后", "evidence": "聊天记录"},
    )
    assert [a.item_id for a in seller_appeals(shop=shop)] == [penalised.pk]
    page = owner_client.get(f"/seller/health/items/{penalised.pk}/").content.decode()
    assert "超时订单为买家要求延后" in page and "待平台处理" in page


@pytest.mark.parametrize("data", [{}, {"note": ""}, {"note": "x"}, {"note": "长" * 501}])
def test_a_bad_fix_note_changes_nothing(owner_client, shop, items, data):
    fresh = items[1]
    response = owner_client.post(f"/seller/health/items/{fresh.pk}/fix/", data, follow=True)
    assert response.status_code == 200 and "整改说明" in response.content.decode()
    assert seller_item_get(shop=shop, item_id=fresh.pk).status == "open"


def test_a_bad_appeal_changes_nothing(owner_client, shop, items):
    owner_client.post(f"/seller/health/items/{items[0].pk}/appeal/", {"reason": "短"})
    assert not seller_appeals(shop=shop).exists()


def test_another_shops_items_are_404(make_shop, client, shop, items):
    other = make_shop()
    client.force_login(other.owner)
    penalised, fresh = items
    assert client.get(f"/seller/health/items/{fresh.pk}/").status_code == 404
    assert client.post(f"/seller/health/items/{fresh.pk}/fix/", {"note": "别人的整改"}).status_code == 404
    assert (
        client.post(f"/seller/health/items/{penalised.pk}/appeal/", {"reason": "别人的申诉理由"}).status_code
        == 404
    )
    assert f'data-item="{fresh.pk}"' not in client.get("/seller/health/?status=all").content.decode()
    api = "/api/seller/health"
    assert client.get(f"{api}/items/{fresh.pk}").status_code == 404
    assert (
        client.post(
            f"{api}/items/{fresh.pk}/fix", {"note": "别人的整改"}, content_type="application/json"
        ).status_code
        == 404
    )
    appeal = client.post(
        f"{api}/items/{penalised.pk}/appeal", {"reason": "别人的申诉理由"}, content_type="application/json"
    )
    assert appeal.status_code == 404
    assert client.get(f"{api}/items").json()["count"] == 0
    assert client.get(f"{api}/points").json()["count"] == 0
    assert client.get(api).json()["live_points"] == 0
    assert seller_item_get(shop=shop, item_id=fresh.pk).status == "open"
    assert item_appeals(item=fresh) == []


def test_a_role_without_the_permission_is_refused(shop, client, make_user):
    clerk = make_user()
    staff_add(shop=shop, login=clerk.phone, role="warehouse")
    client.force_login(clerk)
    assert client.get("/seller/health/").status_code == 403
    assert client.get("/api/seller/health").status_code == 403


def test_rules_banner_and_acknowledgement(owner_client, shop, operator):
    rule = rule_publish(
        actor=operator,
        code="shipping",
        title="发货规则",
        body="商家应在承诺时间内发货。",
        effective_at=timezone.now() + timedelta(days=1),
    )
    assert 'data-testid="rules-banner"' in owner_client.get("/seller/").content.decode()
    page = owner_client.get("/seller/health/rules/").content.decode()
    assert "发货规则" in page and "我已阅读并确认" in page
    owner_client.post(f"/seller/health/rules/{rule.pk}/ack/")
    assert 'data-testid="rules-banner"' not in owner_client.get("/seller/").content.decode()
    assert "已确认" in owner_client.get("/seller/health/rules/").content.decode()
    assert owner_client.post("/seller/health/rules/999999/ack/").status_code == 404
