"""人群包 writes: save a set of the shop's buyers (an RFM segment, the repurchasers or the one-time buyers),
recompute it, delete it, and issue one of the shop's running coupons to everyone in it.

A pack keeps its rule (how it was built: {"source", "segment", "window_days", "built_at"}) and a snapshot of the
buyer ids; refreshing recomputes the rule now and replaces the snapshot. CrowdPack has no "refreshed at" column,
so the time of the last build is kept in the rule as `built_at`.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from wanshang.accounts.selectors import users_by_ids
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.insights.customers import (
    DEFAULT_WINDOW,
    SOURCE_RFM,
    SOURCES,
    rule_buyer_ids,
    segment_check,
    window_check,
)
from wanshang.insights.models import CrowdPack
from wanshang.marketing.selectors import promotion_get
from wanshang.marketing.services import coupon_issue
from wanshang.marketing.types import Kind

NAME_MAX = 40
COUPON_BATCH_MAX = 10000  # what coupon_issue accepts in one go


def _rule(*, source, segment, window_days, now) -> dict:
    if source not in SOURCES:
        raise ValidationError("请选择人群来源：RFM 分群、复购买家或仅购买一次的买家", field="source")
    rule = {"source": source, "window_days": window_check(window_days, field_name="window_days")}
    if source == SOURCE_RFM:
        rule["segment"] = segment_check(segment).code
    rule["built_at"] = now.isoformat()
    return rule


def _name(name) -> str:
    name = str(name or "").strip()
    if not name:
        raise ValidationError("请填写人群包名称", field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(f"人群包名称最多 {NAME_MAX} 个字", field="name")
    return name


def _empty_error() -> ValidationError:
    return ValidationError("该人群当前没有买家，不能保存为人群包", field="source")


def crowd_pack_create(
    *, shop, actor, name, source, segment=None, window_days=DEFAULT_WINDOW, now=None
) -> CrowdPack:
    """Save the buyers a rule selects now as a new pack of the shop.

    Raises ValidationError for a missing/long name, an unknown source, segment or window, or an empty result;
    Conflict when the shop already has a pack of that name.
    """
    now = now or timezone.now()
    name = _name(name)
    rule = _rule(source=source, segment=segment, window_days=window_days, now=now)
    ids = rule_buyer_ids(shop=shop, rule=rule, now=now)
    if not ids:
        raise _empty_error()
    if CrowdPack.objects.for_shop(shop).filter(name=name).exists():
        raise Conflict(f"人群包“{name}”已存在，请换一个名称", field="name")
    try:
        with transaction.atomic():
            return CrowdPack.objects.create(
                shop=shop, name=name, rule=rule, buyer_ids=ids, size=len(ids), created_by=actor
            )
    except IntegrityError as exc:  # the same name saved at the same moment by someone else
        raise Conflict(f"人群包“{name}”已存在，请换一个名称", field="name") from exc


def _lock(shop, pack_id) -> CrowdPack:
    pack = CrowdPack.objects.for_shop(shop).select_for_update().filter(pk=pack_id).first()
    if pack is None:
        raise NotFound("人群包不存在")
    return pack


def crowd_pack_refresh(*, shop, pack_id, now=None) -> CrowdPack:
    """Recompute the pack's rule now and replace its buyers. Another shop's pack: NotFound. If nobody matches
    any more the pack is left as it was and ValidationError says so."""
    now = now or timezone.now()
    with transaction.atomic():
        pack = _lock(shop, pack_id)
        rule = dict(pack.rule or {})
        ids = rule_buyer_ids(shop=shop, rule=rule, now=now)
        if not ids:
            raise ValidationError("重新计算后该人群没有买家，人群包保持不变", field="source")
        rule["built_at"] = now.isoformat()
        pack.rule, pack.buyer_ids, pack.size = rule, ids, len(ids)
        pack.save(update_fields=["rule", "buyer_ids", "size"])
    return pack


def crowd_pack_delete(*, shop, pack_id) -> None:
    """Delete one of the shop's packs. Another shop's pack: NotFound."""
    with transaction.atomic():
        _lock(shop, pack_id).delete()


def crowd_pack_issue_coupon(*, shop, actor, pack_id, promotion_id, now=None) -> dict:
    """Issue one of the shop's running coupons to every buyer in the pack (its saved snapshot) through
    `marketing.services.coupon_issue`.

    Returns {"issued", "at_limit" (skipped: already at the per-buyer limit), "inactive" (skipped: closed
    accounts)}. Raises NotFound for another shop's pack or coupon; ValidationError for a promotion that is not a
    coupon or an empty / too large pack; Conflict for a coupon that is not running or has too few left.
    Nothing is issued when it raises.
    """
    now = now or timezone.now()
    pack = CrowdPack.objects.for_shop(shop).filter(pk=pack_id).first()
    if pack is None:
        raise NotFound("人群包不存在")
    promo = promotion_get(shop=shop, promotion_id=promotion_id)
    if promo.kind != Kind.COUPON:
        raise ValidationError("只能发放优惠券", field="promotion_id")
    phase = promo.phase(now)
    if phase == "ended":
        raise Conflict("优惠券已结束，不能发放")
    if phase != "running":
        raise Conflict(
            "只能发放进行中的优惠券" + ("（该券已暂停）" if phase == "paused" else "（该券尚未开始）")
        )
    ids = sorted({int(i) for i in pack.buyer_ids})
    active = sorted(users_by_ids(ids=ids))
    if not active:
        raise ValidationError("人群包里没有可发放的买家", field="pack")
    if len(active) > COUPON_BATCH_MAX:
        raise ValidationError(
            f"一次最多向 {COUPON_BATCH_MAX} 位买家发放，该人群包有 {len(active)} 位", field="pack"
        )
    issued = coupon_issue(shop=shop, actor=actor, promotion_id=promo.pk, buyer_ids=active, now=now)
    return {
        "issued": issued,
        "at_limit": len(active) - issued,
        "inactive": len(ids) - len(active),
        "promotion_name": promo.name,
    }
