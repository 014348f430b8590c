"""Storefront JSON API for 联系客服 (/api/store/service/…): the buyer's conversations with shops, messages after a
cursor (`?after=<last seen seq>`: the WebSocket only says that something changed, and polling this works as well),
posting text, cards and pictures, read, end and the one rating. Only the buyer's own conversations: anyone
else's id is 404. The same services as the chat page (wanshang.service)."""

from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.common.api_paging import Paged
from wanshang.faces_common.chat_schemas import (
    ChatConversationBase,
    ChatMessageOut,
    ChatMessagesBase,
    ChatPostBase,
)
from wanshang.service.selectors import (
    buyer_conversation_get,
    buyer_conversation_list,
    messages_after,
    satisfaction_of,
)
from wanshang.service.services import (
    conversation_read,
    conversation_resolve,
    conversation_start,
    message_post,
    satisfaction_submit,
)
from wanshang.storefront.api.schemas import AUTHED_ERRORS, CSRF_ERRORS, Error

router = Router()
ERRORS = {400: Error, 404: Error, 409: Error, **AUTHED_ERRORS, **CSRF_ERRORS}


class StoreChatOut(ChatConversationBase):
    unread: int = Field(alias="buyer_unread", description="买家未读条数")
    rated: bool = Field(description="已评价（会话结束后可评价一次）")

    @staticmethod
    def resolve_rated(obj) -> bool:
        return satisfaction_of(conversation=obj) is not None


class StoreChatStartIn(Schema):
    model_config = ConfigDict(extra="forbid")
    shop_id: int = Field(ge=1, le=2**62)
    product_id: int | None = Field(None, ge=1, le=2**62, description="从商品页发起：带上商品卡片")
    order_id: int | None = Field(None, ge=1, le=2**62, description="从订单页发起：带上订单卡片")
    case_id: int | None = Field(None, ge=1, le=2**62, description="从售后单发起")


class StoreChatMessagesOut(ChatMessagesBase):
    pass


class StoreChatPostIn(ChatPostBase):
    pass


class StoreChatRatingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    stars: int = Field(ge=1, le=5, description="1–5 星")
    comment: str = Field("", max_length=300)


class StoreChatRatingOut(Schema):
    conversation_id: int
    stars: int
    comment: str


def messages_answer(conv, *, after: int, limit: int, for_buyer: bool) -> dict:
    return {
        "conversation_id": conv.pk,
        "status": conv.status,
        "last_seq": conv.last_seq,
        "items": messages_after(conversation=conv, after=after, for_buyer=for_buyer, limit=limit),
    }


@router.get(
    "/service/conversations", response={200: list[StoreChatOut], **AUTHED_ERRORS}, summary="我的客服会话"
)
@paginate(Paged, page_size=20, max_page_size=50)
def chat_list(request):
    return buyer_conversation_list(buyer=request.user)


@router.post(
    "/service/conversations",
    response={201: StoreChatOut, **ERRORS},
    summary="联系客服（发起或继续与店铺的会话，可带商品、订单或售后单）",
)
def chat_start(request, payload: StoreChatStartIn):
    conv = conversation_start(buyer=request.user, **payload.model_dump())
    return 201, buyer_conversation_get(buyer=request.user, conversation_id=conv.pk)


@router.get(
    "/service/conversations/{conversation_id}", response={200: StoreChatOut, **ERRORS}, summary="会话"
)
def chat_get(request, conversation_id: int):
    return buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)


@router.get(
    "/service/conversations/{conversation_id}/messages",
    response={200: StoreChatMessagesOut, **ERRORS},
    summary="会话消息（序号大于 after 的，按序号）",
)
def chat_messages(
    request,
    conversation_id: int,
    after: int = Query(0, ge=0, le=2**31, description="已看到的最大序号；0 = 从头"),
    limit: int = Query(100, ge=1, le=200),
):
    conv = buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)
    return messages_answer(conv, after=after, limit=limit, for_buyer=True)


@router.post(
    "/service/conversations/{conversation_id}/messages",
    response={201: ChatMessageOut, **ERRORS},
    summary="发送消息（文字、商品卡片、订单卡片）",
)
def chat_post(request, conversation_id: int, payload: StoreChatPostIn):
    buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)
    if payload.kind == "note":
        return 400, {"detail": "买家不能发送内部备注", "code": "invalid"}
    msg = message_post(user=request.user, conversation_id=conversation_id, **payload.model_dump())
    conv = buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)
    return 201, messages_after(conversation=conv, after=msg.seq - 1, for_buyer=True, limit=1)[0]


@router.post(
    "/service/conversations/{conversation_id}/images",
    response={201: ChatMessageOut, **ERRORS},
    summary="发送图片（multipart `file`，按内容校验并去除 EXIF）",
)
def chat_image(request, conversation_id: int, file: File[UploadedFile]):
    conv = buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)
    msg = message_post(user=request.user, conversation_id=conv.pk, kind="image", image=file)
    return 201, messages_after(conversation=conv, after=msg.seq - 1, for_buyer=True, limit=1)[0]


@router.post(
    "/service/conversations/{conversation_id}/read",
    response={200: StoreChatOut, **ERRORS},
    summary="标记已读",
)
def chat_read(request, conversation_id: int):
    buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)
    conversation_read(user=request.user, conversation_id=conversation_id)
    return buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)


@router.post(
    "/service/conversations/{conversation_id}/resolve",
    response={200: StoreChatOut, **ERRORS},
    summary="结束会话",
)
def chat_resolve(request, conversation_id: int):
    buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)
    conversation_resolve(user=request.user, conversation_id=conversation_id)
    return buyer_conversation_get(buyer=request.user, conversation_id=conversation_id)


@router.post(
    "/service/conversations/{conversation_id}/rating",
    response={201: StoreChatRatingOut, **ERRORS},
    summary="评价本次服务（会话结束后一次）",
)
def chat_rate(request, conversation_id: int, payload: StoreChatRatingIn):
    rating = satisfaction_submit(buyer=request.user, conversation_id=conversation_id, **payload.model_dump())
    return 201, {"conversation_id": rating.conversation_id, "stars": rating.stars, "comment": rating.comment}
