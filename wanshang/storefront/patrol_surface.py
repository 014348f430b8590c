"""The storefront's cached product cards as a surface of the daily patrol (docs/patrol.md).

`goods_cards` keeps each product's card fragment under the catalog's listing version; a card cached with an old
title or list price (a change that did not bump the version, a render racing one) is what a buyer sees until it
expires. This reads the current version's fragments back, in every language, and answers what they show: the
title between the card's title tags and the list price its price marker was rendered with."""

import html
import re

from django.conf import settings
from django.core.cache import cache

from wanshang.catalog.selectors import listing_version
from wanshang.patrol.services import surface_register
from wanshang.patrol.types import Shown
from wanshang.storefront.promo_display import card_marker_fields
from wanshang.storefront.templatetags.storefront import card_cache_prefix

LABEL = "页面缓存（商品卡片）"
_TITLE = re.compile(r'<div class="goods-title">(.*?)</div>', re.S)
_WHOLESALE_TAG = re.compile(r'<span class="tag-wholesale">.*?</span>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def _title(fragment: str) -> str | None:
    found = _TITLE.search(fragment)
    if found is None:
        return None
    return html.unescape(_TAGS.sub("", _WHOLESALE_TAG.sub("", found.group(1)))).strip()


def cached_cards(product_ids: list[int]) -> dict[int, Shown]:
    """What the cached cards of these products show (a card cached in several languages is read in the first
    language that holds it: every language renders the same title and price)."""
    version = listing_version()
    out: dict[int, Shown] = {}
    for language, _name in settings.LANGUAGES:
        prefix = card_cache_prefix(version, language)
        found = cache.get_many([f"{prefix}{pk}" for pk in product_ids if pk not in out])
        for key, fragment in found.items():
            title = _title(fragment or "")
            if title is None:
                continue
            price = card_marker_fields(fragment)
            out[int(key[len(prefix) :])] = Shown(title=title, price_fen=price)
    return out


def register_with_patrol() -> None:
    """Called once the app registry is ready (StorefrontConfig.ready)."""
    surface_register(LABEL, cached_cards)
