import pytest


@pytest.fixture(autouse=True)
def _shop_open_around_the_clock(request, monkeypatch):
    """The chat's tests must not depend on the hour they run at: a shop with no 营业时间 of its own follows the
    default schedule, so at 23:00 Shanghai time every first message got the off-hours reply too. Here the shop is
    open unless a test says otherwise through `hd(open=False)`; test_helpdesk_wiring reads the real helpdesk."""
    if request.module.__name__.endswith("test_helpdesk_wiring"):
        return
    from wanshang.service import autoreply

    monkeypatch.setattr(autoreply, "is_open", lambda shop, at: True)


@pytest.fixture
def make_agent(make_user):
    """make_agent(shop) → a new user with the 客服 role in `shop`."""
    from wanshang.merchants.services import staff_add

    def make(shop, role="service"):
        user = make_user()
        staff_add(shop=shop, login=user.phone or user.email, role=role)
        return user

    return make


@pytest.fixture
def agent(shop, make_agent):
    return make_agent(shop)


@pytest.fixture
def agent2(shop, make_agent):
    return make_agent(shop)


@pytest.fixture
def conv(buyer, shop):
    from wanshang.service.services import conversation_start

    return conversation_start(buyer=buyer, shop_id=shop.pk)


@pytest.fixture
def hd(monkeypatch):
    """Control what helpdesk answers: hd(open=False, faq=hit, settings=...)."""
    from wanshang.service import autoreply

    state = {}

    def set_(**kw):
        state.update(kw)

    real_settings, real_faq = autoreply.settings_of, autoreply.faq_answer
    monkeypatch.setattr(autoreply, "settings_of", lambda shop: state.get("settings") or real_settings(shop))
    monkeypatch.setattr(autoreply, "is_open", lambda shop, at: state.get("open", True))
    monkeypatch.setattr(
        autoreply,
        "faq_answer",
        lambda shop, text: state["faq"](text) if "faq" in state else real_faq(shop, text),
    )
    return set_
