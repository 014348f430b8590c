"""Browsing: home, category tree, category / search / shop listings, product detail."""

import hashlib

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wanshang.catalog.selectors import (
    category_ancestors,
    category_get,
    listing_version,
    paginate,
    product_get_public,
    product_search,
)
from wanshang.common.errors import DomainError, NotFound
from wanshang.common.money import fen_to_yuan_str
from wanshang.common.web import error_page
from wanshang.inventory.selectors import available_by_sku
from wanshang.merchants.selectors import shop_get_public, shop_list_open
from wanshang.storefront.forms import SORTS, PriceFilterForm
from wanshang.storefront.templatetags.storefront import category_menu

PER_PAGE = 40
SORT_KEYS = {key for key, _ in SORTS}


def home(request):
    tree = category_menu(request)
    floors = []
    for root in tree[:4]:
        products = list(product_search(category=root, sort="sales")[:5])
        if products:
            floors.append((root, products))
    return render(request, "storefront/home.html", {
        "categories": tree,
        "hot": list(product_search(sort="sales")[:10]),
        "new": list(product_search(sort="new")[:10]),
        "floors": floors,
        "shops": list(shop_list_open().order_by("-id")[:12]),
    })


def categories(request):
    return render(request, "storefront/categories.html", {"categories": category_menu(request)})


LISTING_TTL = 120


def _listing(request, *, template: str, category=None, shop=None, q: str = "", extra=None,
             results_template: str | None = "storefront/_listing_results.html"):
    """A product list page. The results block (count, grid, pagination) is the same for every visitor, so it
    is cached per URL and language, keyed by the catalog's listing version: any price, shelf or shop change
    renders it afresh; sales counts may lag by up to LISTING_TTL seconds."""
    form = PriceFilterForm(request.GET or None)
    low = high = None
    if form.is_bound and form.is_valid():
        low, high = form.cleaned_data["min_price"], form.cleaned_data["max_price"]
    sort = request.GET.get("sort", "default")
    sort = sort if sort in SORT_KEYS else "default"
    context = {"sort": sort, "price_form": form, "q": q, "category": category, "shop": shop, **(extra or {})}
    path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"storefront:listing:{listing_version()}:{get_language()}:{path_hash}"
    results_html = cache.get(key) if results_template else None
    if results_html is None:
        qs = product_search(q=q, category=category, shop=shop, sort=sort, min_price_fen=low, max_price_fen=high)
        page = paginate(qs, page=request.GET.get("page"), per_page=PER_PAGE)
        context.update(page=page, products=page.object_list)
        if not results_template:  # the page lays the results out itself (shop page)
            return render(request, template, context)
        results_html = render_to_string(results_template, context, request=request)
        cache.set(key, results_html, LISTING_TTL)
    return render(request, template, {**context, "results_html": mark_safe(results_html)})  # noqa: S308


def _find_node(tree, category_id):
    for root in tree:
        if root.pk == category_id:
            return root
        found = _find_node(root.kids, category_id)
        if found:
            return found
    return None


def category(request, slug):
    try:
        cat = category_get(slug=slug)
    except DomainError as exc:
        return error_page(request, exc)
    if not cat.is_active:
        return error_page(request, NotFound("类目不存在"))
    tree = category_menu(request)
    chain = category_ancestors(cat)
    root = _find_node(tree, chain[0].pk)
    return _listing(request, template="storefront/listing.html", category=cat, extra={
        "chain": chain, "side_root": root, "title": cat.name,
    })


def search(request):
    q = (request.GET.get("q") or "").strip()[:60]
    return _listing(request, template="storefront/listing.html", q=q, extra={
        "title": _("“%(q)s”的搜索结果") % {"q": q} if q else _("全部商品"), "side_tree": category_menu(request),
    })


def shop(request, slug):
    try:
        the_shop = shop_get_public(slug=slug)
    except DomainError as exc:
        return error_page(request, exc)
    return _listing(request, template="storefront/shop.html", shop=the_shop, extra={"title": the_shop.name},
                    results_template=None)


def product(request, product_id):
    try:
        item = product_get_public(product_id=product_id)
    except DomainError as exc:
        return error_page(request, exc)
    skus = list(item.skus.all())
    stock = available_by_sku(sku_ids=[s.pk for s in skus])
    prices = [s.price_fen for s in skus] or [item.min_price_fen]
    originals = [s.original_price_fen for s in skus if s.original_price_fen]
    min_qty = item.min_order_qty if item.is_wholesale else 1
    sku_data = {
        "axes": item.spec_axes,
        "minQty": min_qty,
        "skus": [{
            "id": s.pk, "specs": s.spec_values, "price": fen_to_yuan_str(s.price_fen),
            "original": fen_to_yuan_str(s.original_price_fen) if s.original_price_fen else "",
            "stock": stock.get(s.pk, 0),
        } for s in skus],
    }
    single = skus[0] if len(skus) == 1 else None
    return render(request, "storefront/product.html", {
        "product": item,
        "shop": item.shop,
        "chain": category_ancestors(item.category),
        "skus": skus,
        "sku_data": sku_data,
        "single_sku": single,
        "min_price_fen": min(prices),
        "max_price_fen": max(prices),
        "original_fen": max(originals) if originals else None,
        "total_stock": sum(stock.values()),
        "min_qty": min_qty,
        "attributes": list((item.attributes or {}).items()),
        "related": list(product_search(shop=item.shop, sort="sales").exclude(pk=item.pk)[:6]),
    })
