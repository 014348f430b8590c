"""Seller JSON API for 文案工具 (/api/seller/copywriting/…): a product's FABE modules (read, save, write into
the product's detail), product and ad creative title checks, the button copy check, the designers' visual
brief and the shop's selling-point order. The shop is the caller's; another shop's product is 404. Permission:
product.edit. Checks answer findings (reason code, explanation, suggestion) and never change anything."""

from datetime import datetime

from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict, StrictInt

from wanshang.copywriting import selectors as copy
from wanshang.copywriting import services as cs
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 422: Message}
AUTH = seller_auth(P.PRODUCT_EDIT)
C = "/copywriting"


class In(Schema):
    model_config = ConfigDict(extra="forbid")


def _staff(request):
    return staff_require(user=request.user, perm=P.PRODUCT_EDIT)


class CopyFindingOut(Schema):
    code: str = Field(
        description="规则代码，如 too_long / repeated_word / keyword_stuffing / other_brand / no_brand"
    )
    message: str = Field(description="哪里不符合、为什么")
    suggestion: str = Field(description="怎么改")
    level: str = Field(description="warn 提醒（不阻止保存）")


class ButtonFindingOut(Schema):
    code: str = Field(description="weak_button")
    phrase: str = Field(description="找到的弱动词按钮文案")
    line: int = Field(description="所在行（从 1 起）")
    text: str
    message: str
    suggestion: str
    suggestions: list[str] = Field(description="可替换的强动词文案")


# --- FABE ----------------------------------------------------------------------------------------------------


class FabeModuleIn(In):
    kind: str = Field(
        max_length=20, description="feature 特点 / advantage 优势 / benefit 利益 / evidence 证据"
    )
    heading: str = Field(max_length=100, description="小标题，不超过 20 个字")
    lines: list[str] = Field(max_length=50, description="文字，每项一行；最多 3 行（COPY_FABE_MAX_LINES）")
    image_ids: list[StrictInt] = Field(
        default_factory=list, max_length=10, description="本店图片编号，最多 3 张"
    )


class FabeIn(In):
    modules: list[FabeModuleIn] = Field(max_length=50)


class FabeModuleOut(Schema):
    kind: str
    heading: str
    lines: list[str]
    image_ids: list[int]


class FabeOut(Schema):
    product_id: int
    modules: list[FabeModuleOut]
    html: str = Field(description="模块生成的详情 HTML（已过滤）")
    applied_at: datetime | None = Field(description="上次写入商品详情的时间")
    button_findings: list[ButtonFindingOut] = Field(description="模块文字里的弱动词按钮文案")


class FabeApplyIn(In):
    mode: str = Field(
        "fabe", description="fabe 替换上次插入的 FABE 内容（没有则追加）/ append 追加 / replace 替换整个详情"
    )


class FabeAppliedOut(Schema):
    product_id: int
    detail_html: str


def _fabe_out(shop, product_id) -> dict:
    view = copy.fabe_get(shop=shop, product_id=product_id)
    return {
        "product_id": view.product.pk,
        "modules": view.modules,
        "html": view.html,
        "applied_at": view.applied_at,
        "button_findings": [f.as_dict() for f in copy.fabe_button_findings(view.modules)],
    }


@router.get(
    f"{C}/products/{{product_id}}/fabe",
    response={200: FabeOut, **ERRORS},
    summary="商品的 FABE 模块",
    auth=AUTH,
)
def fabe_get(request, product_id: int):
    return _fabe_out(_staff(request).shop, product_id)


@router.put(
    f"{C}/products/{{product_id}}/fabe",
    response={200: FabeOut, **ERRORS},
    summary="保存 FABE 模块（每个模块最多 3 行）",
    auth=AUTH,
)
def fabe_put(request, product_id: int, payload: FabeIn):
    staff = _staff(request)
    cs.fabe_save(staff=staff, product_id=product_id, modules=[m.dict() for m in payload.modules])
    return _fabe_out(staff.shop, product_id)


@router.post(
    f"{C}/products/{{product_id}}/fabe/apply",
    response={200: FabeAppliedOut, **ERRORS},
    summary="把 FABE 内容写入商品详情（经商品保存）",
    auth=AUTH,
)
def fabe_apply(request, product_id: int, payload: FabeApplyIn):
    product = cs.fabe_apply(staff=_staff(request), product_id=product_id, mode=payload.mode)
    return {"product_id": product.pk, "detail_html": product.detail_html}


# --- titles and buttons --------------------------------------------------------------------------------------


