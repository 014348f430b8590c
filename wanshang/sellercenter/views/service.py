"""客服工作台: the queue of the shop's conversations, the thread with its composer (quick phrases by picker or short
code, FAQ suggestions, internal notes), the buyer's recent orders and cases beside it, claim, transfer, resolve
and 转工单. The page is a shell: its script keeps the queue and the thread in step over /api/seller/service/…
and the desk WebSocket (wanshang/faces_common/chat_sockets.py), polling when the socket is down."""

import json

from django.utils.translation import gettext as _

from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.service.selectors import ORIGIN_LABELS, QUEUE_TABS, agents, presence_of, seller_conversation_get


@seller_view(P.SERVICE_HANDLE)
def desk(request):
    opened = request.GET.get("c", "")
    conversation_id = None
    if opened.isdigit() and len(opened) < 18:
        conversation_id = seller_conversation_get(shop=request.shop, conversation_id=int(opened)).pk
    presence = presence_of(user=request.user)
    config = {
        "api": "/api/seller/service",
        "ws": "/ws/service/desk/",
        "me": request.user.pk,
        "open": conversation_id,
        "online": bool(presence and presence.online),
        "agents": [a for a in agents(shop=request.shop) if a["user_id"] != request.user.pk],
        "tabs": [[key, str(label)] for key, label in QUEUE_TABS.items()],
        "origins": {key: str(label) for key, label in ORIGIN_LABELS.items()},
        "t": {
            "confirmResolve": _("确定结束这个会话吗？买家随后可以评价一次。"),
            "ticketTitle": _("工单标题"),
            "ticketMade": _("已转工单"),
        },
    }
    return seller_render(
        request, "sellercenter/service/desk.html", {"desk_config": json.dumps(config)}, active="service_desk"
    )
