"""Ads shown on a search page and the clicks on them: the request side (no SQL write).

- `search_ads_serve`: the auction for the page's slots (positions from AdSettings, 1-based among the results),
  the shown ads' signed click tokens, and their impressions appended to the ads spool (`impressions_record`).
- `click_record`: a click through the redirect. The token is signed (Django's signing, its own salt) and carries
  the ad (group), keyword, product, query, the auction's price and bid, the page view, a hash of the visitor and
  when it was issued, so neither the price nor the ad can be changed. A token that is not ours raises (400,
  nothing spooled); what is known at once is classified (a known bot's user agent, an expired token, a token
  shown to another visitor, a price outside the bid) and the click is appended to the ads spool. The `ads.ingest`
  job settles it (click_batch.py): a replay (the token's hash is unique among clicks) adds nothing, a second
  click of one visitor on one ad within AdSettings' dedupe window is a duplicate, and a valid one is charged at
  the auction's price through `accounts.ad_charge_batch` (never above the bid the auction used; a refused charge
  is recorded as `unpaid`). docs/ads-serving.md, "Impressions" and "Clicks".
"""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.utils import timezone

from wanshang.ads.adspool import append
from wanshang.ads.regions import visitor_province
from wanshang.ads.rotation import arms_of, choose, draw
from wanshang.ads.serving import current_index, search_auction, serving_state
from wanshang.ads.traffic_models import AdClick, Placement
from wanshang.catalog.selectors import public_products_in_order
from wanshang.common.errors import ValidationError

log = logging.getLogger("wanshang.ads")
SALT = "wanshang.ads.click"
TOKEN_MAX_AGE = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=5)
BOT_AGENTS = re.compile(
    r"bot\b|bot/|spider|crawl|slurp|curl/|wget/|python-requests|python-urllib|httpclient|scrapy|go-http|"
    r"headlesschrome|phantomjs|selenium|monitor",
    re.IGNORECASE,
)
S = AdClick.Status


def is_bot(user_agent: str) -> bool:
    """A known robot (or no user agent at all): its clicks are recorded and never charged."""
    return not (user_agent or "").strip() or bool(BOT_AGENTS.search(user_agent))


def _visitor_hash(visitor: str) -> str:
    return hashlib.sha256(f"ads:{visitor}".encode()).hexdigest()[:12] if visitor else ""


@dataclass(frozen=True)
class ServedAd:
    position: int  # 1-based place on this page, among the organic results
    product: object  # a public catalog Product (shop loaded)
    plan_id: int
    group_id: int
    keyword_id: int
    price_fen: int
    token: str
    placement: str = "search"  # a traffic_models.Placement value
    creative_id: int | None = None  # the creative shown, when the group has creatives (rotation)
    crowd_id: int | None = None  # the audience target that won the slot, for audience placements
    title: str = ""  # the creative's title ("" = the product's own)
    image_url: str = ""  # the creative's image ("" = the product's main picture)


def token_make(
    *,
    win,
    query: str,
    page_view: str,
    visitor: str,
    now,
    placement: str = "search",
    creative_id: int | None = None,
    crowd_id: int | None = None,
    billing: str = "cpc",
) -> str:
    """A click link's signed token. Placement, creative and crowd ride along only when they are not the
    defaults, so a search token stays as short as it was. A CPM ad's token says so (`x`): its click is
    recorded and never charged (its impressions are)."""
    ad = win.candidate.ad
    extra = {}
    if placement != "search":
        extra["m"] = placement
    if creative_id:
        extra["r"] = creative_id
    if crowd_id:
        extra["w"] = crowd_id
    if billing == "cpm":
        extra["x"] = "cpm"
    return signing.dumps(
        {
            **extra,
            "g": ad.group_id,
            "k": ad.keyword_id,
            "l": ad.plan_id,
            "s": ad.shop_id,
            "p": ad.product_id,
            "c": win.price_fen,
            "b": win.candidate.bid_fen,
            "n": win.position,
            "q": query[:50],
            "v": page_view,
            "h": _visitor_hash(visitor),
            "t": int(now.timestamp()),
        },
        salt=SALT,
        compress=True,
    )


def search_ads_serve(
    *,
    words,
    query: str,
    page: int,
    per_page: int,
    visitor: str,
    terminal: str,
    user_agent=None,
    now=None,
    user_id: int | None = None,
) -> list[ServedAd]:
    """The ads for one search results page, in the slots that fall on it, and their impressions recorded.
    A known robot's user agent gets none: its page views would only dilute the CTR. The logged-in buyer's
    province applies the plans' region multipliers; each ad wears one of its group's creatives (rotation.py)."""
    now = now or timezone.now()
    words = tuple(words)
    if not words or (user_agent and BOT_AGENTS.search(user_agent)):
        return []
    index = current_index(now)
    _stopped, settings = serving_state(index, now)
    start, end = (max(page, 1) - 1) * per_page, max(page, 1) * per_page
    positions = sorted(p for p in settings.slot_positions if p <= end)
    here = [(i, pos - start) for i, pos in enumerate(positions) if pos > start]
    if not here:
        return []
    page_view = secrets.token_hex(16)
    result = search_auction(
        words=words,
        terminal=terminal,
        slots=len(positions),
        seed=int(page_view[:12], 16),
        now=now,
        province=visitor_province(index, user_id=user_id),
    ).result
    chosen = [(result.wins[i], pos) for i, pos in here if i < len(result.wins)]
    if not chosen:
        return []
    products = {
        p.pk: p for p in public_products_in_order(product_ids=[w.candidate.ad.product_id for w, _ in chosen])
    }
    arms = arms_of([w.candidate.ad.group_id for w, _ in chosen], now)
    served = []
    for win, pos in chosen:
        ad = win.candidate.ad
        if ad.product_id not in products:
            continue
        arm = choose(arms[ad.group_id], draw(page_view, ad.group_id))
        creative_id = arm.creative_id if arm else None
        token = token_make(
            win=win, query=query, page_view=page_view, visitor=visitor, now=now, creative_id=creative_id
        )
        served.append(
            ServedAd(
                pos,
                products[ad.product_id],
                ad.plan_id,
                ad.group_id,
                ad.keyword_id,
                win.price_fen,
                token,
                creative_id=creative_id,
                title=arm.title if arm else "",
                image_url=arm.image_url if arm else "",
            )
        )
    impressions_record(
        served=served,
        shop_of={w.candidate.ad.group_id: w.candidate.ad.shop_id for w, _ in chosen},
        page_view=page_view,
        query=query,
        visitor=visitor,
        terminal=terminal,
        now=now,
    )
    return served


