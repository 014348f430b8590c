"""Browsing: home, category tree, category / search / shop listings, product detail."""

import hashlib
import uuid

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wanshang.accounts.selectors import address_default
from wanshang.analytics.services import track_page
from wanshang.catalog.selectors import (
    category_ancestors,
    category_get,
    colour_axis,
    listing_changed_at,
    listing_version,
    paginate,
    product_get_public,
    product_search,
    product_sku_images,
    return_policy,
    ship_promise_hours,
)
from wanshang.common.dbrouter import replica_safe_ttl
from wanshang.common.errors import NotFound
from wanshang.common.money import fen_to_yuan_str
from wanshang.common.web import error_page
from wanshang.health.selectors import credit_of
from wanshang.helpdesk.selectors import public_faq
from wanshang.insights.selectors import experiment_variant_for
from wanshang.inventory.selectors import available_by_sku
from wanshang.marketing.selectors import claimed_counts, product_promotions
from wanshang.merchants.selectors import shop_get_public, shop_list_open
from wanshang.reviews.selectors import shop_dsr
from wanshang.shoppages.selectors import pages_running
from wanshang.storefront.forms import SORTS, PriceFilterForm
from wanshang.storefront.promo_display import card_overlay, short_tags, sku_displays, splice_card_prices
from wanshang.storefront.templatetags.storefront import category_menu
from wanshang.storefront.views import _page_cache as page_cache
from wanshang.storefront.views import search as search_views
from wanshang.storefront.views.promoter import affiliate_click
from wanshang.storefront.views.reviews import review_context

PER_PAGE = 40
SORT_KEYS = {key for key, _ in SORTS}
# Sorts by sales on the pages listed here (shop pages): a wholesale item counts its 50-piece orders as 50
# sales, so without this it would lead them; retail items come first, wholesale items after (and in the 批发
# channel). Search and category pages have the search index's 零售/批发 facet (the home page links to 零售).
RETAIL_FIRST_SORTS = {"default", "sales"}


def home(request):
    tree = category_menu(request)
    floors = []
    # Retail items fill the home page's rows (one tap must never put 50 pieces in a cart); wholesale items
    # have their own row, which links to the 批发 channel.
    for root in tree[:4]:
        products = list(product_search(category=root, sort="sales").filter(is_wholesale=False)[:5])
        if products:
            floors.append((root, products))
    hot = list(product_search(sort="sales").filter(is_wholesale=False)[:10])
    new = list(product_search(sort="new").filter(is_wholesale=False)[:10])
    wholesale = list(product_search(sort="sales").filter(is_wholesale=True)[:5])
    shown = {p.pk: p for p in [*hot, *new, *wholesale, *(p for _root, ps in floors for p in ps)]}
    return render(
        request,
        "storefront/home.html",
        {
            "categories": tree,
            "hot": hot,
            "new": new,
            "floors": floors,
            "wholesale": wholesale,
            "shops": list(shop_list_open().order_by("-id")[:12]),
            "card_overlay": card_overlay(buyer=request.user, products=shown.values()),
        },
    )


def categories(request):
    return render(request, "storefront/categories.html", {"categories": category_menu(request)})


LISTING_TTL = 120


def _listing(
    request,
    *,
    template: str,
    category=None,
    shop=None,
    q: str = "",
    extra=None,
    results_template: str | None = "storefront/_listing_results.html",
    wholesale: bool | None = None,
):
    """A product list page. The results block (count, grid, pagination) is the same for every visitor, so it
    is cached per URL and language, keyed by the catalog's listing version: any price, shelf or shop change
    renders it afresh; sales counts may lag by up to LISTING_TTL seconds.

    Promotion prices are NOT part of the cached block: a promotion reaching its end time bumps no version, so
    a cached price could outlive it (§20). Cards carry marked list prices and `splice_card_prices` puts this
    buyer's current price in on every request, cached or not (see promo_display.py)."""
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
        qs = product_search(
            q=q, category=category, shop=shop, sort=sort, min_price_fen=low, max_price_fen=high
        )
        if wholesale is not None:  # the 批发 channel lists only wholesale items
            qs = qs.filter(is_wholesale=wholesale)
        elif sort in RETAIL_FIRST_SORTS:  # best-seller orders: retail first, wholesale after
            qs = qs.order_by("is_wholesale", *qs.query.order_by)
        page = paginate(qs, page=request.GET.get("page"), per_page=PER_PAGE)
        context.update(page=page, products=page.object_list)
        if not results_template:  # the page lays the results out itself (shop page): not cached
            context["card_overlay"] = card_overlay(buyer=request.user, products=page.object_list)
            return render(request, template, context)
        results_html = render_to_string(results_template, context, request=request)
        cache.set(key, results_html, replica_safe_ttl(LISTING_TTL, changed_at=listing_changed_at))
    results_html = splice_card_prices(results_html, buyer=request.user)
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
    """Served whole from the anonymous page cache when it can be (`_page_cache`, issue 13)."""
    return page_cache.serve(request, lambda: _category_page(request, slug))


