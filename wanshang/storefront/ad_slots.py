"""Keyword ads in the search results: the auction's winners placed in their fixed slots, each labelled 广告.

The results block is cached per URL (views/search.py); its grid of product cards (`goods_cards`, each card an
`<a class="goods-card"`) ends with a `<!--/wsslots-->` marker. The ads are different for every page view (each is its own auction, with its own impression and signed click
link), so they are placed into the cached block per request: the ad in slot n becomes the n-th card of the
grid, the organic cards after it move one place on. An ad's slot past the last organic card is not shown.
"""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

from wanshang.ads.services import search_ads_serve

GRID = "data-search-results>"
CARD = '<a class="goods-card"'
END = "<!--/wsslots-->"


def click_url(token: str) -> str:
    return f"{reverse('storefront:ad_click')}?{urlencode({'t': token})}"


def served_ads(request, *, words, query: str, page: int, per_page: int) -> list:
    """This page view's ads (impressions recorded), or [] without a query."""
    if not query or not words:
        return []
    visit = getattr(request, "visit", None)
    user = getattr(request, "user", None)
    visitor = (
        visit.visitor if visit is not None else (f"u{user.pk}" if user and user.is_authenticated else "")
    )
    terminal = visit.terminal if visit is not None else "pc"
    return search_ads_serve(
        words=words,
        query=query,
        page=page,
        per_page=per_page,
        visitor=visitor,
        terminal=terminal,
        user_agent=request.headers.get("User-Agent", ""),
        user_id=user.pk if user is not None and user.is_authenticated else None,
    )


def splice_ads(html: str, ads, *, request) -> str:
    """The cached results block with each ad's card in its slot."""
    if not ads or GRID not in html or END not in html:
        return html
    head, rest = html.split(GRID, 1)
    body, tail = rest.split(END, 1)
    first = body.find(CARD)
    if first < 0:
        return html
    head, body = head + GRID + body[:first], body[first:]
    cards = [CARD + card for card in body.split(CARD)[1:]]
    by_position = {ad.position: ad for ad in ads}
    out, organic, place = [], iter(cards), 1
    for card in organic:
        while place in by_position:
            out.append(_card(by_position.pop(place), request))
            place += 1
        out.append(card)
        place += 1
    return head + "".join(out) + tail


def _card(ad, request) -> str:
    return render_to_string(
        "storefront/_ad_card.html",
        {"ad": ad, "p": ad.product, "click_url": click_url(ad.token)},
        request=request,
    )
