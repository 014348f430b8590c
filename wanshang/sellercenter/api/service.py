"""Seller JSON API for the 客服工作台 (/api/seller/service/…): the queue, a conversation with the buyer's orders
and cases, messages after a cursor, replies, internal notes, pictures, read, claim (接入), transfer, resolve,
转工单, FAQ suggestions and quick phrases, presence. The shop is the caller's; another shop's conversation ids
are 404. Permission service.handle (客服 and owners)."""

from datetime import datetime

from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool

from wanshang.common.api_paging import Paged
from wanshang.common.errors import ValidationError
from wanshang.faces_common.chat_schemas import (
    ChatConversationBase,
    ChatMessageOut,
    ChatMessagesBase,
    ChatPostBase,
)
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message
from wanshang.service.selectors import (
    QUEUE_TABS,
    agents,
    buyer_context,
    faq_suggestions_for,
    messages_after,
    phrases_rendered,
    presence_of,
    seller_conversation_get,
    seller_queue,
    seller_queue_counts,
)
from wanshang.service.services import (
    agent_require,
    conversation_claim,
    conversation_read,
    conversation_resolve,
    conversation_ticket,
    conversation_transfer,
    message_post,
    presence_set,
)

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
AUTH = seller_auth(P.SERVICE_HANDLE)


class SellerChatOut(ChatConversationBase):
    buyer_id: int
    buyer_name: str
    assignee_id: int | None
    unread: int = Field(alias="agent_unread", description="客服未读条数")
    waiting_since: datetime | None = Field(description="买家最早一条未回复消息的时间")
    first_response_at: datetime | None

    @staticmethod
    def resolve_buyer_name(obj) -> str:
        return str(obj.buyer)


class SellerChatOrderOut(Schema):
    id: int
    no: str
    status: str
    total_fen: int
    created_at: datetime


class SellerChatCaseOut(Schema):
    id: int
    no: str
    status: str
    created_at: datetime


class SellerChatDetailOut(SellerChatOut):
    recent_orders: list[SellerChatOrderOut]
    recent_cases: list[SellerChatCaseOut]


class SellerChatMessagesOut(ChatMessagesBase):
    pass


class SellerChatPostIn(ChatPostBase):
    kind: str = Field("text", description="text / note（内部备注）/ product / order")


class SellerChatTransferIn(Schema):
    model_config = ConfigDict(extra="forbid")
    to_user_id: int = Field(ge=1, le=2**62)


class SellerChatTicketIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=100)
    description: str = Field("", max_length=2000)
    priority: str = Field("normal", description="low / normal / high / urgent")


class SellerChatTicketOut(Schema):
    id: int
    title: str


class SellerChatAgentOut(Schema):
    user_id: int
    name: str
    role: str
    online: bool
    cap: int | None
    load: int


class SellerChatPresenceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    online: StrictBool | None = None
    cap: int | None = Field(None, ge=1, le=50)


class SellerChatPresenceOut(Schema):
    online: bool
    cap: int | None
    last_seen_at: datetime | None


class SellerChatFaqOut(Schema):
    faq_id: int
    question: str
    answer: str
    score: float


class SellerChatPhraseOut(Schema):
    id: int
    category: str
    code: str
    text: str = Field(description="变量（{买家} {订单号} {商品} {物流单号}）已按会话填好")


def _staff(request):
    return agent_require(user=request.user)


def _detail(shop, conversation_id):
    conv = seller_conversation_get(shop=shop, conversation_id=conversation_id)
    context = buyer_context(conversation=conv)
    conv.recent_orders = [
        {
            "id": o.pk,
            "no": o.no,
            "status": o.get_status_display(),
            "total_fen": o.total_fen,
            "created_at": o.created_at,
        }
        for o in context["orders"]
    ]
    conv.recent_cases = [
        {"id": c.pk, "no": c.no, "status": c.get_status_display(), "created_at": c.created_at}
        for c in context["cases"]
    ]
    return conv


@router.get(
    "/service/queue", response={200: list[SellerChatOut], **ERRORS}, summary="客服会话队列", auth=AUTH
)
@paginate(Paged, page_size=30, max_page_size=100)
def queue(request, tab: str = "waiting", q: str = ""):
    """`tab`: waiting 待接入（未分配或我的）/ mine 我的会话 / all 全部进行中 / resolved 已结束."""
    staff = _staff(request)
    if tab not in QUEUE_TABS:
        raise ValidationError("tab 只能是 waiting、mine、all 或 resolved", field="tab")
    return seller_queue(shop=staff.shop, user=request.user, tab=tab, q=q.strip()[:40])


class SellerChatCountsOut(Schema):
    waiting: int = Field(description="待接入：买家等待回复、未分配或分配给我")
    mine: int
    all: int
    unread: int = Field(description="我的会话中的未读消息")


@router.get("/service/counts", response={200: SellerChatCountsOut, **ERRORS}, summary="队列计数", auth=AUTH)
def counts(request):
    return seller_queue_counts(shop=_staff(request).shop, user=request.user)


@router.get(
    "/service/conversations/{conversation_id}",
    response={200: SellerChatDetailOut, **ERRORS},
    summary="会话详情（含买家近期订单与售后）",
    auth=AUTH,
)
def conversation(request, conversation_id: int):
    return _detail(_staff(request).shop, conversation_id)