def _category_page(request, slug):
    cat = category_get(slug=slug)
    if not cat.is_active:
        return error_page(request, NotFound("类目不存在"))
    track_page(request, category_id=cat.pk)
    tree = category_menu(request)
    chain = category_ancestors(cat)
    root = _find_node(tree, chain[0].pk)
    return search_views.listing(
        request,
        template="storefront/listing.html",
        category=cat,
        extra={"chain": chain, "side_root": root, "title": cat.name},
        record=False,
        splice=False,
    )


def search(request):
    q = (request.GET.get("q") or "").strip()[:60]
    return search_views.listing(
        request,
        template="storefront/listing.html",
        extra={
            "title": _("“%(q)s”的搜索结果") % {"q": q} if q else _("全部商品"),
            "side_tree": category_menu(request),
        },
    )


def wholesale(request):
    """批发: the wholesale items (sold from a minimum quantity, with tiered prices), best sellers first."""
    return _listing(
        request,
        template="storefront/listing.html",
        wholesale=True,
        extra={
            "title": _("批发专区"),
            "side_tree": category_menu(request),
        },
    )


def shop(request, slug):
    the_shop = shop_get_public(slug=slug)
    track_page(request, shop_id=the_shop.pk)
    affiliate_click(request, shop_id=the_shop.pk)
    return _listing(
        request,
        template="storefront/shop.html",
        shop=the_shop,
        extra={
            "title": the_shop.name,
            "dsr": shop_dsr(shop_id=the_shop.pk),
            "credit": credit_of(shop_id=the_shop.pk),
            "faq_q": (faq_q := (request.GET.get("faq_q") or "").strip()[:60]),
            "faq_groups": public_faq(the_shop, q=faq_q),
            "campaign_pages": pages_running(shop=the_shop),
        },
        results_template=None,
    )


def product(request, product_id):
    item = product_get_public(product_id=product_id, buyer=request.user)
    track_page(request, shop_id=item.shop_id, product_id=item.pk, category_id=item.category_id)
    affiliate_click(request, shop_id=item.shop_id, product_id=item.pk)
    shown = experiment_variant_for(
        product=item, visitor=getattr(getattr(request, "visit", None), "visitor", "")
    )
    now = timezone.now()
    skus = list(item.skus.all())
    stock = available_by_sku(sku_ids=[s.pk for s in skus])
    promos = product_promotions(buyer=request.user, product=item, skus=skus, now=now)
    rows = sku_displays(product=item, skus=skus, prices=promos.prices, stock=stock, now=now)
    prices = [r.price.price_fen for r in rows] or [item.min_price_fen]
    min_qty = item.min_order_qty if item.is_wholesale else 1
    axis = colour_axis(item.spec_axes)
    sku_data = {
        "axes": item.spec_axes,
        "minQty": min_qty,
        # choosing a colour shows its picture (one query, only for a product with a colour-like axis and
        # uploaded pictures: `pictures` holds the renditions of every uploaded image, colour ones included)
        "colourAxis": item.spec_axes.index(axis) if axis else -1,
        "colourImages": product_sku_images(product=item) if axis and item.pictures else {},
        "skus": [
            {
                "id": r.sku.pk,
                "specs": r.sku.spec_values,
                "price": fen_to_yuan_str(r.price.price_fen),
                "label": r.price.label if r.promoted else "",
                "original": fen_to_yuan_str(r.original_fen) if r.original_fen else "",
                "msrp": fen_to_yuan_str(r.msrp_fen) if r.msrp_fen else "",
                "stock": r.stock,
            }
            for r in rows
        ],
    }
    single = rows[0] if len(rows) == 1 else None
    labels = list(
        {r.price.label if r.promoted else "" for r in rows}
    )  # shown before a SKU is picked if all share it
    return render(
        request,
        "storefront/product.html",
        {
            "product": item,
            # an A/B experiment's variant for this visitor may show another title and main image
            "display_title": shown.title if shown and shown.title else item.title,
            "display_images": [shown.image, *item.images[1:]] if shown and shown.image else item.images,
            "shop": item.shop,
            "chain": category_ancestors(item.category),
            "skus": skus,
            "sku_rows": rows,
            "sku_data": sku_data,
            "single_sku": single.sku if single else None,
            "single_row": single,
            "price_label": labels[0] if len(labels) == 1 else "",
            "min_price_fen": min(prices),
            "max_price_fen": max(prices),
            "total_stock": sum(stock.values()),
            "min_qty": min_qty,
            "body_html": mark_safe(splice_card_prices(_product_body(item), buyer=request.user)),  # noqa: S308
            "return_policy": return_policy(product=item),
            "ship_hours": ship_promise_hours(product=item),
            "promos": promos,
            "promo_tags": short_tags(promos.tags),
            "claimed": claimed_counts(buyer=request.user, promotion_ids=[c.pk for c in promos.coupons])
            if promos.coupons
            else {},
            **_buy_context(request, promos, skus, now),
            **review_context(request, item.pk),
        },
    )


