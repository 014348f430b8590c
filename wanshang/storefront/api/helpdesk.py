"""Storefront JSON API for 客服 (wanshang.helpdesk): a shop's 常见问题 (/api/store/shops/{slug}/faq, public:
its enabled FAQ grouped by category, or with `q` the closest answers), and the buyer's own tickets
(/api/store/tickets: status and the public replies, never the shop's internal notes)."""

from datetime import datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wanshang.common.api_paging import Paged
from wanshang.helpdesk.selectors import buyer_ticket_get, public_faq, ticket_public_comments, tickets_of_buyer
from wanshang.merchants.selectors import shop_get_public
from wanshang.storefront.api.schemas import ERRORS, PUBLIC_ERRORS

router = Router()


class StoreFaqItemOut(Schema):
    id: int = Field(alias="faq_id")
    question: str
    answer: str


class StoreFaqGroupOut(Schema):
    category: str
    items: list[StoreFaqItemOut]


@router.get(
    "/shops/{slug}/faq",
    auth=None,
    response={200: list[StoreFaqGroupOut], **PUBLIC_ERRORS},
    summary="店铺常见问题",
    description="不带 `q`：按分类列出全部启用的问题；带 `q`：最相近的问题（一组“搜索结果”）。",
)
def shop_faq(request, slug: str, q: str = Query("", max_length=60)):
    return public_faq(shop_get_public(slug=slug), q=q.strip())


class StoreTicketReplyOut(Schema):
    body: str
    from_buyer: bool
    created_at: datetime


class StoreTicketOut(Schema):
    id: int
    no: str
    shop: str = Field(alias="shop.name")
    title: str
    status: str = Field(description="open 待处理 / pending 等待回复 / solved 已解决 / closed 已关闭")
    status_label: str
    source_kind: str
    source_id: int | None
    created_at: datetime
    updated_at: datetime
    replies: list[StoreTicketReplyOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_replies(obj) -> list:
        return ticket_public_comments(obj)


@router.get("/tickets", response={200: list[StoreTicketOut], **ERRORS}, summary="我的工单（店铺跟进的问题）")
@paginate(Paged, page_size=10, max_page_size=50)
def my_tickets(request):
    return tickets_of_buyer(buyer=request.user)


@router.get("/tickets/{ticket_id}", response={200: StoreTicketOut, **ERRORS}, summary="我的一个工单")
def my_ticket(request, ticket_id: int):
    return buyer_ticket_get(buyer=request.user, ticket_id=ticket_id)
