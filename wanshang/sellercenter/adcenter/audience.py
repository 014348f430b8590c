"""推广计划 → 人群定向 of an audience plan (引力魔方): billing and frequency cap, and its crowd targets with their
bid multipliers (add, change, pause, remove). A crowd pack is one of the shop's own; a competing shop is never
named. Another shop's plan or target is 404."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wanshang.ads import selectors as ads
from wanshang.ads.services import audience_setup_update, target_add, target_delete, target_update
from wanshang.common.web import form_errors
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view

PERM = P.ADS_MANAGE


class SetupForm(forms.Form):
    billing = forms.ChoiceField(label=gettext_lazy("计费方式"), choices=ads.BILLINGS)
    frequency_cap = forms.IntegerField(
        label=gettext_lazy("频次上限（每人每天）"),
        help_text=gettext_lazy("同一访客一天内最多看到本计划广告的次数，1–50"),
    )


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("人群类型"), choices=ads.CROWD_KINDS)
    pack_id = forms.IntegerField(label=gettext_lazy("人群包"), required=False)
    words = forms.CharField(
        label=gettext_lazy("意向词"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("关键词意向人群：近 15 天搜索过这些词的访客；用逗号或空格隔开，最多 10 个"),
    )
    multiplier_pct = forms.IntegerField(
        label=gettext_lazy("出价系数（%）"),
        initial=100,
        help_text=gettext_lazy("单元出价 × 系数为该人群的出价，10%–300%"),
    )


class TargetChangeForm(forms.Form):
    multiplier_pct = forms.IntegerField(required=False)
    status = forms.ChoiceField(choices=[("", "")] + list(ads.TARGET_STATUSES), required=False)


def _page(request, plan, *, setup_form=None, target_form=None, status=200):
    setup = ads.audience_setup(shop=request.shop, plan_id=plan.pk)
    return seller_render(
        request,
        "sellercenter/ads/plan_audience.html",
        {
            "plan": plan,
            "setup": setup,
            "setup_form": setup_form
            or SetupForm(initial={"billing": setup.billing, "frequency_cap": setup.frequency_cap}),
            "target_form": target_form or TargetForm(),
            "targets": ads.target_list(shop=request.shop, plan_id=plan.pk),
            "packs": ads.pack_choices(shop=request.shop),
            "groups": list(ads.group_list(shop=request.shop, plan_id=plan.pk)),
            "multiplier_range": (ads.MULTIPLIER_MIN, ads.MULTIPLIER_MAX),
        },
        status=status,
        active="ads_plans",
    )


def _audience_plan(request, plan_id):
    plan = ads.plan_get(shop=request.shop, plan_id=plan_id)
    ads.audience_setup(shop=request.shop, plan_id=plan.pk)  # 400 for a keyword plan
    return plan


@seller_view(PERM)
def audience_view(request, plan_id: int):
    return _page(request, _audience_plan(request, plan_id))


@seller_view(PERM)
@require_POST
def audience_setup_view(request, plan_id: int):
    plan = _audience_plan(request, plan_id)
    form = SetupForm(request.POST)
    if not form.is_valid():
        return _page(request, plan, setup_form=form, status=400)
    with form_errors(form) as outcome:
        audience_setup_update(shop=request.shop, plan_id=plan.pk, **form.cleaned_data)
        messages.success(request, _("投放设置已保存"))
        return redirect("sellercenter:ads_audience", plan_id=plan.pk)
    return _page(request, plan, setup_form=form, status=outcome.status)


@seller_view(PERM)
@require_POST
def audience_target_add_view(request, plan_id: int):
    plan = _audience_plan(request, plan_id)
    form = TargetForm(request.POST)
    if not form.is_valid():
        return _page(request, plan, target_form=form, status=400)
    data = form.cleaned_data
    with form_errors(form) as outcome:
        target_add(
            shop=request.shop,
            plan_id=plan.pk,
            kind=data["kind"],
            multiplier_pct=data["multiplier_pct"],
            pack_id=data["pack_id"],
            words=data["words"],
        )
        messages.success(request, _("定向人群已添加"))
        return redirect("sellercenter:ads_audience", plan_id=plan.pk)
    return _page(request, plan, target_form=form, status=outcome.status)


@seller_view(PERM)
@require_POST
def audience_target_change_view(request, target_id: int):
    target = ads.target_get(shop=request.shop, target_id=target_id)
    form = TargetChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("出价系数须是整数"))
        return _page(request, target.plan, status=400)
    data = form.cleaned_data
    with form_errors(form) as outcome:
        target_update(
            shop=request.shop,
            target_id=target.pk,
            multiplier_pct=data["multiplier_pct"],
            status=data["status"] or None,
        )
        messages.success(request, _("定向人群已更新"))
        return redirect("sellercenter:ads_audience", plan_id=target.plan_id)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return _page(request, target.plan, status=outcome.status)


@seller_view(PERM)
@require_POST
def audience_target_delete_view(request, target_id: int):
    target = ads.target_get(shop=request.shop, target_id=target_id)
    target_delete(shop=request.shop, target_id=target.pk)
    messages.success(request, _("定向人群已移除"))
    return redirect("sellercenter:ads_audience", plan_id=target.plan_id)


urlpatterns = [
    path("plans/<int:plan_id>/audience/", audience_view, name="ads_audience"),
    path("plans/<int:plan_id>/audience/setup/", audience_setup_view, name="ads_audience_setup"),
    path("plans/<int:plan_id>/audience/targets/", audience_target_add_view, name="ads_audience_target_add"),
    path("audience/targets/<int:target_id>/", audience_target_change_view, name="ads_audience_target"),
    path(
        "audience/targets/<int:target_id>/delete/",
        audience_target_delete_view,
        name="ads_audience_target_delete",
    ),
]