def impressions_record(
    *, served, shop_of: dict, page_view: str, query: str, visitor: str, terminal: str, now
):
    """One spooled line per shown ad, in one write (adspool.py); the `ads.ingest` job inserts them within one
    ingest interval (append-only; reports count them)."""
    append(
        "i",
        [
            (
                now,
                page_view[:32],
                shop_of[ad.group_id],
                ad.plan_id,
                ad.group_id,
                ad.keyword_id,
                ad.product.pk,
                ad.position,
                ad.price_fen,
                query[:100],
                visitor[:32],
                terminal[:3],
                ad.placement,
                ad.creative_id,
                ad.crowd_id,
            )
            for ad in served
        ],
    )


# --- clicks ----------------------------------------------------------------------------------------------------


PENDING = "pending"  # a ClickOutcome of a click the ingest job will settle (charge, or find a replay)


@dataclass(frozen=True)
class ClickOutcome:
    product_id: int
    group_id: int
    status: str  # an AdClick status known at once (bot, invalid), "pending", or "replay" (nothing recorded)
    charged_fen: int = 0
    token_hash: str = ""


_FIELDS = ("g", "k", "l", "s", "p", "c", "b", "n", "t")


def _payload(token: str) -> dict:
    if not isinstance(token, str) or not token or len(token) > 1000:
        raise ValidationError("广告链接无效", field="t")
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise ValidationError("广告链接无效或已被篡改", field="t") from exc
    if not isinstance(data, dict) or not all(
        isinstance(data.get(f), int) and not isinstance(data.get(f), bool) and data[f] >= 0 for f in _FIELDS
    ):
        raise ValidationError("广告链接无效", field="t")
    return data


def _extras(data: dict) -> dict:
    """Placement, creative and crowd of a token (absent: a search ad without a creative or crowd)."""
    placement = data.get("m", Placement.SEARCH)
    out = {"placement": placement if placement in Placement.values else Placement.SEARCH}
    for key, field in (("r", "creative_id"), ("w", "crowd_id")):
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            out[field] = value
    return out


def _why_not(data: dict, *, visitor: str, user_agent: str, now) -> tuple[str, str]:
    """(status, reason) for a click that must not be charged, or ("", "")."""
    issued = datetime.fromtimestamp(data["t"], UTC)
    if now - issued > TOKEN_MAX_AGE or issued - now > CLOCK_SKEW:
        return S.INVALID, "expired"
    if is_bot(user_agent):
        return S.BOT, "user_agent"
    if data.get("h") and data["h"] != _visitor_hash(visitor):
        return S.INVALID, "other_visitor"
    if not 1 <= data["c"] <= data["b"]:
        return S.INVALID, "price"
    return "", ""


def click_record(
    *, token: str, visitor: str, user_id: int | None, user_agent: str, terminal: str = "", now=None
) -> ClickOutcome:
    """Take a click on an ad link: verify its token, classify what is known at once (a bot, an expired token, a
    token shown to another visitor, a price outside the bid) and spool it; the `ads.ingest` job records it and,
    when valid, charges it (click_batch.py: replays, the dedupe window, the budgets). Raises ValidationError for
    a token that is not ours (forged, altered, truncated): nothing is spooled."""
    now = now or timezone.now()
    data = _payload(token)
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    status, reason = _why_not(data, visitor=visitor, user_agent=user_agent, now=now)
    who = visitor or (f"u{user_id}" if user_id else "")
    extras = _extras(data)
    append(
        "c",
        [
            (
                now,
                token_hash,
                datetime.fromtimestamp(data["t"], UTC),
                str(data.get("v", ""))[:32],
                data["s"],
                data["l"],
                data["g"],
                data["k"],
                data["p"],
                min(data["n"], 32767),
                str(data.get("q", ""))[:100],
                who[:32],
                user_id,
                (terminal or "")[:3],
                data["c"],
                status,
                reason,
                extras["placement"],
                extras.get("creative_id"),
                extras.get("crowd_id"),
                "cpm" if data.get("x") == "cpm" else "cpc",
            )
        ],
    )
    return ClickOutcome(data["p"], data["g"], status or PENDING, 0, token_hash)
