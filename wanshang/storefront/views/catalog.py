"""Browsing: home, category tree, category / search / shop listings, product detail."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from wanshang.catalog.selectors import (
    category_ancestors,
    category_get,
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


def _listing(request, *, template: str, category=None, shop=None, q: str = "", extra=None):
    form = PriceFilterForm(request.GET or None)
    low = high = None
    if form.is_bound and form.is_valid():
        low, high = form.cleaned_data["min_price"], form.cleaned_data["max_price"]
    sort = request.GET.get("sort", "default")
    sort = sort if sort in SORT_KEYS else "default"
    qs = product_search(q=q, category=category, shop=shop, sort=sort, min_price_fen=low, max_price_fen=high)
    page = paginate(qs, page=request.GET.get("page"), per_page=PER_PAGE)
    context = {
        "page": page,
        "products": page.object_list,
        "sort": sort,
        "price_form": form,
        "q": q,
        "category": category,
        "shop": shop,
        **(extra or {}),
    }
    return render(request, template, context)


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
    return _listing(request, template="storefront/shop.html", shop=the_shop, extra={"title": the_shop.name})


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