BODY_TTL = 120  # seconds; what no version tracks (the shop's DSR, the best sellers' order) may lag this long


def _product_body(item) -> str:
    """The page's lower part that every visitor sees alike: the shop card (DSR, the shop's best sellers of the
    same kind, their prices marked for `splice_card_prices`) and the detail section (brand, attributes,
    detail HTML). Rendered once per product and language and cached under the listing version, which any
    product save, price, shelf or shop change bumps (Run 9k); a hit costs neither the best-seller query nor
    the DSR query nor the render. No buyer's price, stock or promotion is inside."""
    key = f"storefront:pd-body:{listing_version()}:{get_language()}:{item.pk}"
    html = cache.get(key)
    if html is None:
        related = list(  # retail beside retail, wholesale beside wholesale
            product_search(shop=item.shop, sort="sales")
            .filter(is_wholesale=item.is_wholesale)
            .exclude(pk=item.pk)[:4]
        )
        html = render_to_string(
            "storefront/_product_body.html",
            {
                "product": item,
                "shop": item.shop,
                "attributes": list((item.attributes or {}).items()),
                "related": related,
                "dsr": shop_dsr(shop_id=item.shop_id),
            },
        )
        cache.set(key, html, replica_safe_ttl(BODY_TTL, changed_at=listing_changed_at))
    return html


def _buy_context(request, promos, skus, now) -> dict:
    """The flash-sale, group-buy and bundle blocks: rows to render, a fresh idempotency key for their forms."""
    by_id = {s.pk: s for s in skus}
    return {
        "flash": promos.flash,
        "flash_running": bool(promos.flash and promos.flash.starts_at <= now),
        "flash_rows": [
            {
                "item": it,
                "sku": by_id[sku_id],
                "left": max(it.stock - it.sold, 0),
                "sold_out": it.sold >= it.stock,
            }
            for sku_id, it in promos.flash_items.items()
            if sku_id in by_id
        ],
        "group_rows": [
            {"item": it, "sku": by_id[sku_id]} for sku_id, it in promos.group_items.items() if sku_id in by_id
        ],
        "open_teams": [{"team": t, "missing": max(t.size - t.paid_count, 0)} for t in promos.open_teams],
        "bundles": [
            {
                "promotion": b,
                "members": members,
                "whole_fen": whole,
                "price_fen": b.config["price_fen"],
                "save_fen": whole - b.config["price_fen"],
            }
            for b, members, whole in promos.bundles
        ],
        "buy_address": address_default(user=request.user)
        if request.user.is_authenticated and (promos.flash_items or promos.group_items)
        else None,
        "buy_key": uuid.uuid4().hex,
    }
