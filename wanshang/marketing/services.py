"""Marketing writes: set up, pause and end promotions; coupons claimed and issued; member levels; flash slots.

What happens to promotions when orders are placed, paid, cancelled, completed or refunded: `lifecycle.py`.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wanshang.marketing.kinds import ITEM_KINDS, Kind, Scope, spec_for
from wanshang.marketing.models import Coupon, FlashSlot, MemberLevel, Promotion, PromotionItem

MAX_ITEMS = 200
MAX_DAYS = {Kind.FLASH_SALE: 7, Kind.GROUP_BUY: 90, Kind.TIME_DISCOUNT: 90, Kind.COUPON: 365, Kind.FULL_REDUCTION: 90,
            Kind.BUNDLE: 366, Kind.MEMBER_PRICE: 3660, Kind.WHOLESALE: 3660}


@dataclass
class PromotionInput:
    kind: str
    name: str
    starts_at: datetime
    ends_at: datetime | None = None
    scope: str = Scope.ALL
    scope_ids: list[int] = field(default_factory=list)
    config: dict = field(default_factory=dict)
    per_buyer_limit: int = 0
    total_quantity: int = 0
    platform_share_bps: int = 0
    slot_id: int | None = None
    items: list[dict] = field(default_factory=list)  # {"sku_id", "price_fen" | "discount_bps" | ...}


def _clean_common(data: PromotionInput, *, platform: bool, now) -> dict:
    spec = spec_for(data.kind)
    name = (data.name or "").strip()
    if not 2 <= len(name) <= 40:
        raise ValidationError("活动名称须为 2–40 个字", field="name")
    if not isinstance(data.starts_at, datetime):
        raise ValidationError("请填写开始时间", field="starts_at")
    ends_at = data.ends_at
    if ends_at is None:
        if spec.needs_end:
            raise ValidationError("请填写结束时间", field="ends_at")
        ends_at = data.starts_at + timedelta(days=3650)
    if ends_at <= data.starts_at:
        raise ValidationError("结束时间须晚于开始时间", field="ends_at")
    if ends_at <= now:
        raise ValidationError("结束时间已过", field="ends_at")
    if ends_at - data.starts_at > timedelta(days=MAX_DAYS[data.kind]):
        raise ValidationError(f"{spec.kind.label}最长 {MAX_DAYS[data.kind]} 天", field="ends_at")
    if data.scope not in Scope.values or (data.scope == Scope.SHOPS and not platform):
        raise ValidationError("适用范围无效", field="scope")
    scope_ids = []
    if data.scope != Scope.ALL:
        try:
            scope_ids = sorted({int(i) for i in data.scope_ids})
        except (TypeError, ValueError):
            raise ValidationError("适用范围须为编号列表", field="scope_ids") from None
        if not scope_ids:
            raise ValidationError("请选择适用的商品、类目或店铺", field="scope_ids")
    for key, label, hi in (("per_buyer_limit", "每人限购/限领", 9999), ("total_quantity", "发放总量", 10_000_000),
                           ("platform_share_bps", "平台承担比例", 10000)):
        value = getattr(data, key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= hi:
            raise ValidationError(f"{label}须为 0–{hi} 的整数", field=key)
    if data.kind == Kind.COUPON and not data.total_quantity:
        raise ValidationError("请设置优惠券发放总量", field="total_quantity")
    if data.platform_share_bps and not platform:
        raise ValidationError("只有平台券可以设置平台承担比例", field="platform_share_bps")
    if not isinstance(data.config, dict):
        raise ValidationError("活动规则格式错误", field="config")
    return {"name": name, "ends_at": ends_at, "scope_ids": scope_ids,
            "config": spec.clean_config(data.config, platform=platform)}


def _clean_items(data: PromotionInput, *, shop, config: dict) -> list[dict]:
    from wanshang.catalog.selectors import seller_skus_by_id

    spec = spec_for(data.kind)
    if not spec.needs_items:
        if data.items and data.kind != Kind.MEMBER_PRICE:
            raise ValidationError("该类型的活动不设置商品明细", field="items")
        if data.kind == Kind.MEMBER_PRICE and not data.items and not config.get("level_bps"):
            raise ValidationError("请设置会员折扣或至少一个商品的会员价", field="items")
    elif not data.items:
        raise ValidationError("请选择参加活动的商品规格", field="items")
    if len(data.items) > MAX_ITEMS:
        raise ValidationError(f"一个活动最多 {MAX_ITEMS} 个商品规格", field="items")
    try:
        sku_ids = [int(i["sku_id"]) for i in data.items]
    except (KeyError, TypeError, ValueError):
        raise ValidationError("商品规格编号无效", field="items") from None
    if len(set(sku_ids)) != len(sku_ids):
        raise ValidationError("同一商品规格不能重复添加", field="items")
    skus = seller_skus_by_id(shop=shop, sku_ids=sku_ids) if sku_ids else {}
    cleaned = []
    for raw, sku_id in zip(data.items, sku_ids, strict=True):
        sku = skus.get(sku_id)
        if sku is None:
            raise NotFound(f"商品规格 {sku_id} 不存在")
        if not sku.is_active:
            raise ValidationError(f"商品规格 {sku_id} 已失效", field="items")
        try:
            item = spec.clean_item(dict(raw), sku_price_fen=sku.price_fen, config=config)
        except ValidationError as e:
            raise ValidationError(f"{sku.product.title} {sku.spec_text}：{e.message}", field="items") from None
        cleaned.append({"sku_id": sku_id, "product_id": sku.product_id, **item})
    spec.clean_items(cleaned, config=config, sku_prices={s.pk: s.price_fen for s in skus.values()})
    if data.kind == Kind.FLASH_SALE:
        from wanshang.inventory.selectors import available_by_sku

        available = available_by_sku(sku_ids=sku_ids)
        for item in cleaned:
            if item["stock"] > available.get(item["sku_id"], 0):
                raise ValidationError(f"秒杀库存 {item['stock']} 超过可售库存 {available.get(item['sku_id'], 0)}",
                                      field="items")
    if data.kind == Kind.MEMBER_PRICE:
        ranks = set(MemberLevel.objects.for_shop(shop).values_list("rank", flat=True))
        used = {int(r) for i in cleaned for r in i["level_prices"]} | {int(r) for r in config.get("level_bps", {})}
        if used - ranks:
            raise ValidationError(f"会员等级 {sorted(used - ranks)[0]} 尚未设置，请先在会员等级中添加", field="items")
    return cleaned


def _overlaps(promo_scope: str, ids_a: list, other) -> bool:
    if promo_scope == Scope.ALL or other.scope == Scope.ALL:
        return True
    if promo_scope != other.scope:
        return True  # products vs categories: treated as overlapping; the merchant narrows one of them
    return bool(set(ids_a) & set(other.scope_ids or []))


def _check_exclusive(*, shop, kind: str, starts_at, ends_at, scope: str, scope_ids: list, items: list[dict],
                     exclude_id=None) -> None:
    """The same SKU may not be in two overlapping promotions of one item-level kind; one 满减 per goods."""
    spec = spec_for(kind)
    if not spec.exclusive:
        return
    others = Promotion.objects.filter(shop=shop, kind=kind, starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        status=Promotion.Status.ENDED)
    if exclude_id:
        others = others.exclude(pk=exclude_id)
    if kind == Kind.FULL_REDUCTION:
        for other in others:
            if _overlaps(scope, scope_ids, other):
                raise Conflict(f"与进行中或已排期的满减活动“{other.name}”时间和商品范围重叠，同一商品同一时间只能参加一个满减")
        return
    if kind == Kind.MEMBER_PRICE and not items:
        other = others.filter(items__isnull=True).first()
        if other is not None:
            raise Conflict(f"与会员价活动“{other.name}”时间重叠")
    sku_ids = [i["sku_id"] for i in items]
    clash = (PromotionItem.objects.filter(promotion__in=others, sku_id__in=sku_ids)
             .select_related("promotion").first())
    if clash:
        raise Conflict(f"商品规格 {clash.sku_id} 已在同类活动“{clash.promotion.name}”中（时间重叠），同类活动不能重复参加")


def promotion_save(*, shop, actor, data: PromotionInput, promotion_id=None, now=None) -> Promotion:
    """Create a promotion, or edit one that has not started. `shop=None` is a platform promotion (operators only).

    Raises ValidationError (bad rules: a discount above the price, an end before its start …), Conflict
    (overlaps an exclusive promotion; already started), NotFound (another shop's promotion or SKU).
    """
    from wanshang.compliance.services import price_rise_check

    now = now or timezone.now()
    platform = shop is None
    if platform and not (actor and actor.is_staff):
        raise PermissionDenied("只有平台运营可以创建平台活动")
    if platform and data.kind not in (Kind.COUPON, Kind.FLASH_SALE):
        raise ValidationError("平台可创建的活动为平台券；秒杀请设置秒杀场次由商家报名", field="kind")
    if platform and data.kind == Kind.FLASH_SALE:
        raise ValidationError("平台秒杀请设置秒杀场次，由商家报名", field="kind")
    common = _clean_common(data, platform=platform, now=now)
    starts_at, ends_at = data.starts_at, common["ends_at"]
    slot = None
    if data.slot_id:
        if data.kind != Kind.FLASH_SALE:
            raise ValidationError("只有秒杀可以报名秒杀场次", field="slot_id")
        slot = FlashSlot.objects.filter(pk=data.slot_id).first()
        if slot is None:
            raise NotFound("秒杀场次不存在")
        if not slot.is_open:
            raise Conflict("该秒杀场次已停止报名")
        starts_at, ends_at = slot.starts_at, slot.ends_at
    items = [] if platform else _clean_items(data, shop=shop, config=common["config"])
    with transaction.atomic():
        if promotion_id is not None:
            qs = Promotion.objects.filter(shop__isnull=True) if platform else Promotion.objects.for_shop(shop)
            promo = qs.select_for_update().filter(pk=promotion_id).first()
            if promo is None:
                raise NotFound("活动不存在")
            if promo.kind != data.kind:
                raise ValidationError("不能修改活动类型", field="kind")
            if promo.starts_at <= now or promo.status == Promotion.Status.ENDED:
                raise Conflict("活动已开始或已结束，不能修改；可以暂停或结束它")
        else:
            promo = Promotion(shop=shop, kind=data.kind, created_by=actor)
        if not platform:
            _check_exclusive(shop=shop, kind=data.kind, starts_at=starts_at, ends_at=ends_at, scope=data.scope,
                             scope_ids=common["scope_ids"], items=items, exclude_id=promo.pk)
        promo.name, promo.starts_at, promo.ends_at = common["name"], starts_at, ends_at
        promo.scope, promo.scope_ids, promo.config = data.scope, common["scope_ids"], common["config"]
        promo.per_buyer_limit, promo.total_quantity = data.per_buyer_limit, data.total_quantity
        promo.platform_share_bps, promo.slot = data.platform_share_bps, slot
        promo.status = Promotion.Status.ACTIVE
        promo.save()
        from wanshang.marketing.flash import hold_give_back, hold_set_aside

        for old_item in promo.items.filter(held__gt=0).values_list("pk", flat=True) if promo.pk else []:
            hold_give_back(item_id=old_item, reason=f"秒杀修改，释放锁定：{promo.name}")
        promo.items.all().delete()
        created = PromotionItem.objects.bulk_create([
            PromotionItem(promotion=promo, shop=shop, sku_id=i["sku_id"], product_id=i["product_id"],
                          price_fen=i.get("price_fen"), discount_bps=i.get("discount_bps"),
                          level_prices=i.get("level_prices", {}), tiers=i.get("tiers", []),
                          quantity=i.get("quantity", 1), stock=i.get("stock", 0))
            for i in items
        ])
        if data.kind == Kind.FLASH_SALE:  # the sale's own stock, set aside until it ends
            for item in sorted(created, key=lambda x: x.sku_id):
                hold_set_aside(item=item, reason=f"秒杀锁定：{promo.name}")
        if data.kind in ITEM_KINDS and not platform:
            price_rise_check(promotion=promo, now=now)
    _changed()
    return promo


def _changed() -> None:
    """A promotion changed: list pages and every process's copy of the shops' promotions are refreshed."""
    from wanshang.catalog.services import listings_changed
    from wanshang.marketing.steps import snapshot_bump

    # Now, for reads in this transaction, and again after commit, for a process that copied the old rows
    # between the two.
    snapshot_bump()
    transaction.on_commit(snapshot_bump)
    listings_changed()


def _lock_promotion(*, shop, promotion_id, platform: bool = False) -> Promotion:
    qs = Promotion.objects.filter(shop__isnull=True) if platform else Promotion.objects.for_shop(shop)
    promo = qs.select_for_update().filter(pk=promotion_id).first()
    if promo is None:
        raise NotFound("活动不存在")
    return promo


def promotion_pause(*, shop, promotion_id, actor=None, platform: bool = False) -> Promotion:
    """Pause: no new buyer gets it (held coupons stay usable: refusing promised coupons is price fraud, §19)."""
    with transaction.atomic():
        promo = _lock_promotion(shop=shop, promotion_id=promotion_id, platform=platform)
        if promo.status != Promotion.Status.ACTIVE:
            raise Conflict(f"活动当前为“{promo.get_status_display()}”，不能暂停")
        if timezone.now() >= promo.ends_at:
            raise Conflict("活动已结束")
        promo.status = Promotion.Status.PAUSED
        promo.save(update_fields=["status", "updated_at"])
    _changed()
    return promo


def promotion_resume(*, shop, promotion_id, actor=None, platform: bool = False) -> Promotion:
    with transaction.atomic():
        promo = _lock_promotion(shop=shop, promotion_id=promotion_id, platform=platform)
        if promo.status != Promotion.Status.PAUSED:
            raise Conflict(f"活动当前为“{promo.get_status_display()}”，不能恢复")
        if timezone.now() >= promo.ends_at:
            raise Conflict("活动已过结束时间，不能恢复")
        promo.status = Promotion.Status.ACTIVE
        promo.save(update_fields=["status", "updated_at"])
    _changed()
    return promo


def promotion_end(*, shop, promotion_id, actor=None, platform: bool = False, now=None) -> Promotion:
    """End now. Ended promotions cannot be restarted; coupons already held stay valid to their own end."""
    now = now or timezone.now()
    with transaction.atomic():
        promo = _lock_promotion(shop=shop, promotion_id=promotion_id, platform=platform)
        if promo.status == Promotion.Status.ENDED:
            raise Conflict("活动已结束")
        promo.status = Promotion.Status.ENDED
        if promo.ends_at > now:
            promo.ends_at = max(now, promo.starts_at + timedelta(seconds=1))
        promo.save(update_fields=["status", "ends_at", "updated_at"])
        if promo.kind == Kind.FLASH_SALE:
            from wanshang.marketing.flash import hold_give_back

            for item_id in promo.items.filter(held__gt=0).order_by("sku_id").values_list("pk", flat=True):
                hold_give_back(item_id=item_id, reason=f"秒杀结束，释放锁定：{promo.name}")
    _changed()
    return promo


# --- coupons ---------------------------------------------------------------------------------------------------

def _coupon_window(promo: Promotion, now) -> tuple[datetime, datetime]:
    days = promo.config.get("valid_days") or 0
    if days:
        return now, now + timedelta(days=days)
    return promo.starts_at, promo.ends_at


def coupon_claim(*, buyer, promotion_id, now=None) -> Coupon:
    """A buyer claims a public coupon (领券). Quantity and per-buyer limits hold under concurrency."""
    now = now or timezone.now()
    with transaction.atomic():
        promo = Promotion.objects.select_for_update().filter(pk=promotion_id, kind=Kind.COUPON).first()
        if promo is None or not promo.config.get("public", True):
            raise NotFound("优惠券不存在")
        if promo.status != Promotion.Status.ACTIVE or promo.starts_at > now or promo.ends_at <= now:
            raise Conflict("优惠券不在领取时间内")
        if promo.total_quantity and promo.issued_count >= promo.total_quantity:
            raise Conflict("优惠券已领完")
        if promo.per_buyer_limit:
            held = Coupon.objects.filter(promotion=promo, buyer=buyer).count()
            if held >= promo.per_buyer_limit:
                raise Conflict(f"每人限领 {promo.per_buyer_limit} 张，您已领取")
        valid_from, valid_until = _coupon_window(promo, now)
        promo.issued_count = F("issued_count") + 1
        promo.save(update_fields=["issued_count"])
        return Coupon.objects.create(promotion=promo, shop=promo.shop, buyer=buyer, source="claim",
                                     valid_from=valid_from, valid_until=valid_until)


def coupon_issue(*, shop, actor, promotion_id, buyer_ids: list[int], platform: bool = False, now=None) -> int:
    """Issue a coupon to chosen buyers (定向发放, e.g. a CRM crowd). Buyers at their limit are skipped.

    Returns how many were issued; raises Conflict when the remaining quantity cannot cover the list.
    """
    from wanshang.accounts.selectors import users_by_ids

    now = now or timezone.now()
    try:
        ids = sorted({int(i) for i in buyer_ids})
    except (TypeError, ValueError):
        raise ValidationError("买家编号无效", field="buyer_ids") from None
    if not 1 <= len(ids) <= 10000:
        raise ValidationError("一次可向 1–10000 位买家发放", field="buyer_ids")
    users = users_by_ids(ids=ids)
    if len(users) != len(ids):
        raise ValidationError(f"买家不存在：{sorted(set(ids) - set(users))[0]}", field="buyer_ids")
    with transaction.atomic():
        promo = _lock_promotion(shop=shop, promotion_id=promotion_id, platform=platform)
        if promo.kind != Kind.COUPON:
            raise ValidationError("只有优惠券可以发放", field="promotion_id")
        if promo.status == Promotion.Status.ENDED or promo.ends_at <= now:
            raise Conflict("优惠券已结束，不能发放")
        held = {}
        if promo.per_buyer_limit:
            for row in Coupon.objects.filter(promotion=promo, buyer_id__in=ids).values("buyer_id"):
                held[row["buyer_id"]] = held.get(row["buyer_id"], 0) + 1
        targets = [u for u in ids if not promo.per_buyer_limit or held.get(u, 0) < promo.per_buyer_limit]
        left = promo.total_quantity - promo.issued_count if promo.total_quantity else len(targets)
        if len(targets) > left:
            raise Conflict(f"剩余可发 {left} 张，不够发给 {len(targets)} 位买家")
        valid_from, valid_until = _coupon_window(promo, now)
        Coupon.objects.bulk_create([Coupon(promotion=promo, shop=promo.shop, buyer_id=u, source="issued",
                                           valid_from=valid_from, valid_until=valid_until) for u in targets])
        promo.issued_count = F("issued_count") + len(targets)
        promo.save(update_fields=["issued_count"])
    return len(targets)


# --- member levels and flash slots ---------------------------------------------------------------------------

def member_levels_save(*, shop, levels: list[dict]) -> list[MemberLevel]:
    """Replace the shop's membership levels: [{"rank", "name", "min_spend_fen", "min_points"}], ranks 1..9."""
    if not isinstance(levels, list) or len(levels) > 9:
        raise ValidationError("最多设置 9 个会员等级", field="levels")
    cleaned = []
    for raw in levels:
        try:
            rank = int(raw["rank"])
            spend = int(raw.get("min_spend_fen") or 0)
            points = int(raw.get("min_points") or 0)
        except (KeyError, TypeError, ValueError):
            raise ValidationError("会员等级格式错误", field="levels") from None
        name = str(raw.get("name") or "").strip()
        if not 1 <= rank <= 9 or not 1 <= len(name) <= 20 or spend < 0 or points < 0:
            raise ValidationError("等级须为 1–9，名称 1–20 字，门槛不能为负", field="levels")
        cleaned.append((rank, name, spend, points))
    ranks = [c[0] for c in cleaned]
    if len(set(ranks)) != len(ranks):
        raise ValidationError("会员等级不能重复", field="levels")
    cleaned.sort()
    for (_, _, s1, p1), (_r2, n2, s2, p2) in zip(cleaned, cleaned[1:], strict=False):
        if s2 < s1 or p2 < p1:
            raise ValidationError(f"“{n2}”的门槛不能低于上一等级", field="levels")
    with transaction.atomic():
        MemberLevel.objects.for_shop(shop).delete()
        levels = MemberLevel.objects.bulk_create([
            MemberLevel(shop=shop, rank=r, name=n, min_spend_fen=s, min_points=p) for r, n, s, p in cleaned
        ])
        _changed()
    return levels


def flash_slot_save(*, actor, name: str, starts_at, ends_at, slot_id=None, is_open: bool = True) -> FlashSlot:
    if not (actor and actor.is_staff):
        raise PermissionDenied("只有平台运营可以设置秒杀场次")
    name = (name or "").strip()
    if not 2 <= len(name) <= 40:
        raise ValidationError("场次名称须为 2–40 个字", field="name")
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise ValidationError("请填写开始和结束时间", field="starts_at")
    if ends_at <= starts_at:
        raise ValidationError("结束时间须晚于开始时间", field="ends_at")
    if ends_at - starts_at > timedelta(hours=24):
        raise ValidationError("一个秒杀场次最长 24 小时", field="ends_at")
    with transaction.atomic():
        if slot_id:
            slot = FlashSlot.objects.select_for_update().filter(pk=slot_id).first()
            if slot is None:
                raise NotFound("秒杀场次不存在")
            if slot.promotions.exists() and (slot.starts_at, slot.ends_at) != (starts_at, ends_at):
                raise Conflict("已有商家报名，不能修改场次时间")
        else:
            slot = FlashSlot(created_by=actor)
        slot.name, slot.starts_at, slot.ends_at, slot.is_open = name, starts_at, ends_at, bool(is_open)
        try:
            slot.save()
        except IntegrityError as exc:
            raise ValidationError("场次时间无效", field="ends_at") from exc
    return slot


def flash_slot_remove_promotion(*, actor, promotion_id) -> Promotion:
    """The platform takes a merchant's flash sale out of its slot (ends it)."""
    if not (actor and actor.is_staff):
        raise PermissionDenied("只有平台运营可以操作")
    promo = Promotion.objects.filter(pk=promotion_id, kind=Kind.FLASH_SALE, slot__isnull=False).first()
    if promo is None:
        raise NotFound("报名记录不存在")
    return promotion_end(shop=promo.shop, promotion_id=promo.pk, actor=actor)


def flash_holds_release(*, now=None) -> int:
    """Flash sales past their end give what is still set aside back to normal sale. Idempotent, catches up."""
    from wanshang.marketing.flash import hold_give_back

    now = now or timezone.now()
    done = 0
    for item_id in list(PromotionItem.objects.filter(held__gt=0, promotion__kind=Kind.FLASH_SALE)
                        .filter(Q(promotion__ends_at__lte=now) | Q(promotion__status=Promotion.Status.ENDED))
                        .order_by("pk").values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            if hold_give_back(item_id=item_id, reason="秒杀结束，释放锁定"):
                done += 1
    return done


def coupons_expire_cleanup(*, now=None) -> int:
    """Mark coupons that expired over 180 days ago void. Expiry itself is read from `valid_until`; this only
    keeps the buyer's unused-coupon index small."""
    now = now or timezone.now()
    return Coupon.objects.filter(Q(status=Coupon.Status.UNUSED) & Q(valid_until__lte=now - timedelta(days=180))).update(
        status=Coupon.Status.VOID)


# --- buying at a flash-sale or group price -----------------------------------------------------------------------

_FLASH_ITEMS: dict[int, tuple[float, object]] = {}
FLASH_ITEM_TTL = 2.0  # seconds a process trusts its copy of a flash item's rules (never its stock)


def _flash_item(item_id):
    """The flash item, from a 2-second in-process copy when Redis is the gate (losers then never reach the
    database); read fresh without Redis, where the database row is the gate."""
    import time

    from wanshang.marketing.flash import redis_client
    from wanshang.marketing.selectors import flash_item_get

    if redis_client() is None:
        return flash_item_get(item_id=item_id)
    try:
        key = int(item_id)
    except (TypeError, ValueError):
        raise NotFound("秒杀商品不存在") from None
    hit = _FLASH_ITEMS.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    item = flash_item_get(item_id=key)
    if len(_FLASH_ITEMS) > 5000:
        _FLASH_ITEMS.clear()
    _FLASH_ITEMS[key] = (time.monotonic() + FLASH_ITEM_TTL, item)
    return item


def _fast_sold_out(item) -> None:
    """Turn most losers away before pricing anything: one Redis GET, or one indexed read."""
    from wanshang.marketing.flash import _keys, redis_client

    client = redis_client()
    if client is not None:
        left = client.get(_keys(item)[0])
        if left is not None and int(left) <= 0:
            raise Conflict("手慢了，秒杀商品已抢光")
    elif item.sold >= item.stock:
        raise Conflict("手慢了，秒杀商品已抢光")


def flash_buy(*, buyer, item_id, quantity: int = 1, address_id, idempotency_key: str, buyer_note: str = "",
              now=None):
    """立即抢购: order one flash-sale SKU at the flash price or not at all. Returns the Payment.

    Raises Conflict (not started, ended, sold out, over the per-buyer limit), ValidationError, NotFound.
    The rules may come from a copy up to 2 s old; the checkout behind re-prices from the database, so a sale
    paused meanwhile is still refused there.
    """
    from wanshang.checkout.services import checkout_submit
    from wanshang.pricing.engine import check_quantity

    now = now or timezone.now()
    quantity = check_quantity(quantity)
    item = _flash_item(item_id)
    promo = item.promotion
    if promo.status != Promotion.Status.ACTIVE or promo.ends_at <= now:
        raise Conflict("秒杀已结束")
    if promo.starts_at > now:
        raise Conflict("秒杀尚未开始，请在开始后抢购")
    _fast_sold_out(item)
    return checkout_submit(user=buyer, items=[(item.sku_id, quantity)], address_id=address_id,
                           idempotency_key=idempotency_key, buyer_note=buyer_note, from_cart=False,
                           require_item_kind=Kind.FLASH_SALE)


def group_buy(*, buyer, item_id, address_id, idempotency_key: str, team_id=None, quantity: int = 1,
              buyer_note: str = "", now=None):
    """Open a new group (team_id None) or join one at the group price. Returns the Payment.

    The group completes when `size` members have paid; if time runs out first every member is refunded.
    """
    from wanshang.checkout.services import checkout_submit
    from wanshang.marketing.selectors import group_item_get
    from wanshang.pricing.engine import PricingOptions, check_quantity

    now = now or timezone.now()
    quantity = check_quantity(quantity)
    item = group_item_get(item_id=item_id)
    promo = item.promotion
    if promo.status != Promotion.Status.ACTIVE or not promo.starts_at <= now < promo.ends_at:
        raise Conflict("拼团活动未在进行中")
    if promo.per_buyer_limit and quantity > promo.per_buyer_limit:
        raise ValidationError(f"拼团每人限购 {promo.per_buyer_limit} 件", field="quantity")
    try:
        team_id = int(team_id) if team_id not in (None, "", 0, "0") else 0
    except (TypeError, ValueError):
        raise ValidationError("拼团编号无效", field="team_id") from None
    return checkout_submit(user=buyer, items=[(item.sku_id, quantity)], address_id=address_id,
                           idempotency_key=idempotency_key, buyer_note=buyer_note, from_cart=False,
                           options=PricingOptions(group_buy={item.sku_id: team_id}),
                           require_item_kind=Kind.GROUP_BUY)
