"""工单 (list with SLA countdowns and filters, detail with replies, notes and status moves, new ticket) and
SLA 策略: thin pages over helpdesk.services / helpdesk.selectors. The shop is always the staff member's own."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.helpdesk import selectors as hd
from wanshang.helpdesk import services as hs
from wanshang.helpdesk.types import TicketPriority, TicketStatus
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_list
from wanshang.sellercenter.access import can, seller_render, seller_view

STATUS_TABS = [("active", _("处理中")), ("", _("全部"))] + [(s.value, s.label) for s in TicketStatus]
# the buttons of the detail page: target status → label (shown only where the state machine allows the move)
STATUS_ACTIONS = {
    "pending": _("等待买家回复"),
    "solved": _("标记已解决"),
    "open": _("重新打开"),
    "closed": _("关闭工单"),
}


def _agents(shop) -> list[tuple[int, str]]:
    return [
        (s.user_id, f"{s.user.display_name}（{s.get_role_display()}）")
        for s in staff_list(shop=shop)
        if s.is_active and P.role_can(s.role, P.SERVICE_HANDLE)
    ]


class TicketForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    description = forms.CharField(
        label=_("问题描述"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    priority = forms.ChoiceField(label=_("优先级"), choices=TicketPriority.choices, initial="normal")
    assignee = forms.TypedChoiceField(label=_("处理人"), coerce=int, required=False, empty_value=None)
    source_no = forms.CharField(
        label=_("关联单号"), max_length=40, required=False, help_text=_("订单号或售后单号，可不填")
    )

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("暂不分配"))] + list(agents)


class TicketEditForm(forms.Form):
    priority = forms.ChoiceField(label=_("优先级"), choices=TicketPriority.choices)
    assignee = forms.TypedChoiceField(label=_("处理人"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("未分配"))] + list(agents)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(label=_("回复买家（取消勾选为内部备注）"), required=False, initial=True)


class SlaForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for p in TicketPriority.values:
            for metric in ("first_response_minutes", "next_response_minutes", "resolution_minutes"):
                self.fields[f"{p}__{metric}"] = forms.IntegerField(
                    min_value=0,
                    max_value=60 * 24 * 30,
                    required=False,
                    widget=forms.NumberInput(attrs={"min": 0}),
                )


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@seller_view(P.SERVICE_HANDLE)
def ticket_list(request):
    shop = request.shop
    status = request.GET.get("status", "active")
    priority = request.GET.get("priority") or ""
    assignee = request.GET.get("assignee") or ""
    breached = request.GET.get("breached") == "1"
    q = (request.GET.get("q") or "").strip()[:40]
    assignee_id = 0 if assignee == "none" else _int_or_none(assignee)
    if assignee == "me":
        assignee_id = request.user.pk
    qs = hd.ticket_list(
        shop=shop, status=status, priority=priority, assignee_id=assignee_id, breached=breached, q=q
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    tickets = hd.tickets_with_sla(shop, page.object_list)
    now = timezone.now()
    return seller_render(
        request,
        "sellercenter/helpdesk/ticket_list.html",
        {
            "page": page,
            "tickets": tickets,
            "status": status,
            "priority": priority,
            "assignee": assignee,
            "breached": breached,
            "q": q,
            "tabs": STATUS_TABS,
            "priorities": TicketPriority.choices,
            "agents": _agents(shop),
            "open_now": hd.shop_is_open(shop, now),
        },
        active="tickets",
    )


def _new_page(request, form, status=200):
    return seller_render(
        request, "sellercenter/helpdesk/ticket_new.html", {"form": form}, status=status, active="tickets"
    )


@seller_view(P.SERVICE_HANDLE)
def ticket_new(request):
    agents = _agents(request.shop)
    if request.method != "POST":
        return _new_page(request, TicketForm(agents=agents, initial={"assignee": request.user.pk}))
    form = TicketForm(request.POST, agents=agents)
    if form.is_valid():
        data = form.cleaned_data
        with form_errors(form) as outcome:
            ticket = hs.ticket_create(
                shop=request.shop,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                priority=data["priority"],
                source_kind="manual",
                source_no=data["source_no"],
                assignee_id=data["assignee"],
            )
            messages.success(request, _t("工单已创建"))
            return redirect("sellercenter:ticket_detail", ticket_id=ticket.pk)
        return _new_page(request, form, status=outcome.status)
    return _new_page(request, form, status=400)


def _detail_page(request, ticket, *, comment_form=None, edit_form=None, status=200):
    agents = _agents(request.shop)
    return seller_render(
        request,
        "sellercenter/helpdesk/ticket_detail.html",
        {
            "ticket": ticket,
            "clocks": hd.ticket_sla(ticket),
            "comments": hd.ticket_comments(ticket),
            "events": hd.ticket_events(ticket),
            "breaches": list(hd.sla_breaches(shop=request.shop, ticket=ticket)),
            "comment_form": comment_form or CommentForm(),
            "edit_form": edit_form
            or TicketEditForm(
                agents=agents, initial={"priority": ticket.priority, "assignee": ticket.assignee_id}
            ),
            "actions": [
                (s, label) for s, label in STATUS_ACTIONS.items() if s in hs.TRANSITIONS[ticket.status]
            ],
            "closed": ticket.status == TicketStatus.CLOSED,
            "open_now": hd.shop_is_open(request.shop, timezone.now()),
        },
        status=status,
        active="tickets",
    )


@seller_view(P.SERVICE_HANDLE)
def ticket_detail(request, ticket_id: int):
    return _detail_page(request, hd.ticket_get(shop=request.shop, ticket_id=ticket_id))


@seller_view(P.SERVICE_HANDLE)
@require_POST
def ticket_comment(request, ticket_id: int):
    ticket = hd.ticket_get(shop=request.shop, ticket_id=ticket_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        with form_errors(form, passthrough=NotFound) as outcome:
            hs.ticket_comment_add(
                shop=request.shop,
                actor=request.user,
                ticket_id=ticket.pk,
                body=form.cleaned_data["body"],
                public=form.cleaned_data["public"],
            )
            messages.success(request, _t("已回复") if form.cleaned_data["public"] else _t("备注已添加"))
            return redirect("sellercenter:ticket_detail", ticket_id=ticket.pk)
        return _detail_page(request, ticket, comment_form=form, status=outcome.status)
    return _detail_page(request, ticket, comment_form=form, status=400)


@seller_view(P.SERVICE_HANDLE)
@require_POST
def ticket_status(request, ticket_id: int):
    ticket = hd.ticket_get(shop=request.shop, ticket_id=ticket_id)
    with message_errors(request, passthrough=NotFound):
        hs.ticket_transition(
            shop=request.shop, actor=request.user, ticket_id=ticket.pk, status=request.POST.get("status", "")
        )
        messages.success(request, _t("工单状态已更新"))
    return redirect("sellercenter:ticket_detail", ticket_id=ticket.pk)


@seller_view(P.SERVICE_HANDLE)
@require_POST
def ticket_edit(request, ticket_id: int):
    ticket = hd.ticket_get(shop=request.shop, ticket_id=ticket_id)
    form = TicketEditForm(request.POST, agents=_agents(request.shop))
    if form.is_valid():
        with form_errors(form, passthrough=NotFound) as outcome:
            hs.ticket_update(
                shop=request.shop,
                actor=request.user,
                ticket_id=ticket.pk,
                priority=form.cleaned_data["priority"],
                assignee_id=form.cleaned_data["assignee"],
            )
            messages.success(request, _t("工单已更新"))
            return redirect("sellercenter:ticket_detail", ticket_id=ticket.pk)
        return _detail_page(request, ticket, edit_form=form, status=outcome.status)
    return _detail_page(request, ticket, edit_form=form, status=400)


def _sla_page(request, form=None, status=200):
    policies = hd.sla_policies(request.shop)
    if form is None:
        initial = {}
        for p, row in policies.items():
            for metric in ("first_response_minutes", "next_response_minutes", "resolution_minutes"):
                initial[f"{p}__{metric}"] = getattr(row, metric) if row else None
        form = SlaForm(initial=initial)
    rows = [
        (
            label,
            [
                form[f"{p}__{m}"]
                for m in ("first_response_minutes", "next_response_minutes", "resolution_minutes")
            ],
        )
        for p, label in TicketPriority.choices
    ]
    return seller_render(
        request,
        "sellercenter/helpdesk/sla.html",
        {"form": form, "rows": rows, "can_manage": can(request.staff, P.SERVICE_MANAGE)},
        status=status,
        active="sla",
    )


@seller_view(P.SERVICE_MANAGE)
def sla_policies(request):
    if request.method != "POST":
        return _sla_page(request)
    form = SlaForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with form_errors(form) as outcome:
            hs.sla_policies_save(
                shop=request.shop,
                policies={
                    p: {m: data[f"{p}__{m}"] or 0 for m in hs.SLA_FIELDS} for p in TicketPriority.values
                },
            )
            messages.success(request, _t("SLA 策略已保存，新建的工单按新时限计算"))
            return redirect("sellercenter:sla_policies")
        return _sla_page(request, form, status=outcome.status)
    return _sla_page(request, form, status=400)
