"""Flash-sale stock (秒杀库存): claimed atomically, never oversold.

With REDIS_URL set, a Lua script is the front gate: it checks what is left and the buyer's limit and takes
the units in one step, so thousands of losers are turned away without touching the database. Winners then
take the same units in the database with a conditional update (`sold + n <= stock`) and a per-buyer counter,
which is also the whole mechanism without Redis. Either way the database constraint `sold <= stock` holds.
"""

import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wanshang.common.errors import Conflict, OutOfStock
from wanshang.marketing.models import FlashClaim, Promotion, PromotionItem

log = logging.getLogger(__name__)

SOLD_OUT = (
    "手慢了，秒杀商品已抢光"  # every path that finds the sale's units gone says this (409 out_of_stock)
)

CLAIM_LUA = """
local left = redis.call('GET', KEYS[1])
if not left then return -3 end
local qty = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
if tonumber(left) < qty then return -1 end
if limit > 0 then
  local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
  if held + qty > limit then return -2 end
end
redis.call('DECRBY', KEYS[1], qty)
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
return tonumber(left) - qty
"""

RELEASE_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], ARGV[2]) end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held > 0 then redis.call('HINCRBY', KEYS[2], ARGV[1], -math.min(held, tonumber(ARGV[2]))) end
return 1
"""

_client = None
_scripts: dict = {}


def redis_client():
    """The Redis connection for flash sales, or None when REDIS_URL is not set."""
    global _client
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    if _client is None:
        _client = redis.Redis.from_url(url, socket_timeout=2)
        _scripts["claim"] = _client.register_script(CLAIM_LUA)
        _scripts["release"] = _client.register_script(RELEASE_LUA)
    return _client


def redis_keys(item) -> tuple[str, str]:
    stamp = int(item.promotion.created_at.timestamp() * 1_000_000)  # ids are reused by test databases
    return f"ws:flash:{item.pk}:{stamp}:left", f"ws:flash:{item.pk}:{stamp}:buyers"


@dataclass
class RedisClaim:
    item: object
    buyer_id: int
    quantity: int


def redis_claim(*, item, buyer_id: int, quantity: int) -> RedisClaim | None:
    """Take `quantity` units at the Redis gate. Raises OutOfStock when sold out, Conflict over the buyer's limit."""
    client = redis_client()
    if client is None:
        return None
    left_key, buyers_key = redis_keys(item)
    limit = item.promotion.per_buyer_limit
    args = [str(buyer_id), str(quantity), str(limit)]
    result = _scripts["claim"](keys=[left_key, buyers_key], args=args)
    if result == -3:  # first claim since the sale was set up (or Redis was emptied): seed from the database
        fresh = PromotionItem.objects.get(pk=item.pk)
        ttl = max(60, int((item.promotion.ends_at - item.promotion.created_at).total_seconds()) + 86400)
        if client.set(left_key, fresh.stock - fresh.sold, nx=True, ex=ttl):
            held = dict(
                FlashClaim.objects.filter(item=fresh, quantity__gt=0).values_list("buyer_id", "quantity")
            )
            if held:
                client.hset(buyers_key, mapping={str(k): v for k, v in held.items()})
            client.expire(buyers_key, ttl)
        result = _scripts["claim"](keys=[left_key, buyers_key], args=args)
    if result == -1:
        raise OutOfStock(SOLD_OUT)
    if result == -2:
        raise Conflict(f"秒杀商品每人限购 {limit} 件")
    return RedisClaim(item=item, buyer_id=buyer_id, quantity=quantity)


def redis_release(claims: list[RedisClaim]) -> None:
    """Give units back at the Redis gate (the order was not created, or was cancelled)."""
    client = redis_client()
    if client is None:
        return
    for claim in claims:
        left_key, buyers_key = redis_keys(claim.item)
        try:
            _scripts["release"](keys=[left_key, buyers_key], args=[str(claim.buyer_id), str(claim.quantity)])
        except (
            Exception
        ):  # Redis down: the database still holds the truth; the key is re-seeded when it expires
            log.exception("flash-sale release at the Redis gate failed for item %s", claim.item.pk)


def db_claim(*, item, buyer, quantity: int) -> None:
    """Take the units in the database (inside the caller's transaction). Raises OutOfStock (sold out) or Conflict
    (over the buyer's limit); nothing is left half-done because the caller's transaction rolls back."""
    taken = PromotionItem.objects.filter(
        pk=item.pk, sold__lte=F("stock") - quantity, held__gte=quantity
    ).update(sold=F("sold") + quantity, held=F("held") - quantity)
    if not taken:
        raise OutOfStock(SOLD_OUT)
    claim, _ = FlashClaim.objects.get_or_create(
        item_id=item.pk, buyer=buyer, defaults={"shop_id": item.shop_id}
    )
    limit = item.promotion.per_buyer_limit
    qs = FlashClaim.objects.filter(pk=claim.pk)
    if limit:
        qs = qs.filter(quantity__lte=limit - quantity)
    if not qs.update(quantity=F("quantity") + quantity):
        raise Conflict(f"秒杀商品每人限购 {limit} 件")


def db_release(*, item_id: int, buyer, quantity: int, now=None) -> bool:
    """Give a cancelled order's units back to the sale. Returns True when they went back into the set-aside
    stock (the sale is still on: the inventory reservation stays), False when the sale is over (the caller
    releases the reservation to normal stock)."""
    now = now or timezone.now()
    item = PromotionItem.objects.select_for_update().select_related("promotion").get(pk=item_id)
    promo = item.promotion
    open_hold = (
        item.hold_warehouse_id is not None
        and promo.status != Promotion.Status.ENDED
        and promo.ends_at > now
        and item.sold >= quantity
    )
    changes = {"sold": F("sold") - quantity}
    if open_hold:
        changes["held"] = F("held") + quantity
    PromotionItem.objects.filter(pk=item_id, sold__gte=quantity).update(**changes)
    FlashClaim.objects.filter(item_id=item_id, buyer=buyer, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity
    )
    transaction.on_commit(
        lambda: redis_release([RedisClaim(item=item, buyer_id=buyer.pk, quantity=quantity)])
    )
    return open_hold
