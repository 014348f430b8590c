"""Setting promotions up, editing them before they start, pausing, resuming and ending them (shop promotions
and, with `shop=None`, platform ones). Every change bumps the pricing snapshot and the list pages.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from wanshang.adlaw.services import texts_check
from wanshang.catalog.selectors import categories_by_ids, seller_product_list, seller_skus_by_id
from wanshang.catalog.services import listings_changed
from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wanshang.compliance.services import price_rise_check
from wanshang.inventory.selectors import available_by_sku
from wanshang.marketing.flash.holds import hold_give_back, hold_set_aside
from wanshang.marketing.models import FlashSlot, MemberLevel, Promotion, PromotionItem
from wanshang.marketing.promotions.display import refresh_shop
from wanshang.marketing.promotions.kinds import spec_for
from wanshang.marketing.steps.context import snapshot_bump
from wanshang.marketing.types import ITEM_KINDS, Kind, PromotionInput, Scope
from wanshang.merchants.selectors import shop_sanctions

MAX_ITEMS = 200
MAX_DAYS = {
    Kind.FLASH_SALE: 7,
    Kind.GROUP_BUY: 90,
    Kind.TIME_DISCOUNT: 90,
    Kind.COUPON: 365,
    Kind.FULL_REDUCTION: 90,
    Kind.BUNDLE: 366,
    Kind.MEMBER_PRICE: 3660,
    Kind.WHOLESALE: 3660,
}


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
    for key, label, hi in (
        ("per_buyer_limit", "每人限购/限领", 9999),
        ("total_quantity", "发放总量", 10_000_000),
        ("platform_share_bps", "平台承担比例", 10000),
    ):
        value = getattr(data, key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= hi:
            raise ValidationError(f"{label}须为 0–{hi} 的整数", field=key)
    if data.kind == Kind.COUPON and not data.total_quantity:
        raise ValidationError("请设置优惠券发放总量", field="total_quantity")
    if data.platform_share_bps and not platform:
        raise ValidationError("只有平台券可以设置平台承担比例", field="platform_share_bps")
    if not isinstance(data.config, dict):
        raise ValidationError("活动规则格式错误", field="config")
    return {
        "name": name,
        "ends_at": ends_at,
        "scope_ids": scope_ids,
        "config": spec.clean_config(data.config, platform=platform),
    }


def _clean_items(data: PromotionInput, *, shop, config: dict) -> list[dict]:
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
            raise ValidationError(f"{sku.product.title} {sku.spec_text}：{e.message}", field="items") from e
        cleaned.append({"sku_id": sku_id, "product_id": sku.product_id, **item})
    spec.clean_items(cleaned, config=config, sku_prices={s.pk: s.price_fen for s in skus.values()})
    if data.kind == Kind.FLASH_SALE:
        available = available_by_sku(sku_ids=sku_ids)
        for item in cleaned:
            if item["stock"] > available.get(item["sku_id"], 0):
                raise ValidationError(
                    f"秒杀库存 {item['stock']} 超过可售库存 {available.get(item['sku_id'], 0)}", field="items"
                )
    if data.kind == Kind.MEMBER_PRICE:
        ranks = set(MemberLevel.objects.for_shop(shop).values_list("rank", flat=True))
        used = {int(r) for i in cleaned for r in i["level_prices"]} | {
            int(r) for r in config.get("level_bps", {})
        }
        if used - ranks:
            raise ValidationError(
                f"会员等级 {sorted(used - ranks)[0]} 尚未设置，请先在会员等级中添加", field="items"
            )
    return cleaned


def _overlaps(promo_scope: str, ids_a: list, other) -> bool:
    if promo_scope == Scope.ALL or other.scope == Scope.ALL:
        return True
    if promo_scope != other.scope:
        return True  # products vs categories: treated as overlapping; the merchant narrows one of them
    return bool(set(ids_a) & set(other.scope_ids or []))


def _check_exclusive(
    *, shop, kind: str, starts_at, ends_at, scope: str, scope_ids: list, items: list[dict], exclude_id=None
) -> None:
    """The same SKU may not be in two overlapping promotions of one item-level kind; one 满减 per goods."""
    spec = spec_for(kind)
    if not spec.exclusive:
        return
    others = Promotion.objects.filter(
        shop=shop, kind=kind, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(status=Promotion.Status.ENDED)
    if exclude_id:
        others = others.exclude(pk=exclude_id)
    if kind == Kind.FULL_REDUCTION:
        for other in others:
            if _overlaps(scope, scope_ids, other):
                raise Conflict(
                    f"与进行中或已排期的满减活动“{other.name}”时间和商品范围重叠，同一商品同一时间只能参加一个满减"
                )
        return
    if kind == Kind.MEMBER_PRICE and not items:
        other = others.filter(items__isnull=True).first()
        if other is not None:
            raise Conflict(f"与会员价活动“{other.name}”时间重叠")
    sku_ids = [i["sku_id"] for i in items]
    clash = (
        PromotionItem.objects.filter(promotion__in=others, sku_id__in=sku_ids)
        .select_related("promotion")
        .first()
    )
    if clash:
        raise Conflict(
            f"商品规格 {clash.sku_id} 已在同类活动“{clash.promotion.name}”中（时间重叠），同类活动不能重复参加"
        )


def _check_shop_scope(*, shop, scope: str, scope_ids: list[int]) -> None:
    """A shop promotion's scope names the shop's own products, or categories the shop may sell (at any level
    under the categories it was approved for). Raises NotFound for a product that is not the shop's (another
    shop's reads like an unknown one, as for SKUs), ValidationError for an unknown or unapproved category.
    Platform coupons are checked by platform.marketing.check_scope."""
    if scope == Scope.PRODUCTS:
        own = set(seller_product_list(shop=shop).filter(pk__in=scope_ids).values_list("pk", flat=True))
        missing = [i for i in scope_ids if i not in own]
        if missing:
            raise NotFound(f"商品编号 {missing[0]} 不存在", field="scope_ids")
    elif scope == Scope.CATEGORIES:
        categories = {c.pk: c for c in categories_by_ids(ids=scope_ids)}
        missing = [i for i in scope_ids if i not in categories]
        if missing:
            raise ValidationError(f"类目编号 {missing[0]} 不存在", field="scope_ids")
        allowed = set(shop.categories.values_list("pk", flat=True))
        for category in (categories[i] for i in scope_ids):
            if allowed and not any(f"/{pk}/" in category.path for pk in allowed):
                raise ValidationError(f"店铺未获准经营“{category.name}”类目", field="scope_ids")


def _adlaw_name(shop, promo: Promotion) -> dict:
    """广告法: buyers read a coupon's or a promotion's name; a blocking term refuses it on the name."""
    source = "coupon" if promo.kind == Kind.COUPON else "promotion"
    return texts_check(shop=shop, source=source, source_id=promo.pk, fields={"name": promo.name})


def promotion_save(*, shop, actor, data: PromotionInput, promotion_id=None, now=None) -> Promotion:
    """Create a promotion, or edit one that has not started. `shop=None` is a platform promotion (operators only).

    Raises ValidationError (bad rules: a discount above the price, an end before its start, a scope naming
    another shop's products or a category the shop may not sell …), Conflict
    (overlaps an exclusive promotion; already started), NotFound (another shop's promotion or SKU).
    """
    now = now or timezone.now()
    platform = shop is None
    if platform and not (actor and actor.is_staff):
        raise PermissionDenied("只有平台运营可以创建平台活动")
    if platform and data.kind not in (Kind.COUPON, Kind.FLASH_SALE):
        raise ValidationError("平台可创建的活动为平台券；秒杀请设置秒杀场次由商家报名", field="kind")
    if platform and data.kind == Kind.FLASH_SALE:
        raise ValidationError("平台秒杀请设置秒杀场次，由商家报名", field="kind")
    common = _clean_common(data, platform=platform, now=now)
    if not platform:
        _check_shop_scope(shop=shop, scope=data.scope, scope_ids=common["scope_ids"])
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
        if not platform and "no_campaign" in shop_sanctions(shop_id=shop.pk):
            # 体检中心: penalty points over the published threshold (docs/health.md)
            raise PermissionDenied(
                "店铺体检中心扣分已达“禁止报名活动”处罚，暂不能报名秒杀场次；整改或申诉后可恢复"
            )
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
            _check_exclusive(
                shop=shop,
                kind=data.kind,
                starts_at=starts_at,
                ends_at=ends_at,
                scope=data.scope,
                scope_ids=common["scope_ids"],
                items=items,
                exclude_id=promo.pk,
            )
        promo.name, promo.starts_at, promo.ends_at = common["name"], starts_at, ends_at
        promo.scope, promo.scope_ids, promo.config = data.scope, common["scope_ids"], common["config"]
        promo.per_buyer_limit, promo.total_quantity = data.per_buyer_limit, data.total_quantity
        promo.platform_share_bps, promo.slot = data.platform_share_bps, slot
        promo.status = Promotion.Status.ACTIVE
        promo.save()
        promo.adlaw_warnings = {} if platform else _adlaw_name(shop, promo)
        for old_item in promo.items.filter(held__gt=0).values_list("pk", flat=True) if promo.pk else []:
            hold_give_back(item_id=old_item, reason=f"秒杀修改，释放锁定：{promo.name}")
        promo.items.all().delete()
        created = PromotionItem.objects.bulk_create(
            [
                PromotionItem(
                    promotion=promo,
                    shop=shop,
                    sku_id=i["sku_id"],
                    product_id=i["product_id"],
                    price_fen=i.get("price_fen"),
                    discount_bps=i.get("discount_bps"),
                    level_prices=i.get("level_prices", {}),
                    tiers=i.get("tiers", []),
                    quantity=i.get("quantity", 1),
                    stock=i.get("stock", 0),
                )
                for i in items
            ]
        )
        if data.kind == Kind.FLASH_SALE:  # the sale's own stock, set aside until it ends
            for item in sorted(created, key=lambda x: x.sku_id):
                hold_set_aside(item=item, reason=f"秒杀锁定：{promo.name}")
        if data.kind in ITEM_KINDS and not platform:
            price_rise_check(promotion=promo, now=now)
    promotions_changed(shop_id=promo.shop_id)
    return promo


def promotions_changed(*, shop_id: int | None) -> None:
    """A promotion of the shop (None: a platform promotion) changed: list pages, every process's copy of the
    shops' promotions and the shop's display prices (promotions/display.py) are refreshed."""
    # Now, for reads in this transaction, and again after commit, for a process that copied the old rows
    # between the two.
    snapshot_bump()
    if shop_id is not None:  # platform promotions (coupons, 满减) set no item price
        refresh_shop(shop_id=shop_id)
    transaction.on_commit(snapshot_bump)
    listings_changed()


def promotions_price_rise_patrol(*, now=None) -> int:
    """The daily §17 re-check (`marketing.price_rise_daily`): every running or scheduled item-level promotion of
    a shop is checked again, through now for a running one, so a price raised after the promotion was saved is
    caught. It reads the price history, not what it missed, so a run after downtime catches up, and a repeated
    run adds nothing (compliance keeps one alert per SKU, promotion and rule). Returns the alerts standing."""
    now = now or timezone.now()
    found = 0
    promos = Promotion.objects.filter(
        shop__isnull=False, kind__in=ITEM_KINDS, status=Promotion.Status.ACTIVE, ends_at__gt=now
    ).order_by("pk")
    for promo in promos.iterator(chunk_size=200):
        with transaction.atomic():
            found += len(price_rise_check(promotion=promo, now=now, until=min(now, promo.ends_at)))
    return found


def promotion_lock(*, shop, promotion_id, platform: bool = False) -> Promotion:
    """The shop's (or, with `platform`, a platform) promotion locked for update; NotFound otherwise."""
    qs = Promotion.objects.filter(shop__isnull=True) if platform else Promotion.objects.for_shop(shop)
    promo = qs.select_for_update().filter(pk=promotion_id).first()
    if promo is None:
        raise NotFound("活动不存在")
    return promo


def promotion_pause(*, shop, promotion_id, actor=None, platform: bool = False) -> Promotion:
    """Pause: no new buyer gets it (held coupons stay usable: refusing promised coupons is price fraud, §19)."""
    with transaction.atomic():
        promo = promotion_lock(shop=shop, promotion_id=promotion_id, platform=platform)
        if promo.status != Promotion.Status.ACTIVE:
            raise Conflict(f"活动当前为“{promo.get_status_display()}”，不能暂停")
        if timezone.now() >= promo.ends_at:
            raise Conflict("活动已结束")
        promo.status = Promotion.Status.PAUSED
        promo.save(update_fields=["status", "updated_at"])
    promotions_changed(shop_id=promo.shop_id)
    return promo


def promotion_resume(*, shop, promotion_id, actor=None, platform: bool = False) -> Promotion:
    with transaction.atomic():
        promo = promotion_lock(shop=shop, promotion_id=promotion_id, platform=platform)
        if promo.status != Promotion.Status.PAUSED:
            raise Conflict(f"活动当前为“{promo.get_status_display()}”，不能恢复")
        if timezone.now() >= promo.ends_at:
            raise Conflict("活动已过结束时间，不能恢复")
        promo.status = Promotion.Status.ACTIVE
        promo.save(update_fields=["status", "updated_at"])
    promotions_changed(shop_id=promo.shop_id)
    return promo


def promotion_end(*, shop, promotion_id, actor=None, platform: bool = False, now=None) -> Promotion:
    """End now. Ended promotions cannot be restarted; coupons already held stay valid to their own end."""
    now = now or timezone.now()
    with transaction.atomic():
        promo = promotion_lock(shop=shop, promotion_id=promotion_id, platform=platform)
        if promo.status == Promotion.Status.ENDED:
            raise Conflict("活动已结束")
        promo.status = Promotion.Status.ENDED
        if promo.ends_at > now:
            promo.ends_at = max(now, promo.starts_at + timedelta(seconds=1))
        promo.save(update_fields=["status", "ends_at", "updated_at"])
        if promo.kind == Kind.FLASH_SALE:
            for item_id in promo.items.filter(held__gt=0).order_by("sku_id").values_list("pk", flat=True):
                hold_give_back(item_id=item_id, reason=f"秒杀结束，释放锁定：{promo.name}")
    promotions_changed(shop_id=promo.shop_id)
    return promo
