"""Coupons buyers hold: claimed in the coupon center (领券) or issued to chosen buyers (定向发放); used by an order
and given back when it is cancelled or refunded (the rules are in `marketing/lifecycle.py`).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from wanshang.accounts.selectors import users_by_ids
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.marketing.models import Coupon, Promotion
from wanshang.marketing.promotions.services import promotion_lock
from wanshang.marketing.types import Kind
from wanshang.orders.types import OrderStatus


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
        return Coupon.objects.create(
            promotion=promo,
            shop=promo.shop,
            buyer=buyer,
            source="claim",
            valid_from=valid_from,
            valid_until=valid_until,
        )


def coupon_issue(*, shop, actor, promotion_id, buyer_ids: list[int], platform: bool = False, now=None) -> int:
    """Issue a coupon to chosen buyers (定向发放, e.g. a CRM crowd). Buyers at their limit are skipped.

    Returns how many were issued; raises Conflict when the remaining quantity cannot cover the list.
    """
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
        promo = promotion_lock(shop=shop, promotion_id=promotion_id, platform=platform)
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
        Coupon.objects.bulk_create(
            [
                Coupon(
                    promotion=promo,
                    shop=promo.shop,
                    buyer_id=u,
                    source="issued",
                    valid_from=valid_from,
                    valid_until=valid_until,
                )
                for u in targets
            ]
        )
        promo.issued_count = F("issued_count") + len(targets)
        promo.save(update_fields=["issued_count"])
    return len(targets)


def coupons_use(*, buyer, coupons, payment, now) -> None:
    """The coupons the priced cart chose are used by `payment`. Raises Conflict when one was used or expired
    since the buyer priced the cart (the caller's transaction rolls back)."""
    for coupon in coupons:
        updated = Coupon.objects.filter(
            pk=coupon.pk, buyer=buyer, status=Coupon.Status.UNUSED, valid_until__gt=now
        ).update(status=Coupon.Status.USED, payment=payment, used_at=now)
        if not updated:
            raise Conflict("优惠券已被使用或已过期，请刷新后重试")
        Promotion.objects.filter(pk=coupon.promotion_id).update(used_count=F("used_count") + 1)


def coupons_give_back(*, order) -> None:
    """A cancelled or refunded order gives its shop's coupon back; a platform coupon comes back when every
    order of its payment has ended. A coupon that comes back keeps its own validity."""
    ended = {OrderStatus.CANCELLED, OrderStatus.REFUNDED}
    siblings = list(order.payment.orders.values_list("shop_id", "status"))
    for coupon in Coupon.objects.filter(payment_id=order.payment_id, status=Coupon.Status.USED):
        if coupon.shop_id is not None and coupon.shop_id != order.shop_id:
            continue
        if coupon.shop_id is None and not all(status in ended for _, status in siblings):
            continue
        Coupon.objects.filter(pk=coupon.pk, status=Coupon.Status.USED).update(
            status=Coupon.Status.UNUSED, payment=None, used_at=None
        )
        Promotion.objects.filter(pk=coupon.promotion_id, used_count__gt=0).update(
            used_count=F("used_count") - 1
        )


def coupons_expire_cleanup(*, now=None) -> int:
    """Mark coupons that expired over 180 days ago void. Expiry itself is read from `valid_until`; this only
    keeps the buyer's unused-coupon index small."""
    now = now or timezone.now()
    return Coupon.objects.filter(
        Q(status=Coupon.Status.UNUSED) & Q(valid_until__lte=now - timedelta(days=180))
    ).update(status=Coupon.Status.VOID)
