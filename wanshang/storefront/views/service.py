"""联系客服: start or continue a conversation with a shop (from the product page, an order, an after-sales case or
the shop page), the chat page and the buyer's list of conversations. The thread itself is loaded and kept in
step by the page's script over /api/store/service/… and the WebSocket (wanshang/faces_common/chat_sockets.py)."""

import json

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wanshang.common.errors import ValidationError
from wanshang.service.selectors import buyer_conversation_get, buyer_conversation_list, satisfaction_of
from wanshang.service.services import conversation_start
from wanshang.storefront.views._common import buyer_required


def _id(request, name):
    raw = (request.GET.get(name) or request.POST.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationError(_("链接参数有误"), field=name)
    return int(raw)


@buyer_required
def chat_start(request):
    """GET or POST ?shop=&product=|order=|case=: the buyer's open conversation with the shop (a new one when
    there is none), with that context card; then the chat page. Repeating it changes nothing."""
    shop_id = _id(request, "shop")
    if shop_id is None:
        raise ValidationError(_("请选择要咨询的店铺"), field="shop")
    conv = conversation_start(
        buyer=request.user,
        shop_id=shop_id,
        product_id=_id(request, "product"),
        order_id=_id(request, "order"),
        case_id=_id(request, "case"),
    )
    return redirect("storefront:chat", conversation_id=conv.pk)


@buyer_required
def chat_page(request, conversation_id: int):
    conv = buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)
    api = f"/api/store/service/conversations/{conv.pk}"
    config = {
        "api": api,
        "ws": f"/ws/service/conversations/{conv.pk}/",
        "status": conv.status,
        "rated": satisfaction_of(conversation=conv) is not None,
        "t": {"confirmEnd": _("确定结束本次咨询吗？")},
    }
    return render(request, "storefront/chat.html", {"conversation": conv, "chat_config": json.dumps(config)})


@buyer_required
def chat_list(request):
    conversations = list(buyer_conversation_list(buyer=request.user)[:50])
    return render(request, "storefront/chat_list.html", {"conversations": conversations})
