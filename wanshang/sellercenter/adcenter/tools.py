"""推广单元 tools: keyword suggestions from the search log with one-click add (`ads.suggestions`), and the
creatives report (each creative's impressions, clicks, CTR and rotation share, `ads.creative_report`)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.ads import selectors as ads
from wanshang.ads.services import suggestion_add
from wanshang.common.web import form_errors
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.adcenter.forms import SuggestionAddForm
from wanshang.sellercenter.adcenter.views import PERM


@seller_view(PERM)
def suggestions_view(request, group_id: int):
    group = ads.group_get(shop=request.shop, group_id=group_id)
    return _suggestions_page(request, group)


def _suggestions_page(request, group, *, form=None, status=200):
    return seller_render(
        request,
        "sellercenter/ads/suggestions.html",
        {
            "group": group,
            "plan": group.plan,
            "suggestions": ads.keyword_suggestions(shop=request.shop, group_id=group.pk),
            "match_types": ads.MATCH_TYPES,
            "form": form,
        },
        status=status,
        active="ads_plans",
    )


@seller_view(PERM)
@require_POST
def suggestion_add_view(request, group_id: int):
    group = ads.group_get(shop=request.shop, group_id=group_id)  # another shop's group: 404
    form = SuggestionAddForm(request.POST)
    if form.is_valid():
        with form_errors(form, add=lambda f, exc: f.add_error(None, exc.message)) as outcome:
            keyword = suggestion_add(
                shop=request.shop,
                group_id=group.pk,
                word=form.cleaned_data["word"],
                match_type=form.cleaned_data["match_type"],
                bid_fen=form.cleaned_data["bid"],
            )
            messages.success(request, _("已添加关键词“%(w)s”") % {"w": keyword.word})
            return redirect("sellercenter:ads_suggestions", group_id=group.pk)
        return _suggestions_page(request, group, form=form, status=outcome.status)
    return _suggestions_page(request, group, form=form, status=400)


@seller_view(PERM)
def creative_report_view(request, group_id: int):
    group = ads.group_get(shop=request.shop, group_id=group_id)
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 0
    if days not in ads.CREATIVE_REPORT_PERIODS:
        days, status = 30, 400
    else:
        status = 200
    return seller_render(
        request,
        "sellercenter/ads/creative_report.html",
        {
            "group": group,
            "plan": group.plan,
            "rows": ads.creative_report(shop=request.shop, group_id=group.pk, days=days),
            "days": days,
            "periods": ads.CREATIVE_REPORT_PERIODS,
            "bad_period": status == 400,
        },
        status=status,
        active="ads_plans",
    )


urlpatterns = [
    path("groups/<int:group_id>/suggestions/", suggestions_view, name="ads_suggestions"),
    path("groups/<int:group_id>/suggestions/add/", suggestion_add_view, name="ads_suggestion_add"),
    path("groups/<int:group_id>/creatives/report/", creative_report_view, name="ads_creative_report"),
]
