"""What the storefront shows of promotions: card prices on every list (§20) and the product page's blocks.

Pure reads: everything comes from marketing.selectors (and compliance's §16 strike check); views and the API
call these helpers and render or serialise what they return.
"""

import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from wanshang.catalog.selectors import listing_changed_at, listing_version
from wanshang.common.dbrouter import replica_safe_ttl
from wanshang.common.money import fen_to_yuan_str
from wanshang.compliance.services import reference_prices, strike_price_ok
from wanshang.marketing.selectors import card_prices

# --- product cards: a fresh promotion price on a cached list -------------------------------------------------
#
# Product lists (category, search) are cached as HTML per URL for LISTING_TTL seconds, keyed by the catalog's
# listing version (views/catalog.py `_listing`). Starting, pausing or ending a promotion through the services
# bumps that version, but a promotion that simply reaches its `ends_at` (or `starts_at`) does not: a cached list
# would go on showing a price that no longer exists, and the product page and checkout would charge more (§20).
# So the cached fragment never holds a promotion price. Each card's price is written between two markers that
# carry the product and shop id; on every request `splice_card_prices` replaces the marked parts with what
# `marketing.selectors.list_prices` gives this buyer now (one query of the prices marketing computes ahead for
# each price group, promotions/display.py; a product whose row expired is priced live).
# Pages that are not cached (home, shop, product's related goods) compute the same `CardOverlay` up front and
# the card renders it directly.

_MARK = re.compile(r"<!--wsp:(\d+):(\d+):(\d+)-->.*?<!--/wsp-->", re.S)  # product, shop, own min price


@dataclass(frozen=True)
class _CardRef:
    """The fields list_prices reads of a product, recovered from a cached card's marker."""

    pk: int
    shop_id: int
    min_price_fen: int


@dataclass
class CardOverlay:
    prices: dict = field(
        default_factory=dict
    )  # product_id -> SkuPrice (only products with a running promotion)
    tags: dict = field(default_factory=dict)  # product_id -> ["限时折扣", "秒杀", ...]

    def html(self, product_id: int, default_fen: int) -> str:
        price = self.prices.get(product_id)
        fen = price.price_fen if price else default_fen
        label = (
            price.label.split("（")[0]
            if price and price.label and price.price_fen < price.list_price_fen
            else ""
        )
        badges = short_tags(([label] if label else []) + list(self.tags.get(product_id, [])))
        return format_html(
            '<span class="price" data-card-price="{}">{}</span>{}',
            product_id,
            fen_to_yuan_str(fen),
            format_html_join("", ' <span class="badge promo-tag">{}</span>', ((b,) for b in badges)),
        )


def card_overlay(*, buyer, products) -> CardOverlay:
    """Promotion prices and tags of the listed products, for this buyer, now."""
    products = list(products)
    if not products:
        return CardOverlay()
    prices, tags = card_prices(buyer=buyer, products=products)
    return CardOverlay(prices=prices, tags=tags)


def with_card_prices(products, *, buyer) -> list:
    """The products, each with this buyer's card price now, for the API's product cards (schemas.ProductCard):
    `card_price` (a marketing SkuPrice, None without a running promotion) and `card_tags`."""
    products = list(products)
    overlay = card_overlay(buyer=buyer, products=products)
    for product in products:
        product.card_price = overlay.prices.get(product.pk)
        product.card_tags = list(overlay.tags.get(product.pk, []))
    return products


def card_marker(product) -> str:
    """The cacheable card price: the product's own minimum price, marked for `splice_card_prices`."""
    return format_html(
        '<!--wsp:{}:{}:{}--><span class="price" data-card-price="{}">{}</span><!--/wsp-->',
        product.pk,
        product.shop_id,
        product.min_price_fen,
        product.pk,
        fen_to_yuan_str(product.min_price_fen),
    )


def card_marker_fields(html: str) -> int | None:
    """The own minimum price the first marked card price of `html` was rendered with (None: no marker)."""
    found = _MARK.search(html)
    return int(found.group(3)) if found else None


def splice_card_prices(html: str, *, buyer) -> str:
    """Replace every marked card price of a (cached) list fragment with this buyer's price now."""
    marks = [(int(m.group(1)), int(m.group(2)), int(m.group(3))) for m in _MARK.finditer(html)]
    if not marks:
        return html
    overlay = card_overlay(buyer=buyer, products=[_CardRef(pk, shop_id, own) for pk, shop_id, own in marks])
    return _MARK.sub(lambda m: str(overlay.html(int(m.group(1)), int(m.group(3)))), html)


# --- product page ---------------------------------------------------------------------------------------------


