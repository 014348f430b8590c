"""Storefront JSON API for a shop's 常见问题 (/api/store/shops/{slug}/faq): its enabled FAQ grouped by
category, or with `q` the closest answers (jieba matching, wanshang.helpdesk). Public."""

from ninja import Field, Query, Router, Schema

from wanshang.helpdesk.selectors import public_faq
from wanshang.merchants.selectors import shop_get_public
from wanshang.storefront.api.schemas import PUBLIC_ERRORS

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
