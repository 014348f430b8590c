"""Reads of 淘宝客: the promoter center's, the seller center's (always through the shop) and the platform's."""

from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from wanshang.affiliates.conf import conf
from wanshang.affiliates.models import Clawback, Click, Commission, CommissionPlan, Link, Promoter, Withdrawal
from wanshang.affiliates.rules import estimate_per_item
from wanshang.affiliates.tracking import rates_for
from wanshang.affiliates.withdrawals import balance_of
from wanshang.catalog.selectors import product_search
from wanshang.common.errors import NotFound, PermissionDenied

PROMOTER_STATUS_LABELS = dict(Promoter.Status.choices)
COMMISSION_STATUS_LABELS = dict(Commission.Status.choices)
WITHDRAWAL_STATUS_LABELS = dict(Withdrawal.Status.choices)
PLAN_KIND_LABELS = dict(CommissionPlan.Kind.choices)


def settings_view() -> dict[str, int]:
    """The program's settings, as the pages explain them."""
    keys = (
        "WINDOW_DAYS",
        "FREEZE_DAYS",
        "MIN_RATE_BPS",
        "MAX_RATE_BPS",
        "SERVICE_FEE_BPS",
        "WITHDRAW_MIN_FEN",
    )
    return {key.lower(): conf(key) for key in keys}


# --- promoter center -------------------------------------------------------------------------------------------


def promoter_of(*, user) -> Promoter | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Promoter.objects.filter(user=user).first()


def promoter_require(*, user) -> Promoter:
    """The caller's approved promoter profile; PermissionDenied (403) with the reason otherwise."""
    promoter = promoter_of(user=user)
    if promoter is None:
        raise PermissionDenied("你还不是达人，请先提交达人申请")
    if promoter.status != Promoter.Status.APPROVED:
        raise PermissionDenied(f"你的达人申请{promoter.get_status_display()}，通过审核后才能使用达人中心")
    return promoter


def promoter_balance(*, promoter) -> dict[str, int]:
    return balance_of(promoter.pk)


def promoter_summary(*, promoter) -> dict:
    """Clicks, attributed orders, earnings by state and the withdrawable balance."""
    by_state = {s: 0 for s in Commission.Status.values}
    orders = 0
    for row in (
        Commission.objects.filter(promoter=promoter)
        .values("status")
        .annotate(e=Sum("earning_fen"), n=Count("id"))
    ):
        by_state[row["status"]] = row["e"] or 0
        if row["status"] != Commission.Status.INVALID:
            orders += row["n"]
    return {
        "clicks": Click.objects.filter(promoter=promoter).count(),
        "orders": orders,
        "earnings": by_state,
        "balance": balance_of(promoter.pk),
    }


def promotable_products(*, promoter, q: str = ""):
    """Products on sale that pay this promoter a commission: those of shops with a shop-wide rate or an accepted
    targeted plan for them, and products with their own rate. A queryset; `decorate_rates` adds the rates."""
    plans = CommissionPlan.objects.filter(status=CommissionPlan.Status.ACTIVE)
    shop_ids = plans.filter(
        Q(kind=CommissionPlan.Kind.SHOP) | Q(kind=CommissionPlan.Kind.TARGETED, promoter=promoter)
    )
    product_ids = plans.filter(kind=CommissionPlan.Kind.PRODUCT).values("product_id")
    return product_search(q=q).filter(Q(shop_id__in=shop_ids.values("shop_id")) | Q(pk__in=product_ids))


def decorate_rates(products, *, promoter) -> list:
    """Each product gets `.aff_kind`, `.aff_rate_bps` and `.aff_estimate_fen` (the promoter's earning on one item at
    its lowest price, after the platform's fee)."""
    products = list(products)
    by_shop = defaultdict(list)
    for product in products:
        by_shop[product.shop_id].append(product)
    fee = conf("SERVICE_FEE_BPS")
    for shop_id, items in by_shop.items():
        rates = rates_for(shop_id=shop_id, promoter_id=promoter.pk, product_ids=[p.pk for p in items])
        for product in items:
            kind, rate = rates.get(product.pk, ("", 0))
            product.aff_kind, product.aff_rate_bps = kind, rate
            product.aff_estimate_fen = estimate_per_item(
                price_fen=product.min_price_fen, rate_bps=rate, fee_bps=fee
            )
    return products


def promoter_links(*, promoter):
    orders = (
        Commission.objects.filter(click__link=OuterRef("pk"))
        .exclude(status=Commission.Status.INVALID)
        .values("click__link")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Link.objects.filter(promoter=promoter)
        .select_related("shop", "product")
        .annotate(
            click_count=Count("clicks", distinct=True),
            order_count=Coalesce(Subquery(orders, output_field=IntegerField()), Value(0)),
        )
        .order_by("-id")
    )


