"""Search and category listings over the search index: results, facets, fallbacks; suggestions; click-through.

The results block (facets, count, grid, pagination) is the same for every visitor of one URL, so it is cached
per URL and language under the catalog's listing version, as before; the query log and the buyer's own prices
are done on every request (`splice_card_prices`).
"""

import hashlib

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wanshang.analytics.selectors import visitor_of
from wanshang.catalog.selectors import category_get, listing_changed_at, listing_version
from wanshang.common.dbrouter import replica_safe_ttl
from wanshang.common.errors import NotFound
from wanshang.search.selectors import SearchParams, hot_words, search, suggest
from wanshang.search.services import query_click, query_record
from wanshang.storefront.ad_slots import served_ads, splice_ads
from wanshang.storefront.forms import SearchForm
from wanshang.storefront.promo_display import splice_card_prices

PER_PAGE = 40
LISTING_TTL = 120


def _category_of(form: SearchForm, fixed):
    if fixed is not None:
        return fixed
    raw = form.data.get("category", "")
    if not raw:
        return None
    if not str(raw).isdigit() or len(str(raw)) > 18:
        form.add_error(None, _("类目无效"))
        return None
    try:
        found = category_get(category_id=int(raw))
    except NotFound:
        form.add_error(None, _("类目不存在"))
        return None
    return found if found.is_active else None


def listing(request, *, template: str, category=None, extra=None, record: bool = True, splice: bool = True):
    """A search or category page. `category` fixes the subtree (category pages); search pages may narrow to one.
    `splice=False` leaves the card prices marked, for the caller to splice (`_page_cache.serve`)."""
    form = SearchForm(request.GET)
    form.is_valid()
    chosen = _category_of(form, category)
    filters = form.filters()
    params = SearchParams(**filters, category=chosen, per_page=PER_PAGE)
    path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"storefront:search:{listing_version()}:{get_language()}:{path_hash}"
    block = cache.get(key)
    if block is None:
        result = search(params)
        context = {
            "result": result,
            "products": result.products,
            "q": params.q,
            "sort": params.sort,
            "category": chosen,
            "form": form,
            "price_form": form,
        }
        block = {
            "html": render_to_string("storefront/_search_results.html", context, request=request),
            "total": result.total,
            "fallback": result.fallback,
            "words": result.words,
            "page": result.page,
        }
        cache.set(key, block, replica_safe_ttl(LISTING_TTL, changed_at=listing_changed_at))
    query = None
    if record and params.q and params.page == 1:
        query = query_record(
            text_typed=params.q,
            results=block["total"],
            fallback=block["fallback"],
            shop_id=params.shop_id,
            user=request.user,
            visitor=visitor_of(user_id=request.user.pk if request.user.is_authenticated else None),
        )
    html = block["html"]
    if record and params.q:  # keyword ads (推广) in their fixed slots: an auction per page view
        ads = served_ads(
            request,
            words=block.get("words", []),
            query=params.q,
            page=block.get("page", params.page),
            per_page=PER_PAGE,
        )
        html = splice_ads(html, ads, request=request)
    html = splice_card_prices(html, buyer=request.user) if splice else html
    context = {
        "q": params.q,
        "category": chosen,
        "results_html": mark_safe(html),  # noqa: S308 - rendered by our own template above
        "search_query_id": query.pk if query else "",
        **(extra or {}),
    }
    return render(request, template, context)


def suggestions(request):
    """Words for the search box as the buyer types (prefix, pinyin or initials), or the hot words when empty."""
    typed = (request.GET.get("q") or "").strip()[:50]
    words = suggest(prefix=typed) if typed else hot_words()
    return JsonResponse({"q": typed, "suggestions": words})


@csrf_exempt  # a beacon, like the 数据中心's: it only marks the first click of a logged query, changes nothing else
@require_POST
def click(request):
    """A search result was opened (sent by the page with navigator.sendBeacon): the click-through rate."""
    query_click(query_id=request.POST.get("qid"), product_id=request.POST.get("pid"))
    return JsonResponse({"ok": True})