@dataclass
class SkuDisplay:
    sku: object
    price: object  # marketing SkuPrice: price_fen, list_price_fen, label, kind, ends_at, notes
    stock: int
    original_fen: int | None  # a 划线价 that may be struck through (§16), else None
    msrp_fen: int | None  # 厂商指导价: shown labelled, never struck through

    @property
    def promoted(self) -> bool:
        return bool(self.price.label) and self.price.price_fen < self.price.list_price_fen


def sku_displays(*, product, skus, prices: dict, stock: dict, now=None) -> list[SkuDisplay]:
    """Per SKU: the buyer's price and which reference price may be shown, and how.

    A 划线价 is struck through only when compliance.strike_price_ok accepts it against the §16 reference (the
    lowest price charged in the 7 days before now); a manufacturer's suggested price is never struck through,
    it is labelled 厂商指导价. The §16 lookup runs only when some SKU has a 划线价.
    """
    now = now or timezone.now()
    with_original = [s.pk for s in skus if s.original_price_fen]
    refs = (
        _references(product, with_original, now)
        if with_original and not product.original_price_is_msrp
        else {}
    )
    out = []
    for s in skus:
        original = msrp = None
        if s.original_price_fen:
            if product.original_price_is_msrp:
                msrp = s.original_price_fen
            elif strike_price_ok(original_fen=s.original_price_fen, reference_fen=refs.get(s.pk)):
                original = s.original_price_fen
        out.append(
            SkuDisplay(
                sku=s, price=prices[s.pk], stock=stock.get(s.pk, 0), original_fen=original, msrp_fen=msrp
            )
        )
    return out


REFERENCE_TTL = 120  # seconds


def _references(product, sku_ids, now) -> dict:
    """The §16 references of a product page's SKUs (two queries), cached per product, day and listing version.

    They read the charged prices of the days before today (rows that no longer change) and, for a SKU never
    sold, its listed prices of the 7 days before now; a price change bumps the listing version, so only the
    sliding 7-day edge of that fallback may lag REFERENCE_TTL seconds (Run 9k)."""
    key = f"storefront:ref:{listing_version()}:{timezone.localdate(now).isoformat()}:{product.pk}"
    found = cache.get(key)
    if found is None or set(found) != set(sku_ids):
        found = reference_prices(sku_ids=sku_ids, at=now)
        cache.set(key, found, replica_safe_ttl(REFERENCE_TTL, changed_at=listing_changed_at))
    return found


def short_tags(tags) -> list[str]:
    """Tags as a row of badges: "秒杀价" folds into "秒杀" when both are there; no repeats."""
    given = set(tags)
    out = []
    for tag in tags:
        tag = tag[:-1] if tag.endswith("价") and tag[:-1] in given else tag
        if tag not in out:
            out.append(tag)
    return out


def mask_name(name: str) -> str:
    """A buyer's name as other buyers see it on a group page: 张** / 139****0001."""
    name = str(name or "").strip()
    if not name:
        return str(_("匿名"))
    if len(name) >= 7:
        return f"{name[:3]}****{name[-4:]}"
    if len(name) <= 2:
        return name[0] + "*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


TEAM_STATUS = {"open": _("拼团中"), "complete": _("拼团成功"), "failed": _("拼团失败，已退款")}


def team_status_label(team, now=None) -> str:
    now = now or timezone.now()
    if team.status == "open" and team.expires_at <= now:
        return str(_("拼团已结束"))
    return str(TEAM_STATUS.get(team.status, team.status))


POINTS_REASONS = {
    "earn": _("订单完成奖励"),
    "redeem": _("下单抵扣"),
    "return": _("订单取消/退款退回"),
    "reverse": _("冲正"),
    "grant": _("平台赠送"),
    "compensate": _("延迟发货赔付"),
}

# lifecycle.py's give-back rules, in words a buyer reads on 我的优惠券 / 我的积分 (and GET /api/store/points)
GIVE_BACK_RULES = [
    _("下单时使用的积分，订单取消或退款后全部退回。"),
    _("店铺券：所用订单取消或退款后退回；平台券：一起下单的各店铺订单全部取消或退款后才退回。"),
    _("退回的优惠券仍按原有效期使用，已过期的不会恢复。"),
    _("秒杀商品取消或退款后，名额退回活动库存，你的限购次数也相应恢复。"),
    _("订单完成后获得的积分不会扣回（退款只在订单完成前办理）。"),
]


def parse_ids(text) -> list[int] | None:
    """'12,15' → [12, 15]; '' → []; None → None. Raises ValueError for anything else."""
    if text is None:
        return None
    out = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(part)
        out.append(int(part))
    if len(out) > 20:
        raise ValueError("too many")
    return out
