"""Clicks on tracking links and the attribution of a paid order to the last click (docs/affiliates.md)."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from wanshang.affiliates.conf import conf
from wanshang.affiliates.models import Click, CommissionPlan, Link, Promoter


def _landing_link(*, code: str, product_id, shop_id):
    """The live link a `?aff=<code>` page view came through: a known code of a promoter still approved, whose
    target is this page (its product, or any page of its shop for a shop link). None otherwise."""
    code = (code or "").strip()[:16]
    if not code:
        return None
    link = Link.objects.select_related("promoter").filter(code=code).first()
    if link is None or link.promoter.status != Promoter.Status.APPROVED:
        return None
    if link.product_id is not None and product_id != link.product_id:
        return None
    if shop_id is not None and shop_id != link.shop_id:
        return None
    return link


def click_land(
    *, code: str, visitor: str, user_id: int | None = None, product_id=None, shop_id=None, now=None
) -> tuple[bool, Click | None]:
    """A storefront page (or the JSON API's product) was opened with `?aff=<code>`: (whether the code is a live
    link to this page — the visit is 淘宝客 traffic —, the click recorded or None). A click is kept once per
    visitor and link within the dedupe window (AFFILIATE_CLICK_DEDUPE_MINUTES); none without a visitor."""
    link = _landing_link(code=code, product_id=product_id, shop_id=shop_id)
    if link is None:
        return False, None
    if not (visitor or user_id):
        return True, None
    now = now or timezone.now()
    visitor = visitor or f"u{user_id}"
    since = now - timedelta(minutes=conf("CLICK_DEDUPE_MINUTES"))
    if Click.objects.filter(link=link, visitor=visitor, at__gt=since, at__lte=now).exists():
        return True, None
    click = Click.objects.create(
        link=link,
        promoter=link.promoter,
        shop_id=link.shop_id,
        product_id=link.product_id,
        visitor=visitor,
        user_id=user_id,
        at=now,
    )
    return True, click


def click_record(
    *, code: str, visitor: str, user_id: int | None = None, product_id=None, shop_id=None, now=None
):
    """A storefront page was opened with `?aff=<code>`: keep one click per visitor and link within the dedupe
    window (AFFILIATE_CLICK_DEDUPE_MINUTES). The page must be the link's target (its product, or any page of
    its shop for a shop link). Returns the click, or None when nothing was recorded (unknown code, a
    promoter no longer approved, no visitor, another page, a repeat)."""
    return click_land(
        code=code, visitor=visitor, user_id=user_id, product_id=product_id, shop_id=shop_id, now=now
    )[1]


def clicks_forget(*, user_id: int, visitors) -> int:
    """A buyer's data deletion (insights.privacy, through `BuyerDataDeleted`): their clicks stay — a
    commission still points at its click, and the promoter's click counts must not change — but lose the
    user and the browser they came from. Returns the clicks unlinked."""
    who = Q(user_id=user_id)
    visitors = [v for v in visitors if v]
    if visitors:
        who |= Q(visitor__in=visitors)
    return Click.objects.filter(who).update(user_id=None, visitor="")


def last_click(*, shop_id: int, visitor: str, buyer_id: int, at):
    """The last click on a link of this shop by the order's visitor (or its buyer, logged in when clicking)
    within the attribution window before `at`, from a promoter still approved; None without one."""
    since = at - timedelta(days=conf("WINDOW_DAYS"))
    who = Q(user_id=buyer_id)
    if visitor:
        who |= Q(visitor=visitor)
    return (
        Click.objects.filter(
            who, shop_id=shop_id, at__gte=since, at__lte=at, promoter__status=Promoter.Status.APPROVED
        )
        .select_related("promoter")
        .order_by("-at", "-id")
        .first()
    )


def rates_for(*, shop_id: int, promoter_id: int, product_ids) -> dict[int, tuple[str, int]]:
    """product id → (plan kind, rate bps) this promoter earns on it: an accepted targeted plan, else the
    product's own rate, else the shop-wide rate. Products with no plan are left out (no commission)."""
    plans = CommissionPlan.objects.filter(shop_id=shop_id, status=CommissionPlan.Status.ACTIVE).filter(
        Q(kind=CommissionPlan.Kind.SHOP)
        | Q(kind=CommissionPlan.Kind.PRODUCT, product_id__in=list(product_ids))
        | Q(kind=CommissionPlan.Kind.TARGETED, promoter_id=promoter_id)
    )
    shop_rate = targeted = None
    per_product: dict[int, int] = {}
    for plan in plans:
        if plan.kind == CommissionPlan.Kind.SHOP:
            shop_rate = plan.rate_bps
        elif plan.kind == CommissionPlan.Kind.TARGETED:
            targeted = plan.rate_bps
        else:
            per_product[plan.product_id] = plan.rate_bps
    out = {}
    for pid in product_ids:
        if targeted is not None:
            out[pid] = (CommissionPlan.Kind.TARGETED, targeted)
        elif pid in per_product:
            out[pid] = (CommissionPlan.Kind.PRODUCT, per_product[pid])
        elif shop_rate is not None:
            out[pid] = (CommissionPlan.Kind.SHOP, shop_rate)
    return out