def promoter_commissions(*, promoter, status: str = ""):
    rows = Commission.objects.filter(promoter=promoter).select_related("shop", "order")
    if status in Commission.Status.values:
        rows = rows.filter(status=status)
    return rows


def promoter_clawbacks(*, promoter):
    return Clawback.objects.filter(promoter=promoter).select_related("commission__order")


def promoter_withdrawals(*, promoter):
    return Withdrawal.objects.filter(promoter=promoter)


def promoter_invitations(*, promoter):
    return CommissionPlan.objects.filter(promoter=promoter, kind=CommissionPlan.Kind.TARGETED).select_related(
        "shop"
    )


# --- seller center ---------------------------------------------------------------------------------------------


def seller_plans(*, shop) -> dict:
    """The shop's plans: its shop-wide plan (or None), its product plans and its targeted plans."""
    plans = list(CommissionPlan.objects.for_shop(shop).select_related("product", "promoter"))
    return {
        "shop_plan": next((p for p in plans if p.kind == CommissionPlan.Kind.SHOP), None),
        "product_plans": [p for p in plans if p.kind == CommissionPlan.Kind.PRODUCT],
        "targeted_plans": [p for p in plans if p.kind == CommissionPlan.Kind.TARGETED],
    }


def seller_plan_get(*, shop, plan_id: int) -> CommissionPlan:
    plan = (
        CommissionPlan.objects.for_shop(shop).select_related("product", "promoter").filter(pk=plan_id).first()
    )
    if plan is None:
        raise NotFound("佣金计划不存在")
    return plan


def seller_promoter_results(*, shop) -> list[dict]:
    """Per promoter who brought the shop clicks or orders: clicks, orders, GMV (the commission base: paid for
    the items, less refunds) and the commission — invalid commissions left out. Highest GMV first."""
    rows: dict[int, dict] = {}

    def row(pid, name, code):
        return rows.setdefault(
            pid,
            {
                "promoter_id": pid,
                "name": name,
                "code": code,
                "clicks": 0,
                "orders": 0,
                "gmv_fen": 0,
                "commission_fen": 0,
            },
        )

    clicks = Click.objects.for_shop(shop).values("promoter_id", "promoter__name", "promoter__code")
    for r in clicks.annotate(n=Count("id")):
        row(r["promoter_id"], r["promoter__name"], r["promoter__code"])["clicks"] = r["n"]
    sales = (
        Commission.objects.for_shop(shop)
        .exclude(status=Commission.Status.INVALID)
        .values("promoter_id", "promoter__name", "promoter__code")
        .annotate(n=Count("id"), gmv=Sum("base_fen"), fee=Sum("amount_fen"))
    )
    for r in sales:
        out = row(r["promoter_id"], r["promoter__name"], r["promoter__code"])
        out.update(orders=r["n"], gmv_fen=r["gmv"] or 0, commission_fen=r["fee"] or 0)
    return sorted(rows.values(), key=lambda r: (-r["gmv_fen"], -r["clicks"], r["promoter_id"]))


def seller_commissions(*, shop):
    return Commission.objects.for_shop(shop).select_related("order", "promoter")


def approved_promoters(*, q: str = ""):
    """Approved promoters a shop may invite: their public profile (name, code, channels, audience)."""
    rows = Promoter.objects.filter(status=Promoter.Status.APPROVED)
    q = (q or "").strip()
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(code=q) | Q(channels__icontains=q))
    return rows


# --- platform --------------------------------------------------------------------------------------------------


def platform_promoters(*, status: str = ""):
    rows = Promoter.objects.select_related("user")
    return rows.filter(status=status) if status in Promoter.Status.values else rows


def platform_withdrawals(*, status: str = ""):
    rows = Withdrawal.objects.select_related("promoter")
    return rows.filter(status=status) if status in Withdrawal.Status.values else rows


def platform_figures() -> dict:
    """The program at a glance: promoters waiting, withdrawals waiting, commissions by state, fees earned."""
    by_state = {
        r["status"]: {"n": r["n"], "amount_fen": r["a"] or 0, "fee_fen": r["f"] or 0}
        for r in Commission.objects.values("status").annotate(
            n=Count("id"), a=Sum("amount_fen"), f=Sum("fee_fen")
        )
    }
    return {
        "pending_promoters": Promoter.objects.filter(status=Promoter.Status.PENDING).count(),
        "approved_promoters": Promoter.objects.filter(status=Promoter.Status.APPROVED).count(),
        "pending_withdrawals": Withdrawal.objects.filter(status=Withdrawal.Status.PENDING).count(),
        "by_state": by_state,
        "clicks": Click.objects.count(),
    }
