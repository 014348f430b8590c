"""Reads of coupons: the coupon center (public coupons that can be claimed now), what a buyer holds, and the
numbers a merchant sees of one coupon.
"""

from django.db.models import Q
from django.utils import timezone

from wanshang.marketing.models import Coupon, Promotion
from wanshang.marketing.promotions.selectors import promotion_get, running_q
from wanshang.marketing.steps.context import in_scope
from wanshang.marketing.steps.discounts import coupon_label
from wanshang.marketing.types import Kind
from wanshang.pricing.types import PricedLine


def coupon_center(
    *, shop=None, platform_only: bool = False, now=None, product=None, sku=None
) -> list[Promotion]:
    """Public coupons that can be claimed now and are not all gone (shop=None: every shop and the platform)."""
    now = now or timezone.now()
    qs = Promotion.objects.filter(running_q(now), kind=Kind.COUPON).select_related("shop")
    if platform_only:
        qs = qs.filter(shop__isnull=True)
    elif shop is not None:
        qs = qs.filter(Q(shop=shop) | Q(shop__isnull=True))
    out = []
    for promo in qs.order_by("ends_at", "id")[:200]:
        if not promo.config.get("public", True):
            continue
        if promo.total_quantity and promo.issued_count >= promo.total_quantity:
            continue
        if product is not None and sku is not None:
            if not in_scope(promo, PricedLine(sku=sku, product=product, quantity=1, unit_price_fen=0)):
                continue
        promo.label = coupon_label(promo)
        out.append(promo)
    return out


def claimed_counts(*, buyer, promotion_ids) -> dict[int, int]:
    if not getattr(buyer, "is_authenticated", False):
        return {}
    out: dict[int, int] = {}
    for pid in Coupon.objects.filter(buyer=buyer, promotion_id__in=list(promotion_ids)).values_list(
        "promotion_id", flat=True
    ):
        out[pid] = out.get(pid, 0) + 1
    return out


def my_coupons(*, buyer, state: str = "unused", now=None) -> list[Coupon]:
    """The buyer's coupons: unused (still valid), used, or expired."""
    now = now or timezone.now()
    qs = Coupon.objects.filter(buyer=buyer).select_related("promotion", "shop")
    if state == "used":
        qs = qs.filter(status=Coupon.Status.USED).order_by("-used_at")
    elif state == "expired":
        qs = qs.filter(status__in=[Coupon.Status.UNUSED, Coupon.Status.VOID], valid_until__lte=now).order_by(
            "-valid_until"
        )
    else:
        qs = qs.filter(status=Coupon.Status.UNUSED, valid_until__gt=now).order_by("valid_until")
    out = list(qs[:200])
    for c in out:
        c.label = coupon_label(c.promotion)
    return out


def coupon_stats(*, shop, promotion_id) -> dict:
    promo = promotion_get(shop=shop, promotion_id=promotion_id)
    return {"issued": promo.issued_count, "used": promo.used_count, "total": promo.total_quantity}
