"""Seller JSON API for 店铺活动页 (/api/seller/shop-pages…): list, read, create, edit and delete the shop's
campaign pages, publish them and take them offline. The shop is the caller's; another shop's page, product,
coupon or picture is 404. Permission: marketing.edit.

A save answers the page with its 广告法 warnings (`adlaw_hits`: warn terms, saved) and the button-label
findings (`button_findings`: weak verbs with stronger phrases, advice only). A blocking 广告法 term is 400
`adlaw` naming the field (`title`, or `m<n>` for the n-th module); bad input 400 (`field` says where) or 422
(wrong types); an illegal state change 409 `invalid_transition`."""

from datetime import datetime

from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictInt

from wanshang.common.api_paging import Paged
from wanshang.common.errors import ValidationError
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message
from wanshang.shoppages import selectors as pages
from wanshang.shoppages import services as ps

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
AUTH = seller_auth(P.MARKETING)
R = "/shop-pages"


class In(Schema):
    model_config = ConfigDict(extra="forbid")


def _staff(request):
    return staff_require(user=request.user, perm=P.MARKETING)


class ShopPageTargetIO(Schema):
    kind: str = Field(max_length=20, description="shop 店铺首页 / product 商品 / coupon 优惠券（按钮即领取）")
    id: StrictInt | None = Field(None, description="商品或优惠券（活动）编号；shop 不填")


class ShopPageTargetIn(ShopPageTargetIO):
    model_config = ConfigDict(extra="forbid")


class ShopPageModuleIn(In):
    type: str = Field(
        max_length=20,
        description="banner 横幅 / heading 小标题 / text 文字段落 / products 商品格 / coupons 优惠券 / button 行动按钮",
    )
    image_id: StrictInt | None = Field(None, description="banner：本店图片库的图片编号")
    alt: str | None = Field(None, max_length=200, description="banner：图片说明，不超过 60 字")
    text: str | None = Field(
        None, max_length=5000, description="heading（≤40 字）/ text（纯文本，≤ SHOPPAGES_TEXT_MAX_CHARS）"
    )
    label: str | None = Field(None, max_length=100, description="button：按钮文字，不超过 16 字")
    product_ids: list[StrictInt] | None = Field(
        None, max_length=100, description="products：本店在售商品编号"
    )
    coupon_ids: list[StrictInt] | None = Field(None, max_length=100, description="coupons：本店优惠券编号")
    target: ShopPageTargetIn | None = Field(None, description="banner（可选）/ button（必填）：点击去哪里")


class ShopPageIn(In):
    title: str = Field(max_length=200, description="页面标题，不超过 60 字")
    slug: str = Field(max_length=100, description="网址名：2–60 位小写字母、数字、连字符；店内唯一")
    starts_at: datetime | None = Field(None, description="活动开始时间（可空）")
    ends_at: datetime | None = Field(None, description="活动结束时间（可空，须晚于开始时间）")
    modules: list[ShopPageModuleIn] = Field(
        default_factory=list, max_length=200, description="按顺序的模块，最多 SHOPPAGES_MAX_MODULES 个"
    )


class ShopPageModuleOut(Schema):
    type: str
    image_id: int | None = None
    alt: str | None = None
    text: str | None = None
    label: str | None = None
    product_ids: list[int] | None = None
    coupon_ids: list[int] | None = None
    target: ShopPageTargetIO | None = None

    @staticmethod
    def resolve_target(module):
        target = module.get("target") or {}
        return target if target.get("kind") else None


class ShopPageOut(Schema):
    id: int
    title: str
    slug: str
    state: str = Field(description="draft 草稿 / published 已发布 / offline 已下线")
    window: str = Field(description="running 进行中 / not_started 活动未开始 / ended 活动已结束")
    starts_at: datetime | None
    ends_at: datetime | None
    published_at: datetime | None
    updated_at: datetime
    url: str = Field(description="买家打开的地址（发布后可见）")
    preview_url: str = Field(description="预览地址（仅本店员工可见）")
    modules: list[ShopPageModuleOut]

    @staticmethod
    def resolve_window(page) -> str:
        return pages.window_state(page)

    @staticmethod
    def resolve_url(page) -> str:
        return reverse("storefront:shop_page", args=[page.shop.slug, page.slug])

    @staticmethod
    def resolve_preview_url(page) -> str:
        return reverse("storefront:shop_page_preview", args=[page.shop.slug, page.pk])


