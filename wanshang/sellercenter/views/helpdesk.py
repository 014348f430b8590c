"""客服设置 (auto-replies, business hours, holidays), 快捷短语 and 常见问题知识库: thin pages over
helpdesk.services / helpdesk.selectors. The shop is always the staff member's own."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.helpdesk import selectors as hd
from wanshang.helpdesk import services as hs
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import can, seller_render, seller_view

WEEKDAYS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


class ServiceSettingsForm(forms.Form):
    welcome_text = forms.CharField(
        label=_("欢迎语"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    offhours_text = forms.CharField(
        label=_("非营业时间自动回复"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    noreply_minutes = forms.IntegerField(
        label=_("客服未回复提醒（分钟）"),
        min_value=0,
        max_value=120,
        help_text=_("买家等待超过该分钟数时自动发送提示；0 表示关闭"),
    )
    noreply_text = forms.CharField(
        label=_("未回复提示"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    faq_autoreply = forms.BooleanField(label=_("用常见问题自动回答买家（转人工前）"), required=False)
    faq_threshold = forms.IntegerField(
        label=_("自动回答置信度（%）"),
        min_value=30,
        max_value=100,
        help_text=_("匹配分数达到该值才直接回答，越高越保守"),
    )
    agent_cap = forms.IntegerField(label=_("每位客服同时接待上限"), min_value=1, max_value=200)


class HoursForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i, name in enumerate(WEEKDAYS):
            self.fields[f"day_{i}"] = forms.CharField(
                label=name,
                required=False,
                max_length=80,
                widget=forms.TextInput(attrs={"placeholder": "09:00-12:00, 13:30-22:00"}),
            )


class SpecialDayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("closed", _("休息（节假日）")), ("open", _("调休上班"))]
    )
    periods = forms.CharField(
        label=_("上班时间"), required=False, max_length=20, help_text=_("调休上班时填写，如 09:00-18:00")
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=40)


def _settings_page(request, *, settings_form=None, hours_form=None, day_form=None, status=200):
    shop = request.shop
    if settings_form is None:
        view = hd.service_settings(shop)
        settings_form = ServiceSettingsForm(initial=view.__dict__)
    if hours_form is None:
        hours_form = HoursForm(
            initial={f"day_{d['weekday']}": ", ".join(d["periods"]) for d in hd.business_hours(shop)}
        )
    now = timezone.now()
    return seller_render(
        request,
        "sellercenter/helpdesk/settings.html",
        {
            "settings_form": settings_form,
            "hours_form": hours_form,
            "day_form": day_form or SpecialDayForm(),
            "special_days": hd.special_days(shop, since=timezone.localdate() - timezone.timedelta(days=30)),
            "hours_configured": hd.hours_configured(shop),
            "open_now": hd.shop_is_open(shop, now),
        },
        status=status,
        active="service_settings",
    )


@seller_view(P.SERVICE_MANAGE)
def service_settings(request):
    if request.method != "POST":
        return _settings_page(request)
    form = ServiceSettingsForm(request.POST)
    if form.is_valid():
        with form_errors(form) as outcome:
            hs.service_settings_save(shop=request.shop, **form.cleaned_data)
            messages.success(request, _t("客服设置已保存"))
            return redirect("sellercenter:service_settings")
        return _settings_page(request, settings_form=form, status=outcome.status)
    return _settings_page(request, settings_form=form, status=400)


@seller_view(P.SERVICE_MANAGE)
@require_POST
def business_hours(request):
    form = HoursForm(request.POST)
    if form.is_valid():
        week = {d: form.cleaned_data[f"day_{d}"] for d in range(7)}
        with form_errors(form) as outcome:
            hs.business_hours_save(shop=request.shop, week=week)
            messages.success(request, _t("营业时间已保存"))
            return redirect("sellercenter:service_settings")
        return _settings_page(request, hours_form=form, status=outcome.status)
    return _settings_page(request, hours_form=form, status=400)


@seller_view(P.SERVICE_MANAGE)
@require_POST
def special_day_add(request):
    form = SpecialDayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with form_errors(form) as outcome:
            hs.special_day_save(
                shop=request.shop,
                day=data["date"],
                kind=data["kind"],
                periods=data["periods"],
                note=data["note"],
            )
            messages.success(request, _t("特殊日期已保存"))
            return redirect("sellercenter:service_settings")
        return _settings_page(request, day_form=form, status=outcome.status)
    return _settings_page(request, day_form=form, status=400)


@seller_view(P.SERVICE_MANAGE)
@require_POST
def special_day_remove(request, day_id: int):
    hs.special_day_delete(shop=request.shop, special_day_id=day_id)
    messages.success(request, _t("特殊日期已删除"))
    return redirect("sellercenter:service_settings")


# ── 快捷短语 ─────────────────────────────────────────────────────────────────────────────────────────────────


class PhraseForm(forms.Form):
    category = forms.CharField(label=_("分类"), max_length=20, initial="常用")
    code = forms.CharField(
        label=_("快捷码"), max_length=16, required=False, help_text=_("如 /th，输入时键入快捷码即可插入")
    )
    text = forms.CharField(
        label=_("内容"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("可用变量：{买家} {订单号} {商品} {物流单号}"),
    )
    shop_wide = forms.BooleanField(label=_("全店共享（所有客服可用）"), required=False)


PHRASE_SCOPES = {"all": _("全部"), "shop": _("全店短语"), "personal": _("我的短语")}


def _phrases_page(request, form=None, *, editing=None, status=200):
    scope = request.GET.get("scope") or "all"
    scope = scope if scope in PHRASE_SCOPES else "all"
    q = (request.GET.get("q") or "").strip()[:40]
    rows = hd.phrase_list(shop=request.shop, user=request.user, scope=scope, q=q)
    return seller_render(
        request,
        "sellercenter/helpdesk/phrases.html",
        {
            "phrases": rows,
            "form": form or PhraseForm(),
            "editing": editing,
            "scope": scope,
            "scopes": PHRASE_SCOPES.items(),
            "q": q,
            "can_manage": can(request.staff, P.SERVICE_MANAGE),
            "import_form": PhraseImportForm(),
        },
        status=status,
        active="phrases",
    )


@seller_view(P.SERVICE_HANDLE)
def phrase_list(request):
    return _phrases_page(request)


@seller_view(P.SERVICE_HANDLE)
def phrase_edit(request, phrase_id: int | None = None):
    row = hd.phrase_get(shop=request.shop, user=request.user, phrase_id=phrase_id) if phrase_id else None
    if request.method != "POST":
        initial = (
            {"category": row.category, "code": row.code, "text": row.text, "shop_wide": row.owner_id is None}
            if row
            else None
        )
        return _phrases_page(request, PhraseForm(initial=initial), editing=row)
    form = PhraseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with form_errors(form, passthrough=NotFound) as outcome:
            if row:
                hs.phrase_update(
                    shop=request.shop,
                    actor=request.user,
                    phrase_id=row.pk,
                    category=data["category"],
                    code=data["code"],
                    text=data["text"],
                )
            else:
                hs.phrase_create(
                    shop=request.shop,
                    actor=request.user,
                    personal=not data["shop_wide"],
                    category=data["category"],
                    code=data["code"],
                    text=data["text"],
                )
            messages.success(request, _t("快捷短语已保存"))
            return redirect("sellercenter:phrase_list")
        return _phrases_page(request, form, editing=row, status=outcome.status)
    return _phrases_page(request, form, editing=row, status=400)


class PhraseImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件"), help_text=_("第一行为表头：分类、快捷码、内容"))
    shop_wide = forms.BooleanField(label=_("导入为全店短语"), required=False)


@seller_view(P.SERVICE_HANDLE)
def phrase_export(request):
    scope = request.GET.get("scope") or "all"
    data = hd.phrases_xlsx(
        shop=request.shop, user=request.user, scope=scope if scope in PHRASE_SCOPES else "all"
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="phrases.xlsx"'
    return response


@seller_view(P.SERVICE_HANDLE)
@require_POST
def phrase_import(request):
    form = PhraseImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("sellercenter:phrase_list")
    upload = form.cleaned_data["file"]
    if upload.size > 2 * 1024 * 1024:
        messages.error(request, _t("文件不能超过 2 MB"))
        return redirect("sellercenter:phrase_list")
    with message_errors(request, prefix=_t("导入失败：")):
        n = hs.phrases_import_xlsx(
            shop=request.shop,
            actor=request.user,
            personal=not form.cleaned_data["shop_wide"],
            data=upload.read(),
        )
        messages.success(request, _t("已导入 %(n)s 条快捷短语") % {"n": n})
    return redirect("sellercenter:phrase_list")


@seller_view(P.SERVICE_HANDLE)
@require_POST
def phrase_remove(request, phrase_id: int):
    with message_errors(request, passthrough=NotFound):
        hs.phrase_delete(shop=request.shop, actor=request.user, phrase_id=phrase_id)
        messages.success(request, _t("快捷短语已删除"))
    return redirect("sellercenter:phrase_list")


# ── 常见问题 ─────────────────────────────────────────────────────────────────────────────────────────────────


class FaqForm(forms.Form):
    category = forms.TypedChoiceField(label=_("分类"), coerce=int)
    question = forms.CharField(label=_("标准问题"), max_length=100)
    phrasings = forms.CharField(
        label=_("相似问法"),
        required=False,
        max_length=2100,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一种买家可能的问法，越多匹配越准"),
    )
    answer = forms.CharField(label=_("答案"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("请选择"))] + [(c.pk, c.name) for c in categories]


class FaqCategoryForm(forms.Form):
    name = forms.CharField(label=_("分类名称"), max_length=20)
    position = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=0, required=False)


@seller_view(P.SERVICE_HANDLE)
def faq_list(request):
    shop = request.shop
    q = (request.GET.get("q") or "").strip()[:60]
    try:
        category_id = int(request.GET.get("category") or 0)
    except ValueError:
        category_id = 0
    page = Paginator(hd.faq_list(shop=shop, q=q, category_id=category_id or None), 20).get_page(
        request.GET.get("page")
    )
    trial = (request.GET.get("try") or "").strip()[:200]
    return seller_render(
        request,
        "sellercenter/helpdesk/faq_list.html",
        {
            "page": page,
            "categories": hd.faq_categories(shop),
            "category_id": category_id,
            "q": q,
            "trial": trial,
            "trial_hits": hd.faq_suggest(shop, trial, limit=3) if trial else None,
            "trial_best": hd.faq_best_answer(shop, trial) if trial else None,
            "threshold": hd.service_settings(shop).faq_threshold,
            "can_manage": can(request.staff, P.SERVICE_MANAGE),
            "category_form": FaqCategoryForm(),
        },
        active="faq",
    )


def _faq_form_page(request, form, *, row=None, status=200):
    return seller_render(
        request,
        "sellercenter/helpdesk/faq_form.html",
        {"form": form, "row": row},
        status=status,
        active="faq",
    )


@seller_view(P.SERVICE_MANAGE)
def faq_edit(request, faq_id: int | None = None):
    shop = request.shop
    row = hd.faq_get(shop=shop, faq_id=faq_id) if faq_id else None
    categories = hd.faq_categories(shop)
    if request.method != "POST":
        initial = (
            {
                "category": row.category_id,
                "question": row.question,
                "phrasings": row.phrasings,
                "answer": row.answer,
                "enabled": row.enabled,
            }
            if row
            else {"enabled": True}
        )
        return _faq_form_page(request, FaqForm(initial=initial, categories=categories), row=row)
    form = FaqForm(request.POST, categories=categories)
    if form.is_valid():
        data = form.cleaned_data
        values = {
            "category_id": data["category"],
            "question": data["question"],
            "phrasings": data["phrasings"],
            "answer": data["answer"],
            "enabled": data["enabled"],
        }
        with form_errors(form, passthrough=NotFound) as outcome:
            if row:
                hs.faq_update(shop=shop, faq_id=row.pk, **values)
            else:
                hs.faq_create(shop=shop, **values)
            messages.success(request, _t("问题已保存"))
            return redirect("sellercenter:faq_list")
        return _faq_form_page(request, form, row=row, status=outcome.status)
    return _faq_form_page(request, form, row=row, status=400)


@seller_view(P.SERVICE_MANAGE)
@require_POST
def faq_toggle(request, faq_id: int):
    row = hd.faq_get(shop=request.shop, faq_id=faq_id)
    hs.faq_set_enabled(shop=request.shop, faq_id=row.pk, enabled=not row.enabled)
    messages.success(request, _t("已启用") if not row.enabled else _t("已停用"))
    return redirect("sellercenter:faq_list")


@seller_view(P.SERVICE_MANAGE)
@require_POST
def faq_remove(request, faq_id: int):
    hs.faq_delete(shop=request.shop, faq_id=faq_id)
    messages.success(request, _t("问题已删除"))
    return redirect("sellercenter:faq_list")


@seller_view(P.SERVICE_MANAGE)
@require_POST
def faq_category_add(request):
    form = FaqCategoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("sellercenter:faq_list")
    with message_errors(request):
        hs.faq_category_save(
            shop=request.shop, name=form.cleaned_data["name"], position=form.cleaned_data["position"]
        )
        messages.success(request, _t("分类已添加"))
    return redirect("sellercenter:faq_list")


@seller_view(P.SERVICE_MANAGE)
@require_POST
def faq_category_remove(request, category_id: int):
    with message_errors(request, passthrough=NotFound):
        hs.faq_category_delete(shop=request.shop, category_id=category_id)
        messages.success(request, _t("分类已删除"))
    return redirect("sellercenter:faq_list")
