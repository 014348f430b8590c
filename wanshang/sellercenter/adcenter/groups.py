"""推广单元 pages: the group's default bid and status, its keywords (bulk add from a textarea; each row's bid,
match type and status changed in place with htmx), its negatives and its creatives (with the title formula's
warnings, checked live as the title is typed)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.ads import selectors as ads
from wanshang.ads.services import (
    creative_add,
    creative_delete,
    group_update,
    keyword_delete,
    keyword_update,
    keywords_add,
    negative_add,
)
from wanshang.common.errors import DomainError
from wanshang.common.web import form_errors, message_errors
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.adcenter.forms import (
    CreativeForm,
    GroupBidForm,
    KeywordBulkForm,
    KeywordEditForm,
    NegativeForm,
)
from wanshang.sellercenter.adcenter.views import PERM


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@seller_view(PERM)
def group_detail_view(request, group_id: int):
    return _group_page(request, ads.group_get(shop=request.shop, group_id=group_id))


def _group_page(request, group, *, status=200, **forms):
    images = group.product.images or []
    return seller_render(
        request,
        "sellercenter/ads/group.html",
        {
            "group": group,
            "plan": group.plan,
            "keywords": list(ads.keyword_list(shop=request.shop, group_id=group.pk)),
            "negatives": list(ads.negative_list(shop=request.shop, plan_id=group.plan_id, group_id=group.pk)),
            "creatives": ads.creative_list(shop=request.shop, group=group),
            "creatives_max": ads.CREATIVES_PER_GROUP,
            "bid_form": forms.get("bid_form") or GroupBidForm(initial={"default_bid": group.default_bid_fen}),
            "bulk_form": forms.get("bulk_form") or KeywordBulkForm(),
            "negative_form": forms.get("negative_form") or NegativeForm(),
            "creative_form": forms.get("creative_form")
            or CreativeForm(images=images, initial={"image_url": images[0] if images else None}),
            "match_types": ads.MATCH_TYPES,
            "keyword_max": ads.KEYWORD_MAX_CHARS,
        },
        status=status,
        active="ads_plans",
    )


@seller_view(PERM)
@require_POST
def group_bid_view(request, group_id: int):
    group = ads.group_get(shop=request.shop, group_id=group_id)
    form = GroupBidForm(request.POST)
    if form.is_valid():  # the bid is a required field: a valid form has one
        with form_errors(form) as outcome:
            group_update(
                shop=request.shop, group_id=group.pk, default_bid_fen=form.cleaned_data["default_bid"]
            )
            messages.success(request, _("默认出价已保存"))
            return redirect("sellercenter:ads_group", group_id=group.pk)
        return _group_page(request, group, bid_form=form, status=outcome.status)
    return _group_page(request, group, bid_form=form, status=400)


@seller_view(PERM)
@require_POST
def group_status_view(request, group_id: int):
    group = ads.group_get(shop=request.shop, group_id=group_id)
    with message_errors(request):
        group_update(shop=request.shop, group_id=group.pk, status=request.POST.get("status", ""))
    return redirect("sellercenter:ads_group", group_id=group.pk)


@seller_view(PERM)
@require_POST
def keywords_add_view(request, group_id: int):
    group = ads.group_get(shop=request.shop, group_id=group_id)
    form = KeywordBulkForm(request.POST)
    if form.is_valid():
        with form_errors(form, add=lambda f, exc: f.add_error("lines", exc.message)) as outcome:
            made = keywords_add(shop=request.shop, group_id=group.pk, rows=form.cleaned_data["rows"])
            messages.success(request, _("已添加 %(n)s 个关键词") % {"n": len(made)})
            return redirect("sellercenter:ads_group", group_id=group.pk)
        return _group_page(request, group, bulk_form=form, status=outcome.status)
    return _group_page(request, group, bulk_form=form, status=400)


@seller_view(PERM)
@require_POST
def keyword_edit_view(request, keyword_id: int):
    """One keyword row's bid and match type (htmx: the row comes back in place, with the error if refused)."""
    keyword = ads.keyword_get(shop=request.shop, keyword_id=keyword_id)
    form = KeywordEditForm(request.POST)
    error, status = "", 200
    if form.is_valid():
        bid = form.cleaned_data["bid"]
        try:
            keyword = keyword_update(
                shop=request.shop,
                keyword_id=keyword.pk,
                bid_fen=bid,
                inherit=bid is None,
                match_type=form.cleaned_data["match_type"],
                status=request.POST.get("status") or None,
            )
        except DomainError as exc:
            error, status = exc.message, exc.status_code
    else:
        error, status = "；".join(e for errs in form.errors.values() for e in errs), 400
    keyword = ads.keyword_get(shop=request.shop, keyword_id=keyword.pk)
    if is_htmx(request):
        return render(
            request,
            "sellercenter/ads/_keyword_row.html",
            {"k": keyword, "error": error, "match_types": ads.MATCH_TYPES, "saved": not error},
            status=status,
        )
    if error:
        messages.error(request, error)
    return redirect("sellercenter:ads_group", group_id=keyword.group_id)


