"""联系客服 in a real browser, served over ASGI (daphne, as `runserver` serves the demo): a buyer page and an agent
page open side by side; the buyer writes, the agent sees it without reloading, answers, the buyer sees it.
Both pages must be on the live WebSocket (not the polling fallback) when the messages arrive."""

import asyncio
import socket
import threading
import time
import urllib.request

import pytest

from tests.browser.conftest import PASSWORD, TIMEOUT_MS

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def asgi_url(django_db_setup, django_db_blocker):
    """wanshang.asgi's application (HTTP + WebSockets) under daphne in a thread of this process, static files
    served as runserver does. One per session: Twisted's reactor cannot be restarted."""
    from channels.routing import ProtocolTypeRouter
    from daphne.endpoints import build_endpoint_description_strings
    from daphne.server import Server
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    with django_db_blocker.unblock():  # importing it warms caches from the database
        import wanshang.asgi

    from django.db import connection

    http = ASGIStaticFilesHandler(wanshang.asgi.django_asgi)
    if connection.vendor == "sqlite":
        # The test database is SQLite in memory with a shared cache, where two connections that touch the same
        # table at once fail at once with "database table is locked" (no busy wait): the buyer page's 已读 POST
        # and the agent's send collided now and then and a message never arrived. One HTTP request at a time,
        # as Django's own live server does on SQLite; the sockets stay concurrent.
        one_at_a_time = asyncio.Lock()

        async def http_app(scope, receive, send):
            async with one_at_a_time:
                await http(scope, receive, send)
    else:
        http_app = http
    app = ProtocolTypeRouter(
        {
            "http": http_app,
            "websocket": wanshang.asgi.application.application_mapping["websocket"],
        }
    )
    port = _free_port()
    ready = threading.Event()
    server = Server(
        application=app,
        endpoints=build_endpoint_description_strings(host="127.0.0.1", port=port),
        signal_handlers=False,
        ready_callable=ready.set,
    )
    threading.Thread(target=server.run, daemon=True).start()
    assert ready.wait(30), "daphne did not start"
    url = f"http://127.0.0.1:{port}"
    with (
        django_db_blocker.unblock()
    ):  # the first request loads templates and URLconfs: not under the page timeout
        urllib.request.urlopen(url + "/accounts/login/", timeout=120).read()
    yield url


def _login(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("手机号或邮箱", exact=True).fill(user.phone or user.email or user.username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def test_buyer_and_agent_chat_live(chromium, asgi_url, buyer, shop, make_user, make_product, shot):
    from wanshang.merchants.services import staff_add

    agent = make_user()
    staff_add(shop=shop, login=agent.phone, role="service")
    product = make_product(shop, title="真丝衬衫")
    pages = []
    for who, viewport in ((buyer, {"width": 390, "height": 800}), (agent, {"width": 1280, "height": 860})):
        ctx = chromium.new_context(base_url=asgi_url, locale="zh-CN", viewport=viewport)
        ctx.set_default_timeout(TIMEOUT_MS)
        page = ctx.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc, p=page: p.js_errors.append(str(exc)))
        _login(page, who)
        pages.append(page)
    buyer_page, agent_page = pages

    # the buyer comes from the product page (phone width) and lands in the chat with the product card
    buyer_page.goto(f"/p/{product.pk}/")
    buyer_page.get_by_test_id("contact-service-bar").click()
    buyer_page.wait_for_url("**/service/c/*/")
    thread = buyer_page.get_by_test_id("thread")
    thread.get_by_text("真丝衬衫").wait_for()
    buyer_page.locator(".chat-live.on").wait_for()

    agent_page.goto("/seller/service/desk/")
    agent_page.locator(".chat-live.on").wait_for()  # the desk socket is up: no polling from here on
    buyer_page.get_by_test_id("composer").fill("这件衬衫可以机洗吗？")
    buyer_page.get_by_role("button", name="发送").click()

    # the agent sees the conversation arrive in the queue, opens it, sees the message
    item = agent_page.get_by_test_id("queue").locator(".desk-item").first
    item.wait_for()
    assert agent_page.locator(".chat-live.on").count() == 1
    item.click()
    agent_page.get_by_test_id("thread").get_by_text("这件衬衫可以机洗吗？").wait_for()
    agent_page.get_by_test_id("composer").fill("建议手洗或干洗哦")
    agent_page.get_by_role("button", name="发送").click()

    # the buyer sees the answer without reloading, over the live socket
    thread.get_by_text("建议手洗或干洗哦").wait_for()
    assert buyer_page.locator(".chat-live.on").count() == 1
    # and the agent's next message arrives too (a second push on the same socket)
    agent_page.get_by_test_id("composer").fill("有问题随时找我")
    agent_page.keyboard.press("Enter")
    thread.get_by_text("有问题随时找我").wait_for()
    # two lines typed back to back, the second while the first is still on its way: both arrive, in order (the
    # composer used to ignore Enter during a send, then wipe the new line when the first answer came back)
    composer = agent_page.get_by_test_id("composer")
    composer.fill("第一句")
    composer.press("Enter")
    composer.fill("第二句")
    composer.press("Enter")
    thread.get_by_text("第二句").wait_for()
    texts = thread.inner_text()
    assert texts.index("第一句") < texts.index("第二句")
    time.sleep(0.3)
    shot(buyer_page, "-buyer-phone")
    shot(agent_page, "-agent")
    # the same pages in English, and the 客服数据 figures
    for page in pages:
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": asgi_url}])
        page.reload()
        page.locator(".chat-live.on").wait_for()
    buyer_page.get_by_text("End chat").wait_for()
    shot(buyer_page, "-buyer-phone-en")
    agent_page.locator(".desk-item").first.click()
    agent_page.get_by_test_id("thread").get_by_text("有问题随时找我").wait_for()
    shot(agent_page, "-agent-en")
    assert buyer_page.js_errors == [] and agent_page.js_errors == []
    # the owner's 数据中心 · 客服数据 now counts this conversation
    owner_ctx = chromium.new_context(
        base_url=asgi_url, locale="zh-CN", viewport={"width": 1280, "height": 860}
    )
    owner_ctx.set_default_timeout(TIMEOUT_MS)
    owner_page = owner_ctx.new_page()
    _login(owner_page, shop.owner)
    owner_page.goto("/seller/data/chat/")
    assert "1 位咨询买家" in owner_page.get_by_test_id("chat-figures").inner_text()
    shot(owner_page, "-figures")
    owner_ctx.close()
    for page in pages:
        page.context.close()
