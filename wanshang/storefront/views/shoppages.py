"""店铺活动页 on the storefront: a shop's published campaign page at /shop/<shop>/p/<page>/, and the preview of
any of its pages (a draft too) for the shop's own staff. Outside its window the page says 活动未开始 or
活动已结束 instead of its modules."""

from django.shortcuts import render
from django.utils import timezone

from wanshang.analytics.services import track_page
from wanshang.common.errors import NotFound
from wanshang.merchants.selectors import shop_get_public, staff_for_user
from wanshang.shoppages.selectors import (
    WINDOW_LABELS,
    page_blocks,
    page_get,
    page_published,
    window_state,
)
from wanshang.storefront.promo_display import card_overlay


def _render(request, shop, page, *, preview: bool):
    now = timezone.now()
    window = window_state(page, now)
    blocks = page_blocks(page=page, buyer=request.user, now=now) if window == "running" or preview else []
    shown = [p for b in blocks for p in (*b.products, *([b.target_product] if b.target_product else []))]
    status = 200
    return render(
        request,
        "storefront/shop_page.html",
        {
            "shop": shop,
            "page": page,
            "title": page.title,
            "blocks": blocks,
            "window": window,
            "window_label": WINDOW_LABELS[window],
            "preview": preview,
            "card_overlay": card_overlay(buyer=request.user, products={p.pk: p for p in shown}.values()),
        },
        status=status,
    )


def shop_page(request, slug, page_slug):
    shop = shop_get_public(slug=slug)
    page = page_published(shop=shop, slug=page_slug)
    track_page(request, shop_id=shop.pk)
    return _render(request, shop, page, preview=False)


def shop_page_preview(request, slug, page_id):
    """Any page of the shop, as buyers would see it once published: only for the shop's own staff (anyone
    else, a buyer or another shop's staff, gets 404 — the page's existence is not revealed)."""
    shop = shop_get_public(slug=slug)
    staff = staff_for_user(user=request.user)
    if staff is None or staff.shop_id != shop.pk:
        raise NotFound("活动页不存在")
    return _render(request, shop, page_get(shop=shop, page_id=page_id), preview=True)