@seller_view(PERM)
@require_POST
def keyword_delete_view(request, keyword_id: int):
    keyword = ads.keyword_get(shop=request.shop, keyword_id=keyword_id)
    keyword_delete(shop=request.shop, keyword_id=keyword.pk)
    if is_htmx(request):
        return render(request, "sellercenter/ads/_empty.html")
    messages.success(request, _("关键词已删除"))
    return redirect("sellercenter:ads_group", group_id=keyword.group_id)


@seller_view(PERM)
@require_POST
def group_negative_add_view(request, group_id: int):
    group = ads.group_get(shop=request.shop, group_id=group_id)
    form = NegativeForm(request.POST)
    if form.is_valid():
        with form_errors(form) as outcome:
            negative_add(shop=request.shop, plan_id=group.plan_id, group_id=group.pk, **form.cleaned_data)
            messages.success(request, _("否定词已添加"))
            return redirect("sellercenter:ads_group", group_id=group.pk)
        return _group_page(request, group, negative_form=form, status=outcome.status)
    return _group_page(request, group, negative_form=form, status=400)


@seller_view(PERM)
@require_POST
def creative_add_view(request, group_id: int):
    group = ads.group_get(shop=request.shop, group_id=group_id)
    form = CreativeForm(request.POST, images=group.product.images or [])
    if form.is_valid():
        with form_errors(form) as outcome:
            _creative, warnings = creative_add(shop=request.shop, group_id=group.pk, **form.cleaned_data)
            if warnings:
                messages.warning(
                    request, _("创意已保存。标题建议：%(w)s") % {"w": "；".join(w.message for w in warnings)}
                )
            else:
                messages.success(request, _("创意已保存"))
            return redirect("sellercenter:ads_group", group_id=group.pk)
        return _group_page(request, group, creative_form=form, status=outcome.status)
    return _group_page(request, group, creative_form=form, status=400)


@seller_view(PERM)
def creative_check_view(request, group_id: int):
    """The title formula's warnings for the title being typed (htmx, as the merchant types)."""
    group = ads.group_get(shop=request.shop, group_id=group_id)
    title = (request.GET.get("title") or "")[:60]
    warnings = ads.title_warnings(group=group, title=title) if title.strip() else []
    return render(request, "sellercenter/ads/_title_check.html", {"warnings": warnings, "title": title})


@seller_view(PERM)
@require_POST
def creative_delete_view(request, creative_id: int):
    creative = ads.creative_get(shop=request.shop, creative_id=creative_id)
    creative_delete(shop=request.shop, creative_id=creative.pk)
    messages.success(request, _("创意已删除"))
    return redirect("sellercenter:ads_group", group_id=creative.group_id)


urlpatterns = [
    path("groups/<int:group_id>/", group_detail_view, name="ads_group"),
    path("groups/<int:group_id>/bid/", group_bid_view, name="ads_group_bid"),
    path("groups/<int:group_id>/status/", group_status_view, name="ads_group_status"),
    path("groups/<int:group_id>/keywords/", keywords_add_view, name="ads_keywords_add"),
    path("groups/<int:group_id>/negatives/", group_negative_add_view, name="ads_group_negative_add"),
    path("groups/<int:group_id>/creatives/", creative_add_view, name="ads_creative_add"),
    path("groups/<int:group_id>/creatives/check/", creative_check_view, name="ads_creative_check"),
    path("keywords/<int:keyword_id>/", keyword_edit_view, name="ads_keyword_edit"),
    path("keywords/<int:keyword_id>/delete/", keyword_delete_view, name="ads_keyword_delete"),
    path("creatives/<int:creative_id>/delete/", creative_delete_view, name="ads_creative_delete"),
]
