"""客服设置 defaults and validation; quick phrases: scopes, codes, permission, variables."""

import pytest

from wanshang.common.errors import NotFound, PermissionDenied, ValidationError
from wanshang.helpdesk import selectors, services
from wanshang.helpdesk.types import ServiceSettingsView

GOOD = {
    "welcome_text": "欢迎光临",
    "offhours_text": "下班啦",
    "noreply_minutes": 5,
    "noreply_text": "请稍候",
    "faq_autoreply": False,
    "agent_cap": 8,
}


def test_defaults_when_never_configured(shop):
    view = selectors.service_settings(shop)
    assert isinstance(view, ServiceSettingsView)
    assert (
        "欢迎" in view.welcome_text
        and view.noreply_minutes == 3
        and view.faq_autoreply
        and view.agent_cap == 10
    )


def test_settings_saved_and_read(shop):
    services.service_settings_save(shop=shop, **GOOD)
    view = selectors.service_settings(shop)
    assert (view.welcome_text, view.noreply_minutes, view.faq_autoreply, view.agent_cap) == (
        "欢迎光临",
        5,
        False,
        8,
    )


@pytest.mark.parametrize(
    "change",
    [
        {"welcome_text": ""},
        {"welcome_text": "长" * 301},
        {"noreply_minutes": -1},
        {"noreply_minutes": "abc"},
        {"noreply_minutes": 5, "noreply_text": ""},
        {"agent_cap": 0},
        {"agent_cap": 10_000},
        {"faq_threshold": 5},
    ],
)
def test_bad_settings_refused_and_nothing_written(shop, change):
    with pytest.raises(ValidationError):
        services.service_settings_save(shop=shop, **(GOOD | change))
    assert selectors.service_settings(shop) == selectors.DEFAULTS


def test_phrase_render_variables():
    text = "亲爱的{买家}，您的订单{订单号}（{商品}）已发出，物流单号{物流单号}。{未知}"
    out = selectors.phrase_render(text, {"买家": "小王", "order_no": "W123", "product": "连衣裙"})
    assert out == "亲爱的小王，您的订单W123（连衣裙）已发出，物流单号{物流单号}。{未知}"
    assert selectors.phrase_render("{买家}", {}) == "{买家}"
    assert selectors.phrase_render("{{买家}} {", {"买家": 1}) == "{1} {"
    assert selectors.phrase_render("", None) == ""


def test_shop_and_personal_phrases(shop, agent, make_agent):
    owner = shop.owner
    wide = services.phrase_create(
        shop=shop, actor=owner, personal=False, category="售后", code="/th", text="退货地址…"
    )
    mine = services.phrase_create(shop=shop, actor=agent, personal=True, code="th", text="我的退货话术")
    other = make_agent(shop)
    assert mine.code == "/th"  # the same code in another scope is fine
    assert [p.id for p in selectors.phrases_for(shop, agent)] == [wide.pk, mine.pk]
    assert [p.id for p in selectors.phrases_for(shop, other)] == [wide.pk]  # personal phrases stay personal
    with pytest.raises(NotFound):
        services.phrase_delete(shop=shop, actor=other, phrase_id=mine.pk)
    with pytest.raises(PermissionDenied):  # an agent may not edit shop-wide phrases
        services.phrase_update(shop=shop, actor=agent, phrase_id=wide.pk, text="改掉")
    with pytest.raises(PermissionDenied):
        services.phrase_create(shop=shop, actor=agent, personal=False, text="全店")


@pytest.mark.parametrize(
    "fields",
    [{"text": ""}, {"text": "x" * 501}, {"text": "ok", "code": "/退货"}, {"text": "ok", "code": "/a b"}],
)
def test_bad_phrases_refused(shop, agent, fields):
    with pytest.raises(ValidationError):
        services.phrase_create(shop=shop, actor=agent, personal=True, **fields)
    assert selectors.phrases_for(shop, agent) == []


def test_duplicate_code_in_one_scope_refused(shop, agent):
    services.phrase_create(shop=shop, actor=agent, personal=True, code="/hi", text="您好")
    with pytest.raises(ValidationError):
        services.phrase_create(shop=shop, actor=agent, personal=True, code="/HI", text="再见")


def test_phrases_isolated_between_shops(shop, other_shop):
    services.phrase_create(shop=shop, actor=shop.owner, personal=False, code="/a", text="A店")
    assert selectors.phrases_for(other_shop, other_shop.owner) == []
    with pytest.raises(PermissionDenied):  # B's owner cannot write into A
        services.phrase_create(shop=shop, actor=other_shop.owner, personal=True, text="x")
