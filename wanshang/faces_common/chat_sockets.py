"""The customer-service chat's WebSockets (mounted by wanshang/asgi.py), for the buyer's chat page and the
seller 客服工作台. They only notify ("conversation X has seq N"); clients fetch messages over HTTP
after their last seen seq. Authenticated by the session cookie (AuthMiddlewareStack) behind an origin check
(AllowedHostsOriginValidator): no token in the URL.

- /ws/service/conversations/<id>/ — the buyer of that conversation, or the shop's 客服 staff;
- /ws/service/desk/ — the workbench: every change in the caller's shop.

A refused socket is closed with 4401 (not signed in) or 4403 (not yours).
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.urls import path

from wanshang.service.selectors import conversation_group, desk_shop_id, shop_group, socket_side
from wanshang.service.services import presence_set


class _Base(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def _refuse(self, code: int) -> None:
        await self.accept()  # a close code reaches the browser only after the handshake
        await self.close(code=code)

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def service_changed(self, event):
        await self.send_json({k: event[k] for k in ("conversation", "seq", "status", "kind")})

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})


class ConversationConsumer(_Base):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self._refuse(4401)
        conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        side = await database_sync_to_async(socket_side)(user=user, conversation_id=conversation_id)
        if side is None:
            return await self._refuse(4403)
        self.group = conversation_group(conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()


class DeskConsumer(_Base):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self._refuse(4401)
        shop_id = await database_sync_to_async(desk_shop_id)(user=user)
        if shop_id is None:
            return await self._refuse(4403)
        self.group = shop_group(shop_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await database_sync_to_async(presence_set)(user=user)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":  # the workbench's heartbeat keeps the agent "seen"
            await database_sync_to_async(presence_set)(user=self.scope["user"])
            await self.send_json({"type": "pong"})


websocket_urlpatterns = [
    path("ws/service/conversations/<int:conversation_id>/", ConversationConsumer.as_asgi()),
    path("ws/service/desk/", DeskConsumer.as_asgi()),
]