class ShopPageListOut(Schema):
    id: int
    title: str
    slug: str
    state: str
    starts_at: datetime | None
    ends_at: datetime | None
    updated_at: datetime
    module_count: int

    @staticmethod
    def resolve_module_count(page) -> int:
        return len(page.modules or [])


class ShopPageAdlawHitOut(Schema):
    field: str = Field(description="title 或 heading/text/alt/label.<模块序号>")
    term: str
    severity: str = Field(description="warn（保存成功的提醒）")
    explanation: str
    replacements: list[str]


class ShopPageButtonFindingOut(Schema):
    field: str = Field(description="label.<模块序号>")
    phrase: str = Field(description="弱动词按钮文案")
    message: str
    suggestion: str
    suggestions: list[str]


class ShopPageSavedOut(Schema):
    page: ShopPageOut
    adlaw_hits: list[ShopPageAdlawHitOut]
    button_findings: list[ShopPageButtonFindingOut]


def _saved(result) -> dict:
    return {
        "page": result.page,
        "adlaw_hits": [
            {
                "field": field,
                **{k: getattr(h, k) for k in ("term", "severity", "explanation")},
                "replacements": list(h.replacements),
            }
            for field, hits in result.warnings.items()
            for h in hits
        ],
        "button_findings": [
            {
                "field": field,
                **{
                    k: v
                    for k, v in f.as_dict().items()
                    if k in ("phrase", "message", "suggestion", "suggestions")
                },
            }
            for field, found in result.buttons.items()
            for f in found
        ],
    }


def _save(request, payload: ShopPageIn, page_id=None):
    return ps.page_save(
        staff=_staff(request),
        page_id=page_id,
        title=payload.title,
        slug=payload.slug,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        modules=[m.dict(exclude_none=True) for m in payload.modules],
    )


@router.get(
    R,
    response={200: list[ShopPageListOut], **ERRORS},
    summary="店铺活动页列表",
    auth=AUTH,
    description="`state`：draft / published / offline（空为全部）",
)
@paginate(Paged, page_size=20, max_page_size=100)
def shop_pages_get(request, state: str = ""):
    if state and state not in dict(pages.STATES):
        raise ValidationError("状态只能是 draft、published 或 offline", field="state")
    return pages.page_list(shop=_staff(request).shop, state=state or None).select_related("shop")


@router.post(R, response={201: ShopPageSavedOut, **ERRORS}, summary="新建活动页（草稿）", auth=AUTH)
def shop_page_post(request, payload: ShopPageIn):
    return 201, _saved(_save(request, payload))


@router.get(f"{R}/{{page_id}}", response={200: ShopPageOut, **ERRORS}, summary="活动页", auth=AUTH)
def shop_page_get(request, page_id: int):
    return pages.page_get(shop=_staff(request).shop, page_id=page_id)


@router.put(
    f"{R}/{{page_id}}",
    response={200: ShopPageSavedOut, **ERRORS},
    summary="修改活动页（整页替换）",
    auth=AUTH,
)
def shop_page_put(request, page_id: int, payload: ShopPageIn):
    return _saved(_save(request, payload, page_id=page_id))


@router.delete(
    f"{R}/{{page_id}}", response={204: None, **ERRORS}, summary="删除活动页（草稿或已下线）", auth=AUTH
)
def shop_page_delete(request, page_id: int):
    ps.page_delete(staff=_staff(request), page_id=page_id)
    return 204, None


@router.post(
    f"{R}/{{page_id}}/publish",
    response={200: ShopPageOut, **ERRORS},
    summary="发布活动页",
    auth=AUTH,
    description="草稿或已下线 → 已发布；没有模块、结束时间已过或含广告法禁止用语时 400，已发布时 409。",
)
def shop_page_publish(request, page_id: int):
    return ps.page_publish(staff=_staff(request), page_id=page_id)


@router.post(
    f"{R}/{{page_id}}/offline",
    response={200: ShopPageOut, **ERRORS},
    summary="下线活动页",
    auth=AUTH,
    description="已发布 → 已下线；不是已发布时 409。",
)
def shop_page_offline(request, page_id: int):
    return ps.page_take_offline(staff=_staff(request), page_id=page_id)