class ProductTitleCheckIn(In):
    title: str = Field(max_length=1000, description="要检查的商品标题（不超过 200 字）")
    brand_id: StrictInt | None = Field(None, description="商品自己的品牌")
    category_id: StrictInt | None = None


class ProductTitleOut(Schema):
    product_id: int
    title: str
    findings: list[CopyFindingOut]


class AdTitleCheckIn(In):
    product_id: StrictInt
    title: str = Field(
        max_length=1000, description="创意标题：品牌词 + 核心功能词 + 信任背书，不超过 20 个字"
    )


class ButtonCheckIn(In):
    text: str = Field(max_length=20000, description="按钮或引导文案，每行一条（不超过 5000 字）")


@router.post(
    f"{C}/title-check", response={200: list[CopyFindingOut], **ERRORS}, summary="检查商品标题", auth=AUTH
)
def title_check(request, payload: ProductTitleCheckIn):
    findings = copy.product_title_check(
        shop=_staff(request).shop,
        title=payload.title,
        brand_id=payload.brand_id,
        category_id=payload.category_id,
    )
    return [f.as_dict() for f in findings]


@router.get(
    f"{C}/products/{{product_id}}/title-check",
    response={200: ProductTitleOut, **ERRORS},
    summary="检查已保存商品的标题",
    auth=AUTH,
)
def product_title_check(request, product_id: int):
    product, findings = copy.product_title_check_saved(shop=_staff(request).shop, product_id=product_id)
    return {"product_id": product.pk, "title": product.title, "findings": [f.as_dict() for f in findings]}


@router.post(
    f"{C}/ad-title-check",
    response={200: list[CopyFindingOut], **ERRORS},
    summary="检查推广创意标题",
    auth=AUTH,
)
def ad_title_check(request, payload: AdTitleCheckIn):
    findings = copy.ad_title_check(
        shop=_staff(request).shop, product_id=payload.product_id, title=payload.title
    )
    return [f.as_dict() for f in findings]


@router.post(
    f"{C}/button-check", response={200: list[ButtonFindingOut], **ERRORS}, summary="检查按钮文案", auth=AUTH
)
def button_check(request, payload: ButtonCheckIn):
    _staff(request)
    return [f.as_dict() for f in copy.button_check(text=payload.text)]


# --- the visual brief ----------------------------------------------------------------------------------------


class BriefGroupOut(Schema):
    kind: str = Field(description="function 功能 / material 材质 / size 尺寸 / after_sales 售后")
    label: str
    points: list[str]


class BriefImageOut(Schema):
    position: int
    url: str
    uploaded: bool = Field(description="上传的图片（外链图片不下载、不判断白底）")
    white_background: bool | None = Field(description="按边缘像素估计的白底；null 为未判断")


class BriefRequirementOut(Schema):
    code: str = Field(description="main_images / white_background / size_chart")
    label: str
    needed: int
    present: int
    missing: int
    ok: bool
    note: str


class BriefOut(Schema):
    product_id: int
    title: str
    category: str
    order: list[str]
    groups: list[BriefGroupOut]
    images: list[BriefImageOut]
    requirements: list[BriefRequirementOut]


class BriefQuery(Schema):
    order: str = Field(
        "", max_length=100, description="卖点顺序，如 function,material,size,after_sales；空为店铺默认"
    )


class PointOrderIO(Schema):
    point_order: list[str] = Field(
        max_length=10, description="function / material / size / after_sales 的顺序"
    )


class PointOrderIn(PointOrderIO):
    model_config = ConfigDict(extra="forbid")


@router.get(
    f"{C}/products/{{product_id}}/brief", response={200: BriefOut, **ERRORS}, summary="设计需求单", auth=AUTH
)
def brief_get(request, product_id: int, query: Query[BriefQuery]):
    brief = copy.visual_brief(shop=_staff(request).shop, product_id=product_id, order=query.order or None)
    return copy.brief_dict(brief)


@router.get(
    f"{C}/settings", response={200: PointOrderIO, **ERRORS}, summary="卖点顺序（店铺默认）", auth=AUTH
)
def settings_get(request):
    return {"point_order": copy.point_order(shop=_staff(request).shop)}


@router.put(f"{C}/settings", response={200: PointOrderIO, **ERRORS}, summary="设置卖点顺序", auth=AUTH)
def settings_put(request, payload: PointOrderIn):
    return {"point_order": cs.point_order_save(staff=_staff(request), order=payload.point_order)}
