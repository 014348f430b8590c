from django.conf import settings
from django.db.models import Count, Q

from wanshang.common.errors import NotFound, PermissionDenied
from wanshang.merchants.models import (
    CommissionRate,
    MerchantApplication,
    SanctionKind,
    Shop,
    ShopSanction,
    ShopStaff,
)
from wanshang.merchants.permissions import LABELS, role_can


def staff_for_user(*, user) -> ShopStaff | None:
    """The active staff membership of a logged-in user, or None (buyers, operators)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ShopStaff.objects.select_related("shop").filter(user=user, is_active=True).first()


def staff_require(*, user, perm: str | None = None) -> ShopStaff:
    """The seller-side entry: the staff membership that scopes every seller query.

    Raises PermissionDenied when the user is not shop staff or the role lacks `perm`.
    """
    staff = staff_for_user(user=user)
    if staff is None:
        raise PermissionDenied("该账号不是商家员工，无法进入卖家中心")
    if perm and not role_can(staff.role, perm):
        raise PermissionDenied(f"你的角色（{staff.get_role_display()}）没有“{LABELS.get(perm, perm)}”权限")
    return staff


def staff_list(*, shop) -> list[ShopStaff]:
    return list(ShopStaff.objects.for_shop(shop).select_related("user"))


def shop_get_public(*, slug: str) -> Shop:
    shop = Shop.objects.filter(slug=slug, status=Shop.Status.OPEN).first()
    if shop is None:
        raise NotFound("店铺不存在或已暂停营业")
    return shop


def shop_get(*, shop_id: int) -> Shop:
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        raise NotFound("店铺不存在")
    return shop


def shop_list(*, status: str | None = None, q: str = ""):
    qs = Shop.objects.all()
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(company_name__icontains=q))
    return qs


def shop_list_open():
    return Shop.objects.filter(status=Shop.Status.OPEN)


def application_list(*, status: str | None = None):
    qs = MerchantApplication.objects.select_related("applicant", "shop").prefetch_related("categories")
    return qs.filter(status=status) if status else qs


def application_get(*, application_id: int) -> MerchantApplication:
    app = application_list().filter(pk=application_id).first()
    if app is None:
        raise NotFound("入驻申请不存在")
    return app


def applications_of_user(*, user) -> list[MerchantApplication]:
    return list(application_list().filter(applicant=user))


def commission_bps_for_category(*, category) -> int:
    """Commission of the nearest category up the tree with a rate, else the platform default."""
    node = category
    while node is not None:
        rate = CommissionRate.objects.filter(category_id=node.pk).values_list("rate_bps", flat=True).first()
        if rate is not None:
            return rate
        node = node.parent
    return settings.WANSHANG["DEFAULT_COMMISSION_BPS"]


def commission_rate_list():
    return CommissionRate.objects.select_related("category").order_by("category__path")


# --- platform (operators) ---------------------------------------------------------------------------------

APPLICATION_STATUSES = MerchantApplication.Status.choices
SHOP_STATUSES = Shop.Status.choices


def application_status_counts() -> dict[str, int]:
    """Applications per status, for the review tabs."""
    rows = MerchantApplication.objects.values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in MerchantApplication.Status.values}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def shop_status_counts() -> dict[str, int]:
    rows = Shop.objects.values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in Shop.Status.values}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def shop_application(*, shop) -> MerchantApplication | None:
    """The application a shop was opened from (None for shops created otherwise)."""
    return application_list().filter(shop=shop).first()


# Staff roles (value, 中文) for seller-center forms; the owner role is never given through them.
STAFF_ROLES = list(ShopStaff._meta.get_field("role").choices)


def shop_category_ids(*, shop) -> set[int]:
    """The categories a shop was approved for (its 经营类目, at any level); empty means no limit."""
    return set(shop.categories.values_list("pk", flat=True))


def shops_main_category() -> dict[int, int]:
    """{shop id: its main category} for open shops: the first (lowest id) of its 经营类目."""
    rows = (
        Shop.categories.through.objects.filter(shop__status=Shop.Status.OPEN)
        .values_list("shop_id", "category_id")
        .order_by("shop_id", "category_id")
    )
    main: dict[int, int] = {}
    for shop_id, category_id in rows:
        main.setdefault(shop_id, category_id)
    return main


def shops_by_ids(*, ids) -> dict[int, Shop]:
    return {s.pk: s for s in Shop.objects.filter(pk__in=list(ids))}


SANCTION_LABELS = dict(SanctionKind.choices)


def shop_sanctions(*, shop_id: int) -> frozenset[str]:
    """The sanctions standing on a shop (`SanctionKind` values: search_demote, no_campaign, no_ads, suspend)."""
    return frozenset(ShopSanction.objects.filter(shop_id=shop_id).values_list("kind", flat=True))


def shops_sanctions(*, shop_ids) -> dict[int, frozenset[str]]:
    """The batch form: shop id → its sanctions (shops without any are left out)."""
    out: dict[int, set[str]] = {}
    for shop_id, kind in ShopSanction.objects.filter(shop_id__in=list(shop_ids)).values_list(
        "shop_id", "kind"
    ):
        out.setdefault(shop_id, set()).add(kind)
    return {k: frozenset(v) for k, v in out.items()}


def shops_with_sanction(*, kind: str) -> set[int]:
    """Every shop under this sanction (ads leaves their plans out of serving)."""
    return set(ShopSanction.objects.filter(kind=kind).values_list("shop_id", flat=True))


def sanction_list(*, shop_id: int | None = None) -> list[ShopSanction]:
    qs = ShopSanction.objects.select_related("shop")
    return list(qs.filter(shop_id=shop_id) if shop_id is not None else qs)
