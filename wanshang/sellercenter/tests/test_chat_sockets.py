"""The chat's WebSockets: authenticated by the session, only for the conversation's buyer and the shop's
agents, notify only; a client that was away re-syncs over HTTP from its last seen seq."""

import threading

import pytest
from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.testing import WebsocketCommunicator
from django.test import Client

from wanshang.faces_common.chat_sockets import websocket_urlpatterns
from wanshang.service.services import conversation_start, message_post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def make_agent(make_user):
    from wanshang.merchants.services import staff_add

    def make(shop):
        user = make_user()
        staff_add(shop=shop, login=user.phone, role="service")
        return user

    return make


@pytest.fixture
def agent(shop, make_agent):
    return make_agent(shop)


# wanshang/asgi.py's websocket stack (importing that module warms caches from the database at import time)
application = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


def run(coroutine_fn):
    """Run an async test body in a thread of its own: in a process where the browser tests ran, Playwright keeps
    an event loop in the main thread, and async_to_sync refuses a thread with a running loop."""
    outcome = {}

    def target():
        try:
            outcome["value"] = async_to_sync(coroutine_fn)()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def cookie_of(user) -> bytes:
    c = Client()
    c.force_login(user)
    return f"sessionid={c.cookies['sessionid'].value}".encode()


def socket(path, cookie=None, origin=b"http://testserver"):
    """A socket to `path` with a session cookie (from cookie_of, made before the event loop runs)."""
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


async def refused(comm) -> int | None:
    connected, code = await comm.connect()
    if not connected:
        return code or 403
    out = await comm.receive_output(timeout=2)
    await comm.disconnect()
    return out.get("code") if out["type"] == "websocket.close" else None


def test_dropped_socket_resyncs_by_cursor(buyer, shop, agent):
    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    post = database_sync_to_async(message_post)
    buyer_cookie = cookie_of(buyer)

    async def body():
        comm = socket(f"/ws/service/conversations/{conv.pk}/", buyer_cookie)
        connected, _ = await comm.connect()
        assert connected
        msg = await post(user=agent, conversation_id=conv.pk, body="您好")
        hint = await comm.receive_json_from(timeout=3)
        assert hint["conversation"] == conv.pk and hint["seq"] == msg.seq
        assert "body" not in hint  # the socket only notifies
        last_seen = hint["seq"]
        await comm.disconnect()
        # away: the agent writes twice and nobody is listening
        await post(user=agent, conversation_id=conv.pk, body="在吗？")
        await post(user=agent, conversation_id=conv.pk, body="有问题随时找我")
        comm = socket(f"/ws/service/conversations/{conv.pk}/", buyer_cookie)
        assert (await comm.connect())[0]
        assert await comm.receive_nothing(timeout=0.2)
        await comm.disconnect()
        return last_seen

    last_seen = run(body)
    store = Client()
    store.force_login(buyer)
    missed = store.get(f"/api/store/service/conversations/{conv.pk}/messages?after={last_seen}").json()
    assert [m["body"] for m in missed["items"]] == ["在吗？", "有问题随时找我"]
    assert missed["last_seq"] == last_seen + 2


def test_a_restarted_server_loses_its_channel_layer_not_the_messages(buyer, shop, agent):
    """A server restart drops every group membership and every hint in flight (the in-memory layer starts empty;
    Redis' layer expires groups). Messages written meanwhile are in the database: the reconnecting client asks
    for what follows its last seen seq and gets all of it, in order."""
    from channels.layers import channel_layers

    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    post = database_sync_to_async(message_post)
    buyer_cookie = cookie_of(buyer)

    async def before_restart():
        comm = socket(f"/ws/service/conversations/{conv.pk}/", buyer_cookie)
        assert (await comm.connect())[0]
        first = await post(user=agent, conversation_id=conv.pk, body="您好，在的")
        assert (await comm.receive_json_from(timeout=3))["seq"] == first.seq
        # the process dies: the socket goes without a close frame, and a hint sent now reaches nobody
        await post(user=agent, conversation_id=conv.pk, body="订单已备货")
        return first.seq

    last_seen = run(before_restart)
    old_layer = channel_layers["default"]
    channel_layers.backends.clear()  # a new process builds a new, empty layer
    assert channel_layers["default"] is not old_layer
    message_post(user=agent, conversation_id=conv.pk, body="今天下午发出")  # while the server was down

    async def after_restart():
        comm = socket(f"/ws/service/conversations/{conv.pk}/", buyer_cookie)
        assert (await comm.connect())[0]
        latest = await post(user=agent, conversation_id=conv.pk, body="单号稍后同步")
        hint = await comm.receive_json_from(timeout=3)  # the new layer delivers again
        await comm.disconnect()
        return hint["seq"], latest.seq

    hinted, latest = run(after_restart)
    assert hinted == latest
    store = Client()
    store.force_login(buyer)
    missed = store.get(f"/api/store/service/conversations/{conv.pk}/messages?after={last_seen}").json()
    assert [m["body"] for m in missed["items"]] == ["订单已备货", "今天下午发出", "单号稍后同步"]
    assert [m["seq"] for m in missed["items"]] == [last_seen + 1, last_seen + 2, last_seen + 3]


def test_socket_refused_without_session_or_for_someone_elses_conversation(
    buyer, shop, make_user, other_shop, make_agent
):
    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    stranger, foreign = cookie_of(make_user()), cookie_of(make_agent(other_shop))
    buyer_cookie = cookie_of(buyer)

    async def body():
        path = f"/ws/service/conversations/{conv.pk}/"
        assert await refused(socket(path)) == 4401
        assert await refused(socket(path, stranger)) == 4403
        assert await refused(socket(path, foreign)) == 4403
        assert await refused(socket("/ws/service/desk/", buyer_cookie)) == 4403
        assert await refused(socket(path, buyer_cookie, origin=b"http://evil.example")) is not None

    run(body)


def test_desk_socket_hears_only_its_own_shop(buyer, shop, agent, other_shop, make_agent):
    conv = conversation_start(buyer=buyer, shop_id=shop.pk)
    foreign = cookie_of(make_agent(other_shop))
    agent_cookie = cookie_of(agent)
    post = database_sync_to_async(message_post)

    async def body():
        mine, theirs = socket("/ws/service/desk/", agent_cookie), socket("/ws/service/desk/", foreign)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        await post(user=buyer, conversation_id=conv.pk, body="你好")
        hint = await mine.receive_json_from(timeout=3)
        assert hint["conversation"] == conv.pk
        assert await theirs.receive_nothing(timeout=0.3)
        await mine.disconnect()
        await theirs.disconnect()

    run(body)


@pytest.mark.redis
def test_hints_travel_through_the_redis_channel_layer(settings, buyer, shop, agent):
    """Production's layer: the same dropped-socket re-sync with channels_redis (REDIS_URL)."""
    import os

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": f"test-{os.getpid()}"},
        }
    }
    test_dropped_socket_resyncs_by_cursor(buyer, shop, agent)