@router.get(
    "/service/conversations/{conversation_id}/messages",
    response={200: SellerChatMessagesOut, **ERRORS},
    summary="会话消息（序号大于 after 的，含内部备注）",
    auth=AUTH,
)
def messages(
    request,
    conversation_id: int,
    after: int = Query(0, ge=0, le=2**31, description="已看到的最大序号；0 = 从头"),
    limit: int = Query(100, ge=1, le=200),
):
    conv = seller_conversation_get(shop=_staff(request).shop, conversation_id=conversation_id)
    return {
        "conversation_id": conv.pk,
        "status": conv.status,
        "last_seq": conv.last_seq,
        "items": messages_after(conversation=conv, after=after, for_buyer=False, limit=limit),
    }


def _posted(shop, conversation_id, msg):
    conv = seller_conversation_get(shop=shop, conversation_id=conversation_id)
    return messages_after(conversation=conv, after=msg.seq - 1, for_buyer=False, limit=1)[0]


@router.post(
    "/service/conversations/{conversation_id}/messages",
    response={201: ChatMessageOut, **ERRORS},
    summary="回复或写内部备注",
    auth=AUTH,
)
def post(request, conversation_id: int, payload: SellerChatPostIn):
    shop = _staff(request).shop
    seller_conversation_get(shop=shop, conversation_id=conversation_id)
    msg = message_post(user=request.user, conversation_id=conversation_id, **payload.model_dump())
    return 201, _posted(shop, conversation_id, msg)


@router.post(
    "/service/conversations/{conversation_id}/images",
    response={201: ChatMessageOut, **ERRORS},
    summary="发送图片（multipart `file`）",
    auth=AUTH,
)
def image(request, conversation_id: int, file: File[UploadedFile]):
    shop = _staff(request).shop
    seller_conversation_get(shop=shop, conversation_id=conversation_id)
    msg = message_post(user=request.user, conversation_id=conversation_id, kind="image", image=file)
    return 201, _posted(shop, conversation_id, msg)


def _act(request, conversation_id, action, **kw):
    shop = _staff(request).shop
    seller_conversation_get(shop=shop, conversation_id=conversation_id)
    action(user=request.user, conversation_id=conversation_id, **kw)
    return _detail(shop, conversation_id)


@router.post(
    "/service/conversations/{conversation_id}/read",
    response={200: SellerChatDetailOut, **ERRORS},
    summary="标记已读",
    auth=AUTH,
)
def read(request, conversation_id: int):
    return _act(request, conversation_id, conversation_read)


@router.post(
    "/service/conversations/{conversation_id}/resolve",
    response={200: SellerChatDetailOut, **ERRORS},
    summary="结束会话（买家随后可评价一次）",
    auth=AUTH,
)
def resolve(request, conversation_id: int):
    return _act(request, conversation_id, conversation_resolve)


@router.post(
    "/service/conversations/{conversation_id}/claim",
    response={200: SellerChatDetailOut, **ERRORS},
    summary="接入（分配给自己）",
    auth=AUTH,
)
def claim(request, conversation_id: int):
    shop = _staff(request).shop
    return _act(request, conversation_id, conversation_claim, shop=shop)


@router.post(
    "/service/conversations/{conversation_id}/transfer",
    response={200: SellerChatDetailOut, **ERRORS},
    summary="转接给本店其他客服",
    auth=AUTH,
)
def transfer(request, conversation_id: int, payload: SellerChatTransferIn):
    shop = _staff(request).shop
    return _act(request, conversation_id, conversation_transfer, shop=shop, to_user_id=payload.to_user_id)


@router.post(
    "/service/conversations/{conversation_id}/ticket",
    response={201: SellerChatTicketOut, **ERRORS},
    summary="转工单（需要跟进的问题）",
    auth=AUTH,
)
def ticket(request, conversation_id: int, payload: SellerChatTicketIn):
    shop = _staff(request).shop
    made = conversation_ticket(
        shop=shop, user=request.user, conversation_id=conversation_id, **payload.model_dump()
    )
    return 201, {"id": made.pk, "title": made.title}


@router.get(
    "/service/conversations/{conversation_id}/faq",
    response={200: list[SellerChatFaqOut], **ERRORS},
    summary="知识库建议（按买家最近的问题或输入的文字）",
    auth=AUTH,
)
def faq(request, conversation_id: int, text: str = Query("", max_length=200)):
    conv = seller_conversation_get(shop=_staff(request).shop, conversation_id=conversation_id)
    return faq_suggestions_for(conversation=conv, text=text)


@router.get(
    "/service/conversations/{conversation_id}/phrases",
    response={200: list[SellerChatPhraseOut], **ERRORS},
    summary="快捷短语（店铺与我的，变量按会话填好）",
    auth=AUTH,
)
def phrases(request, conversation_id: int):
    conv = seller_conversation_get(shop=_staff(request).shop, conversation_id=conversation_id)
    return phrases_rendered(conversation=conv, user=request.user)


@router.get(
    "/service/agents", response={200: list[SellerChatAgentOut], **ERRORS}, summary="本店客服", auth=AUTH
)
def agent_list(request):
    return agents(shop=_staff(request).shop)


@router.get(
    "/service/presence", response={200: SellerChatPresenceOut, **ERRORS}, summary="我的接待状态", auth=AUTH
)
def presence(request):
    _staff(request)
    return presence_of(user=request.user) or {"online": False, "cap": None, "last_seen_at": None}


@router.post(
    "/service/presence",
    response={200: SellerChatPresenceOut, **ERRORS},
    summary="上线 / 离线 / 接待上限",
    auth=AUTH,
)
def presence_update(request, payload: SellerChatPresenceIn):
    _staff(request)
    return presence_set(user=request.user, online=payload.online, cap=payload.cap)
