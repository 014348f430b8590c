"""Seller JSON API for the 消息中心 (/api/seller/inbox…, permission inbox.read).

The shop's messages (its own and the platform's broadcasts) paged with filters by category and unread, the
unread count (the bell), mark one read, mark all read. The shop is the caller's; another shop's message id is a
404, a bad filter a 422 that names it.
"""

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wanshang.common.api_paging import Paged, PageOut, Rows
from wanshang.inbox.selectors import message_list, shown_all, unread_count
from wanshang.inbox.services import message_mark_read, messages_mark_all_read
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message
from wanshang.sellercenter.inbox_links import target_link

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 422: Message}
KindIn = Literal["rule", "health", "adlaw", "image", "patrol"]


class InboxMessageOut(Schema):
    id: int
    kind: str = Field(
        description="分类：rule（规则）/ health（体检）/ adlaw（广告法）/ image（图片）/ patrol（巡检）"
    )
    kind_label: str
    topic: str = Field(description="消息类型，如 health.item_opened、rule.published（docs/inbox.md）")
    title: str = Field(alias="shown_title", description="标题（按请求的语言）")
    body: str = Field(alias="shown_body")
    severity: str = Field(description="info（通知）/ warning（提醒）/ critical（重要）")
    broadcast: bool = Field(alias="is_broadcast", description="平台公告（发给所有店铺）")
    target_kind: str = Field(description="去处理的页面类型；空：无需处理")
    target_id: str
    target_url: str = Field(description="卖家中心里去处理的页面；空：无")
    created_at: datetime
    read: bool = Field(alias="is_read")
    read_at: datetime | None = Field(alias="seen_at")
    read_by_id: int | None = Field(alias="seen_by_id", description="标为已读的员工（用户 id）")

    @staticmethod
    def resolve_target_url(obj) -> str:
        return target_link(obj)[0]


class InboxPage(PageOut):
    """A page of the shop's messages, with how many of all its messages are unread."""

    unread_count: int


class InboxListQuery(Schema):
    kind: KindIn | None = Field(None, description="只看该分类")
    unread: bool | None = Field(None, description="true：只看未读；false：只看已读；不传：全部")


class InboxUnreadOut(Schema):
    unread: int = Field(description="未读消息数（含平台公告）")


class InboxReadAllQuery(Schema):
    kind: KindIn | None = Field(None, description="只把该分类标为已读；不传：全部")


class InboxReadAllOut(Schema):
    marked: int = Field(description="本次标为已读的条数")


def _staff(request):
    return staff_require(user=request.user, perm=P.INBOX_READ)


@router.get(
    "/inbox/messages",
    response={200: list[InboxMessageOut], **ERRORS},
    summary="消息中心：消息列表（新的在前）",
    description="本店消息与平台公告，可按分类（kind）和未读（unread）筛选；answer 另含 unread_count（全部未读数）。"
    "422：kind 或 unread 无效。",
    auth=seller_auth(P.INBOX_READ),
)
@paginate(Paged, page_size=20, max_page_size=100, output=InboxPage)
def seller_inbox_messages(request, q: Query[InboxListQuery]):
    shop = _staff(request).shop
    return Rows(
        message_list(shop=shop, kind=q.kind or "", unread=q.unread),
        shown_all,
        extra={"unread_count": unread_count(shop=shop)},
    )


@router.get(
    "/inbox/unread-count",
    response={200: InboxUnreadOut, **ERRORS},
    summary="消息中心：未读数（铃铛）",
    auth=seller_auth(P.INBOX_READ),
)
def seller_inbox_unread(request):
    return {"unread": unread_count(shop=_staff(request).shop)}


@router.post(
    "/inbox/messages/{message_id}/read",
    response={200: InboxMessageOut, **ERRORS},
    summary="消息中心：标为已读",
    description="重复标记不改变首次已读的时间和人。404：不是本店可见的消息。",
    auth=seller_auth(P.INBOX_READ),
)
def seller_inbox_read(request, message_id: int):
    staff = _staff(request)
    message = message_mark_read(shop=staff.shop, user=request.user, message_id=message_id)
    return shown_all([message])[0]


@router.post(
    "/inbox/read-all",
    response={200: InboxReadAllOut, **ERRORS},
    summary="消息中心：全部标为已读",
    description="可只标某一分类（查询参数 kind）；没有请求体。422：kind 无效。",
    auth=seller_auth(P.INBOX_READ),
)
def seller_inbox_read_all(request, q: Query[InboxReadAllQuery]):
    staff = _staff(request)
    return {"marked": messages_mark_all_read(shop=staff.shop, user=request.user, kind=q.kind or "")}
