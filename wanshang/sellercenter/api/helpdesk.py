"""Seller JSON API for 客服 (/api/seller/service/…): settings and business hours, quick phrases, the FAQ
knowledge base (with a matching test), tickets with their SLA clocks, SLA policies. The shop is the caller's;
another shop's ids (and another agent's personal phrases) are 404. Permissions: service.handle (phrases,
reading the FAQ, tickets) and service.manage (settings, hours, FAQ edits, SLA policies)."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool, StrictInt

from wanshang.common.api_paging import Paged, Rows
from wanshang.helpdesk import selectors as hd
from wanshang.helpdesk import services as hs
from wanshang.helpdesk.types import TicketPriority, TicketStatus
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}


class In(Schema):
    model_config = ConfigDict(extra="forbid")


def _shop(request, perm):
    return staff_require(user=request.user, perm=perm).shop


# ── settings and hours ────────────────────────────────────────────────────────────────────────────────────


class ServiceSettingsIO(Schema):
    welcome_text: str = Field(max_length=300)
    offhours_text: str = Field(max_length=300)
    noreply_minutes: StrictInt = Field(ge=0, le=120, description="买家等待多少分钟未回复时提示；0 关闭")
    noreply_text: str = Field("", max_length=300)
    faq_autoreply: StrictBool
    agent_cap: StrictInt = Field(ge=1, le=200)
    faq_threshold: StrictInt = Field(60, ge=30, le=100, description="自动回答的置信度（%）")


class ServiceSettingsIn(ServiceSettingsIO):
    model_config = ConfigDict(extra="forbid")


class HoursDayOut(Schema):
    weekday: int = Field(description="0 = 周一")
    periods: list[str] = Field(description='如 ["09:00-12:00", "13:30-22:00"]')


class SpecialDayOut(Schema):
    id: int
    date: date
    kind: str = Field(description="closed 休息 / open 调休上班")
    period: str = Field(alias="period_text")
    note: str


class HoursOut(Schema):
    configured: bool
    open_now: bool
    week: list[HoursDayOut]
    special_days: list[SpecialDayOut]


class HoursIn(In):
    week: dict[int, str] = Field(description='{0: "09:00-12:00, 13:30-22:00", …}，0 = 周一，空串为休息')


class SpecialDayIn(In):
    date: date
    kind: str = Field(pattern="^(closed|open)$")
    periods: str = Field("", max_length=20, description="调休上班的时段，如 09:00-18:00")
    note: str = Field("", max_length=40)


@router.get(
    "/service/settings",
    response={200: ServiceSettingsIO, **ERRORS},
    summary="客服设置",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def service_settings_get(request):
    return hd.service_settings(_shop(request, P.SERVICE_MANAGE))


@router.put(
    "/service/settings",
    response={200: ServiceSettingsIO, **ERRORS},
    summary="保存客服设置",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def service_settings_put(request, payload: ServiceSettingsIn):
    shop = _shop(request, P.SERVICE_MANAGE)
    hs.service_settings_save(shop=shop, **payload.dict())
    return hd.service_settings(shop)


def _hours(shop):
    return {
        "configured": hd.hours_configured(shop),
        "open_now": hd.shop_is_open(shop, timezone.now()),
        "week": hd.business_hours(shop),
        "special_days": hd.special_days(shop),
    }


@router.get(
    "/service/hours",
    response={200: HoursOut, **ERRORS},
    summary="营业时间、节假日与调休",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def hours_get(request):
    return _hours(_shop(request, P.SERVICE_HANDLE))


@router.put(
    "/service/hours",
    response={200: HoursOut, **ERRORS},
    summary="设置每周营业时间（整周替换）",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def hours_put(request, payload: HoursIn):
    shop = _shop(request, P.SERVICE_MANAGE)
    hs.business_hours_save(shop=shop, week=payload.week)
    return _hours(shop)


@router.post(
    "/service/special-days",
    response={201: SpecialDayOut, **ERRORS},
    summary="设置节假日或调休上班",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def special_day_post(request, payload: SpecialDayIn):
    shop = _shop(request, P.SERVICE_MANAGE)
    return 201, hs.special_day_save(
        shop=shop, day=payload.date, kind=payload.kind, periods=payload.periods, note=payload.note
    )


@router.delete(
    "/service/special-days/{day_id}",
    response={204: None, **ERRORS},
    summary="删除特殊日期",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def special_day_delete(request, day_id: int):
    hs.special_day_delete(shop=_shop(request, P.SERVICE_MANAGE), special_day_id=day_id)
    return 204, None


# ── quick phrases ─────────────────────────────────────────────────────────────────────────────────────────


class PhraseOut(Schema):
    id: int
    category: str
    code: str
    text: str
    personal: bool

    @staticmethod
    def resolve_personal(obj) -> bool:
        return obj.owner_id is not None


class PhraseIn(In):
    category: str = Field("常用", max_length=20)
    code: str = Field("", max_length=16, description="如 /th，同一范围内唯一")
    text: str = Field(max_length=500, description="可含 {买家} {订单号} {商品} {物流单号}")
    personal: StrictBool = Field(True, description="false：全店短语（需 service.manage）")


class PhraseRenderIn(In):
    text: str = Field(max_length=500)
    context: dict[str, str] = Field(default_factory=dict, description='如 {"买家": "小王", "order_no": "W…"}')


class PhraseRenderOut(Schema):
    text: str


@router.get(
    "/service/phrases",
    response={200: list[PhraseOut], **ERRORS},
    summary="快捷短语（全店 + 我的）",
    description="`scope`：all / shop / personal",
    auth=seller_auth(P.SERVICE_HANDLE),
)
@paginate(Paged, page_size=50, max_page_size=200)
def phrases_get(request, scope: str = "all", q: str = ""):
    shop = _shop(request, P.SERVICE_HANDLE)
    return hd.phrase_list(shop=shop, user=request.user, scope=scope, q=q.strip()[:40])


@router.post(
    "/service/phrases",
    response={201: PhraseOut, **ERRORS},
    summary="新增快捷短语",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def phrase_post(request, payload: PhraseIn):
    shop = _shop(request, P.SERVICE_HANDLE)
    return 201, hs.phrase_create(
        shop=shop,
        actor=request.user,
        personal=payload.personal,
        category=payload.category,
        code=payload.code,
        text=payload.text,
    )


@router.put(
    "/service/phrases/{phrase_id}",
    response={200: PhraseOut, **ERRORS},
    summary="修改快捷短语",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def phrase_put(request, phrase_id: int, payload: PhraseIn):
    shop = _shop(request, P.SERVICE_HANDLE)
    return hs.phrase_update(
        shop=shop,
        actor=request.user,
        phrase_id=phrase_id,
        category=payload.category,
        code=payload.code,
        text=payload.text,
    )


@router.delete(
    "/service/phrases/{phrase_id}",
    response={204: None, **ERRORS},
    summary="删除快捷短语",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def phrase_delete(request, phrase_id: int):
    hs.phrase_delete(shop=_shop(request, P.SERVICE_HANDLE), actor=request.user, phrase_id=phrase_id)
    return 204, None


@router.post(
    "/service/phrase-render",
    response={200: PhraseRenderOut, **ERRORS},
    summary="填入短语变量",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def phrase_render(request, payload: PhraseRenderIn):
    _shop(request, P.SERVICE_HANDLE)
    return {"text": hd.phrase_render(payload.text, payload.context)}


# ── FAQ ───────────────────────────────────────────────────────────────────────────────────────────────────


class FaqCategoryOut(Schema):
    id: int
    name: str
    position: int


class FaqCategoryIn(In):
    name: str = Field(max_length=20)
    position: StrictInt = Field(0, ge=0, le=999)


class FaqOut(Schema):
    id: int
    category_id: int
    category: str = Field(alias="category.name")
    question: str
    phrasings: list[str] = Field(alias="phrasing_list")
    answer: str
    enabled: bool
    hits: int
    updated_at: datetime


class FaqIn(In):
    category_id: StrictInt
    question: str = Field(max_length=100)
    phrasings: list[str] = Field(default_factory=list, max_length=20)
    answer: str = Field(max_length=1000)
    enabled: StrictBool = True


class FaqHitOut(Schema):
    faq_id: int
    question: str
    answer: str
    score: float


class FaqSuggestOut(Schema):
    best: FaqHitOut | None = Field(description="达到置信度、可直接回答买家的答案")
    suggestions: list[FaqHitOut]


@router.get(
    "/service/faq-categories",
    response={200: list[FaqCategoryOut], **ERRORS},
    summary="问题分类",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def faq_categories_get(request):
    return hd.faq_categories(_shop(request, P.SERVICE_HANDLE))


@router.post(
    "/service/faq-categories",
    response={201: FaqCategoryOut, **ERRORS},
    summary="新增问题分类",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def faq_category_post(request, payload: FaqCategoryIn):
    return 201, hs.faq_category_save(
        shop=_shop(request, P.SERVICE_MANAGE), name=payload.name, position=payload.position
    )


@router.delete(
    "/service/faq-categories/{category_id}",
    response={204: None, **ERRORS},
    summary="删除空分类",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def faq_category_delete(request, category_id: int):
    hs.faq_category_delete(shop=_shop(request, P.SERVICE_MANAGE), category_id=category_id)
    return 204, None


@router.get(
    "/service/faq",
    response={200: list[FaqOut], **ERRORS},
    summary="常见问题列表",
    auth=seller_auth(P.SERVICE_HANDLE),
)
@paginate(Paged, page_size=20, max_page_size=100)
def faq_get_list(request, q: str = "", category_id: int | None = None):
    return hd.faq_list(shop=_shop(request, P.SERVICE_HANDLE), q=q.strip()[:60], category_id=category_id)


@router.get(
    "/service/faq/suggest",
    response={200: FaqSuggestOut, **ERRORS},
    summary="按买家提问匹配答案",
    description="客服输入时的推荐；`best` 为达到店铺置信度的答案（可直接回答）。",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def faq_suggest(request, q: str = Query(..., max_length=200), limit: int = Query(3, ge=1, le=10)):
    shop = _shop(request, P.SERVICE_HANDLE)
    return {"best": hd.faq_best_answer(shop, q), "suggestions": hd.faq_suggest(shop, q, limit=limit)}


@router.get(
    "/service/faq/{faq_id}",
    response={200: FaqOut, **ERRORS},
    summary="问题详情",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def faq_get_one(request, faq_id: int):
    return hd.faq_get(shop=_shop(request, P.SERVICE_HANDLE), faq_id=faq_id)


@router.post(
    "/service/faq", response={201: FaqOut, **ERRORS}, summary="新增问题", auth=seller_auth(P.SERVICE_MANAGE)
)
def faq_post(request, payload: FaqIn):
    shop = _shop(request, P.SERVICE_MANAGE)
    return 201, hs.faq_create(shop=shop, **payload.dict())


@router.put(
    "/service/faq/{faq_id}",
    response={200: FaqOut, **ERRORS},
    summary="修改问题",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def faq_put(request, faq_id: int, payload: FaqIn):
    shop = _shop(request, P.SERVICE_MANAGE)
    return hs.faq_update(shop=shop, faq_id=faq_id, **payload.dict())


@router.delete(
    "/service/faq/{faq_id}",
    response={204: None, **ERRORS},
    summary="删除问题",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def faq_delete(request, faq_id: int):
    hs.faq_delete(shop=_shop(request, P.SERVICE_MANAGE), faq_id=faq_id)
    return 204, None


# ── tickets and SLA ───────────────────────────────────────────────────────────────────────────────────────


class SlaClockOut(Schema):
    metric: str
    label: str
    due_at: datetime | None
    done_at: datetime | None
    state: str = Field(description="active / met / missed")
    remaining: int | None = Field(description="剩余营业分钟（超时为负）")
    paused: bool = Field(description="店铺非营业时间，倒计时暂停")


class TicketOut(Schema):
    id: int
    no: str
    title: str
    description: str
    priority: str
    status: str
    assignee_id: int | None
    buyer_id: int | None
    source_kind: str
    source_id: int | None
    source_no: str
    created_at: datetime
    updated_at: datetime
    first_response_due: datetime | None
    resolution_due: datetime | None
    next_response_due: datetime | None
    sla: list[SlaClockOut] = Field(alias="clocks")


class TicketCommentOut(Schema):
    id: int
    author_id: int | None
    body: str
    public: bool
    from_buyer: bool
    created_at: datetime


class TicketDetailOut(TicketOut):
    comments: list[TicketCommentOut] = Field(alias="comments_list")


class TicketIn(In):
    title: str = Field(max_length=100)
    description: str = Field("", max_length=2000)
    priority: str = Field("normal", description=" / ".join(TicketPriority.values))
    source_kind: str = Field("manual", description="conversation / case / manual")
    source_id: StrictInt | None = None
    source_no: str = Field("", max_length=40)
    assignee_id: StrictInt | None = None


class TicketPatchIn(In):
    title: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=2000)
    priority: str | None = None
    assignee_id: StrictInt | None = Field(None, description="0：取消分配")


class TicketCommentIn(In):
    body: str = Field(max_length=2000)
    public: StrictBool = Field(False, description="true：回复买家；false：内部备注")


class TicketStatusIn(In):
    status: str = Field(description=" / ".join(TicketStatus.values))


class SlaPolicyOut(Schema):
    priority: str
    first_response_minutes: int
    next_response_minutes: int
    resolution_minutes: int


class SlaPolicyIn(In):
    first_response_minutes: StrictInt = Field(ge=0)
    next_response_minutes: StrictInt = Field(ge=0)
    resolution_minutes: StrictInt = Field(ge=0)


def _with_sla(shop):
    return lambda rows: hd.tickets_with_sla(shop, rows)


def _detail(shop, ticket_id):
    ticket = hd.ticket_get(shop=shop, ticket_id=ticket_id)
    ticket.clocks = hd.ticket_sla(ticket)
    ticket.comments_list = hd.ticket_comments(ticket)
    return ticket


@router.get(
    "/service/tickets",
    response={200: list[TicketOut], **ERRORS},
    summary="工单列表（含 SLA 倒计时）",
    description="`status`：active（处理中）/ open / pending / solved / closed；`assignee_id`：0 = 未分配；"
    "`breached`：只看有违约记录的。",
    auth=seller_auth(P.SERVICE_HANDLE),
)
@paginate(Paged, page_size=20, max_page_size=100)
def tickets_get(
    request,
    status: str = "",
    priority: str = "",
    assignee_id: int | None = None,
    breached: bool = False,
    q: str = "",
):
    shop = _shop(request, P.SERVICE_HANDLE)
    qs = hd.ticket_list(
        shop=shop,
        status=status,
        priority=priority,
        assignee_id=assignee_id,
        breached=breached,
        q=q.strip()[:40],
    )
    return Rows(qs, _with_sla(shop))


@router.post(
    "/service/tickets",
    response={201: TicketDetailOut, **ERRORS},
    summary="新建工单",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def ticket_post(request, payload: TicketIn):
    shop = _shop(request, P.SERVICE_HANDLE)
    ticket = hs.ticket_create(shop=shop, actor=request.user, **payload.dict())
    return 201, _detail(shop, ticket.pk)


@router.get(
    "/service/tickets/{ticket_id}",
    response={200: TicketDetailOut, **ERRORS},
    summary="工单详情",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def ticket_get(request, ticket_id: int):
    return _detail(_shop(request, P.SERVICE_HANDLE), ticket_id)


@router.patch(
    "/service/tickets/{ticket_id}",
    response={200: TicketDetailOut, **ERRORS},
    summary="修改优先级、处理人等",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def ticket_patch(request, ticket_id: int, payload: TicketPatchIn):
    shop = _shop(request, P.SERVICE_HANDLE)
    data = payload.dict(exclude_unset=True)
    if "assignee_id" in data:
        data["assignee_id"] = data["assignee_id"] or None
    else:
        data["assignee_id"] = ...
    hs.ticket_update(shop=shop, actor=request.user, ticket_id=ticket_id, **data)
    return _detail(shop, ticket_id)


@router.post(
    "/service/tickets/{ticket_id}/comments",
    response={201: TicketCommentOut, **ERRORS},
    summary="回复买家或添加内部备注",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def ticket_comment_post(request, ticket_id: int, payload: TicketCommentIn):
    shop = _shop(request, P.SERVICE_HANDLE)
    return 201, hs.ticket_comment_add(
        shop=shop, actor=request.user, ticket_id=ticket_id, body=payload.body, public=payload.public
    )


@router.post(
    "/service/tickets/{ticket_id}/status",
    response={200: TicketDetailOut, **ERRORS},
    summary="改变工单状态（非法流转 409）",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def ticket_status_post(request, ticket_id: int, payload: TicketStatusIn):
    shop = _shop(request, P.SERVICE_HANDLE)
    hs.ticket_transition(shop=shop, actor=request.user, ticket_id=ticket_id, status=payload.status)
    return _detail(shop, ticket_id)


@router.get(
    "/service/sla",
    response={200: list[SlaPolicyOut], **ERRORS},
    summary="SLA 策略（按优先级）",
    auth=seller_auth(P.SERVICE_HANDLE),
)
def sla_get(request):
    shop = _shop(request, P.SERVICE_HANDLE)
    return [
        {"priority": p, **{f: getattr(row, f) if row else 0 for f in hs.SLA_FIELDS}}
        for p, row in hd.sla_policies(shop).items()
    ]


@router.put(
    "/service/sla/{priority}",
    response={200: SlaPolicyOut, **ERRORS},
    summary="设置某优先级的 SLA 时限",
    description="时限为营业分钟；0 表示不设。",
    auth=seller_auth(P.SERVICE_MANAGE),
)
def sla_put(request, priority: str, payload: SlaPolicyIn):
    shop = _shop(request, P.SERVICE_MANAGE)
    return hs.sla_policy_save(shop=shop, priority=priority, **payload.dict())
