"""推广中心 pages: 推广账户 (balance, ledger, top-up through the cashier's gateways) and 推广计划 (plans and their
settings and status). The 推广单元 pages (keywords, negatives, creatives) are in `groups.py`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.ads import selectors as ads
from wanshang.ads.services import (
    PlanInput,
    group_create,
    negative_add,
    negative_delete,
    plan_create,
    plan_set_status,
    plan_update,
    topup_create,
    topup_pay_sandbox,
    topup_start,
)
from wanshang.catalog.selectors import seller_product_list
from wanshang.common.web import form_errors, message_errors
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.adcenter.forms import GroupForm, NegativeForm, PlanForm, TopUpForm, region_initial

PERM = P.ADS_MANAGE


# --- 推广账户 ------------------------------------------------------------------------------------------------


@seller_view(PERM)
def account_view(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(ads.LEDGER_KINDS) else ""
    page = Paginator(ads.ledger_list(shop=request.shop, kind=kind or None), 30).get_page(
        request.GET.get("page")
    )
    form = TopUpForm()
    status = 200
    if request.method == "POST":
        form = TopUpForm(request.POST)
        if form.is_valid() and form.cleaned_data["amount"] is not None:
            with form_errors(form) as outcome:
                topup = topup_create(
                    shop=request.shop, user=request.user, amount_fen=form.cleaned_data["amount"]
                )
                return redirect("sellercenter:ads_topup", payment_no=topup.payment_no)
            status = outcome.status
        else:
            if form.is_valid():
                form.add_error("amount", _("请填写充值金额"))
            status = 400
    return seller_render(
        request,
        "sellercenter/ads/account.html",
        {
            "balance": ads.account_balance(shop=request.shop),
            "totals": (totals := ads.ledger_totals(shop=request.shop)),
            "spent": -(totals["charge"] + totals["refund"]),
            "page": page,
            "kinds": ads.LEDGER_KINDS,
            "kind": kind,
            "form": form,
            "topups": list(ads.topup_list(shop=request.shop)[:5]),
        },
        status=status,
        active="ads_account",
    )


@seller_view(PERM)
def topup_view(request, payment_no: str):
    """The top-up's cashier: the amount, the gateways; the sandbox's 确认支付 in the demo."""
    topup = ads.topup_get(shop=request.shop, payment_no=payment_no)
    return seller_render(
        request,
        "sellercenter/ads/topup.html",
        {"topup": topup, "gateways": ads.topup_gateways()},
        active="ads_account",
    )


@seller_view(PERM)
@require_POST
def topup_pay_view(request, payment_no: str):
    topup = ads.topup_get(shop=request.shop, payment_no=payment_no)
    code = request.POST.get("gateway", "")
    with message_errors(request):
        if code == "sandbox":
            topup_pay_sandbox(shop=request.shop, payment_no=topup.payment_no)
            messages.success(request, _("充值成功，推广账户余额已更新"))
            return redirect("sellercenter:ads_account")
        action = topup_start(
            shop=request.shop,
            payment_no=topup.payment_no,
            gateway_code=code,
            return_url=request.build_absolute_uri(reverse("sellercenter:ads_topup", args=[payment_no])),
            notify_url=request.build_absolute_uri(reverse("api:notify", kwargs={"gateway": code})),
        )
        if action.kind == "redirect" and action.url:
            return redirect(action.url)
        messages.info(request, _("请按支付渠道的提示完成支付，到账后余额自动更新"))
    return redirect("sellercenter:ads_topup", payment_no=payment_no)


# --- 推广计划 ------------------------------------------------------------------------------------------------


@seller_view(PERM)
def plan_list_view(request):
    status = request.GET.get("status", "")
    status = status if status in dict(ads.PLAN_STATUSES) else ""
    plans = list(ads.plan_list(shop=request.shop, status=status or None))
    today = ads.plan_today_by_plan(plans=plans)
    for plan in plans:
        plan.today = today.get(plan.pk)
    return seller_render(
        request,
        "sellercenter/ads/plans.html",
        {
            "plans": plans,
            "statuses": ads.PLAN_STATUSES,
            "status": status,
            "balance": ads.account_balance(shop=request.shop),
        },
        active="ads_plans",
    )


def _plan_input(data) -> PlanInput:
    return PlanInput(
        name=data["name"],
        daily_budget_fen=data["daily_budget"],
        total_budget_fen=data["total_budget"],
        start_date=data["start_date"],
        end_date=data["end_date"],
        hour_multipliers=data["hours"],
        region_multipliers=data["regions"],
        on_pc=data["on_pc"],
        on_mobile=data["on_mobile"],
        pacing=data["pacing"],
        kind=data.get("kind") or "keyword",
    )


def _plan_initial(plan) -> dict:
    return {
        "name": plan.name,
        "daily_budget": plan.daily_budget_fen,
        "total_budget": plan.total_budget_fen,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "pacing": plan.pacing,
        "on_pc": plan.on_pc,
        "on_mobile": plan.on_mobile,
        "hours": ",".join(str(h) for h in plan.hour_multipliers),
        **region_initial(plan.region_multipliers),
    }


@seller_view(PERM)
def plan_create_view(request):
    return _plan_form(request)


@seller_view(PERM)
def plan_edit_view(request, plan_id: int):
    plan = ads.plan_get(shop=request.shop, plan_id=plan_id)
    if plan.kind == "auto":
        return redirect("sellercenter:ads_auto_edit", plan_id=plan.pk)
    return _plan_form(request, plan)


def _plan_form(request, plan=None):
    status = 200
    provinces = {r.code: r.name for r in ads.provinces()}
    if request.method == "POST":
        form = PlanForm(request.POST, provinces=provinces)
        if form.is_valid():
            if form.cleaned_data["daily_budget"] is None:
                form.add_error("daily_budget", _("请填写日预算"))
                status = 400
            else:
                with form_errors(form) as outcome:
                    data = _plan_input(form.cleaned_data)
                    if plan is None:
                        plan = plan_create(shop=request.shop, data=data)
                    else:
                        plan = plan_update(shop=request.shop, plan_id=plan.pk, data=data)
                    messages.success(request, _("推广计划已保存"))
                    return redirect("sellercenter:ads_plan", plan_id=plan.pk)
                status = outcome.status
        else:
            status = 400
    else:
        initial = (
            _plan_initial(plan)
            if plan
            else {"start_date": timezone.localdate(), "pacing": "standard", "on_pc": True, "on_mobile": True}
        )
        form = PlanForm(initial=initial, provinces=provinces)
    return seller_render(
        request,
        "sellercenter/ads/plan_form.html",
        {"form": form, "plan": plan, "region_max": ads.REGION_MAX},
        status=status,
        active="ads_plans",
    )


@seller_view(PERM)
def plan_detail_view(request, plan_id: int):
    plan = ads.plan_get(shop=request.shop, plan_id=plan_id)
    if plan.kind == "auto":  # 全站推广 has its own page (adcenter/auto.py)
        return redirect("sellercenter:ads_auto", plan_id=plan.pk)
    return _plan_detail(request, plan)


def _plan_detail(request, plan, *, group_form=None, negative_form=None, status=200):
    products = list(seller_product_list(shop=request.shop, status="on_sale")[:200])
    return seller_render(
        request,
        "sellercenter/ads/plan_detail.html",
        {
            "plan": plan,
            "today": ads.plan_today(plan=plan),
            "days": ads.plan_days(shop=request.shop, plan_id=plan.pk, limit=14),
            "next_statuses": [(s, ads.STATUS_ACTIONS[s]) for s in ads.plan_next_statuses(plan)],
            "groups": list(ads.group_list(shop=request.shop, plan_id=plan.pk)),
            "negatives": list(ads.negative_list(shop=request.shop, plan_id=plan.pk)),
            "group_form": group_form or GroupForm(),
            "negative_form": negative_form or NegativeForm(),
            "products": products,
            "highest_bid": ads.plan_highest_bid_of(plan=plan),
            "balance": ads.account_balance(shop=request.shop),
        },
        status=status,
        active="ads_plans",
    )


@seller_view(PERM)
@require_POST
def plan_status_view(request, plan_id: int):
    plan = ads.plan_get(shop=request.shop, plan_id=plan_id)
    with message_errors(request):
        plan = plan_set_status(shop=request.shop, plan_id=plan.pk, status=request.POST.get("status", ""))
        messages.success(request, _("计划状态：%(s)s") % {"s": plan.get_status_display()})
    return redirect("sellercenter:ads_plan", plan_id=plan.pk)


@seller_view(PERM)
@require_POST
def group_create_view(request, plan_id: int):
    plan = ads.plan_get(shop=request.shop, plan_id=plan_id)
    form = GroupForm(request.POST)
    if form.is_valid():  # the bid is a required field: a valid form has one
        with form_errors(form) as outcome:
            group = group_create(
                shop=request.shop,
                plan_id=plan.pk,
                product_id=form.cleaned_data["product_id"],
                default_bid_fen=form.cleaned_data["default_bid"],
            )
            messages.success(request, _("推广单元已创建，接着添加关键词和创意"))
            return redirect("sellercenter:ads_group", group_id=group.pk)
        return _plan_detail(request, plan, group_form=form, status=outcome.status)
    return _plan_detail(request, plan, group_form=form, status=400)


@seller_view(PERM)
@require_POST
def plan_negative_add_view(request, plan_id: int):
    plan = ads.plan_get(shop=request.shop, plan_id=plan_id)
    form = NegativeForm(request.POST)
    if form.is_valid():
        with form_errors(form) as outcome:
            negative_add(shop=request.shop, plan_id=plan.pk, **form.cleaned_data)
            messages.success(request, _("否定词已添加"))
            return redirect("sellercenter:ads_plan", plan_id=plan.pk)
        return _plan_detail(request, plan, negative_form=form, status=outcome.status)
    return _plan_detail(request, plan, negative_form=form, status=400)


@seller_view(PERM)
@require_POST
def negative_delete_view(request, negative_id: int):
    row = ads.negative_get(shop=request.shop, negative_id=negative_id)
    negative_delete(shop=request.shop, negative_id=row.pk)
    messages.success(request, _("否定词已删除"))
    if row.group_id:
        return redirect("sellercenter:ads_group", group_id=row.group_id)
    return redirect("sellercenter:ads_plan", plan_id=row.plan_id)


urlpatterns = [
    path("", account_view, name="ads_account"),
    path("topup/<str:payment_no>/", topup_view, name="ads_topup"),
    path("topup/<str:payment_no>/pay/", topup_pay_view, name="ads_topup_pay"),
    path("plans/", plan_list_view, name="ads_plans"),
    path("plans/new/", plan_create_view, name="ads_plan_create"),
    path("plans/<int:plan_id>/", plan_detail_view, name="ads_plan"),
    path("plans/<int:plan_id>/edit/", plan_edit_view, name="ads_plan_edit"),
    path("plans/<int:plan_id>/status/", plan_status_view, name="ads_plan_status"),
    path("plans/<int:plan_id>/groups/", group_create_view, name="ads_group_create"),
    path("plans/<int:plan_id>/negatives/", plan_negative_add_view, name="ads_plan_negative_add"),
    path("negatives/<int:negative_id>/delete/", negative_delete_view, name="ads_negative_delete"),
]
