"""Shop staff: invite, change role, remove (never the owner), and the one permission table behind them."""

import pytest

from wanshang.common.errors import NotFound, PermissionDenied, ValidationError
from wanshang.merchants import permissions as perms
from wanshang.merchants.selectors import STAFF_ROLES, staff_for_user, staff_list, staff_require
from wanshang.merchants.services import operator_grant, staff_add, staff_change_role, staff_remove

pytestmark = pytest.mark.django_db


def _roles(shop):
    return {m.user_id: m.role for m in staff_list(shop=shop)}


# --- invite -------------------------------------------------------------------------------------------------


def test_staff_add_invites_a_registered_user_by_phone_or_email(shop, make_user):
    # given two registered users, one by phone and one by e-mail
    by_phone, by_email = make_user(), make_user(login="kefu@example.com")

    # when the owner adds them (the e-mail typed in capitals)
    staff_add(shop=shop, login=f" {by_phone.phone} ", role="warehouse")
    staff_add(shop=shop, login="KEFU@example.com", role="service")

    # then they work for the shop with those roles, next to the owner
    assert _roles(shop) == {shop.owner.pk: "owner", by_phone.pk: "warehouse", by_email.pk: "service"}
    assert staff_require(user=by_phone).shop_id == shop.pk


@pytest.mark.parametrize("role", ["owner", "boss", ""])
def test_staff_add_refuses_the_owner_role_and_unknown_roles(shop, make_user, role):
    user = make_user()
    with pytest.raises(ValidationError) as exc:
        staff_add(shop=shop, login=user.phone, role=role)
    assert exc.value.field == "role"
    assert staff_for_user(user=user) is None


def test_staff_add_refuses_someone_not_registered(shop):
    with pytest.raises(ValidationError, match="先让对方注册") as exc:
        staff_add(shop=shop, login="13700000000", role="service")
    assert exc.value.field == "login"
    assert list(_roles(shop).values()) == ["owner"]


def test_staff_add_refuses_a_platform_operator(shop, operator):
    with pytest.raises(ValidationError, match="平台运营账号"):
        staff_add(shop=shop, login=operator.phone, role="service")
    assert staff_for_user(user=operator) is None


def test_a_user_works_for_one_shop_only(shop, make_shop, make_user):
    # given someone already on this shop's staff
    user = make_user()
    staff_add(shop=shop, login=user.phone, role="service")

    # when this shop adds them again, or another shop adds them, then refused
    for target in (shop, make_shop()):
        with pytest.raises(ValidationError, match="已是商家员工"):
            staff_add(shop=target, login=user.phone, role="finance")

    # and they still work for the first shop as before
    member = staff_for_user(user=user)
    assert (member.shop_id, member.role) == (shop.pk, "service")


# --- change role and remove -------------------------------------------------------------------------------------


def test_staff_change_role_gives_a_member_another_role(shop, make_staff):
    user = make_staff(shop, "service")
    member = staff_for_user(user=user)

    staff_change_role(shop=shop, staff_id=member.pk, role="operations")

    assert staff_require(user=user, perm=perms.PRODUCT_EDIT).role == "operations"


def test_the_owner_can_be_neither_changed_nor_removed(shop):
    with pytest.raises(PermissionDenied, match="不能修改店主"):
        staff_change_role(shop=shop, staff_id=shop.owner_staff.pk, role="service")
    with pytest.raises(PermissionDenied, match="不能修改店主"):
        staff_remove(shop=shop, staff_id=shop.owner_staff.pk)
    assert staff_for_user(user=shop.owner).role == "owner"


def test_no_one_is_made_owner_by_a_role_change(shop, make_staff):
    member = staff_for_user(user=make_staff(shop, "service"))
    for role in ("owner", "admin"):
        with pytest.raises(ValidationError):
            staff_change_role(shop=shop, staff_id=member.pk, role=role)
    assert _roles(shop)[member.user_id] == "service"


def test_another_shops_staff_cannot_be_changed_or_removed(shop, make_shop, make_staff):
    # given a member of another shop's staff
    other = make_shop()
    theirs = staff_for_user(user=make_staff(other, "service"))

    # when this shop changes or removes them, then not found and unchanged
    with pytest.raises(NotFound):
        staff_change_role(shop=shop, staff_id=theirs.pk, role="finance")
    with pytest.raises(NotFound):
        staff_remove(shop=shop, staff_id=theirs.pk)
    assert _roles(other)[theirs.user_id] == "service"


def test_staff_remove_takes_away_access_to_the_seller_center(shop, make_staff):
    # given a member of staff
    user = make_staff(shop, "warehouse")

    # when removed
    staff_remove(shop=shop, staff_id=staff_for_user(user=user).pk)

    # then they cannot enter the seller center and may apply for a shop of their own later
    with pytest.raises(PermissionDenied, match="不是商家员工"):
        staff_require(user=user)
    assert user.pk not in _roles(shop)


def test_staff_list_holds_only_the_shops_own_staff(shop, make_shop, make_staff):
    mine = make_staff(shop, "finance")
    other = make_shop()
    make_staff(other, "finance")

    assert set(_roles(shop)) == {shop.owner.pk, mine.pk}


# --- staff_require and the permission table ----------------------------------------------------------------------


def test_staff_require_refuses_a_buyer_an_operator_and_a_visitor(buyer, operator):
    from django.contrib.auth.models import AnonymousUser

    for user in (buyer, operator, AnonymousUser()):
        with pytest.raises(PermissionDenied, match="不是商家员工"):
            staff_require(user=user)


def test_staff_require_names_the_role_and_the_missing_permission(shop, make_staff):
    user = make_staff(shop, "warehouse")

    with pytest.raises(PermissionDenied) as exc:
        staff_require(user=user, perm=perms.PRICE_EDIT)

    assert "仓库" in exc.value.message and "修改价格" in exc.value.message
    assert staff_require(user=user, perm=perms.ORDER_SHIP).role == "warehouse"


def test_an_inactive_member_of_staff_is_not_let_in(shop, make_staff):
    from wanshang.merchants.models import ShopStaff

    user = make_staff(shop, "service")
    ShopStaff.objects.filter(user=user).update(is_active=False)

    with pytest.raises(PermissionDenied):
        staff_require(user=user)


P = perms
ROLE_TABLE = {
    #              product price stock  o.view o.ship refund finance freight shop  staff  mkt   data  review
    #              store.edit pickup.verify service.handle service.manage ads.manage health.handle inbox.read
    "owner": (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
    "operations": (1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1),
    "service": (0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1),
    "warehouse": (0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    "finance": (0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1),
    "store": (
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
    ),  # 门店: only 核销, at their own stores (no inbox: its messages are the shop's rules and risks)
}
COLUMNS = (
    P.PRODUCT_EDIT,
    P.PRICE_EDIT,
    P.STOCK_EDIT,
    P.ORDER_VIEW,
    P.ORDER_SHIP,
    P.REFUND_HANDLE,
    P.FINANCE_VIEW,
    P.FREIGHT_EDIT,
    P.SHOP_EDIT,
    P.STAFF_MANAGE,
    P.MARKETING,
    P.DATA_VIEW,
    P.REVIEW_HANDLE,
    P.STORE_EDIT,
    P.PICKUP_VERIFY,
    P.SERVICE_HANDLE,
    P.SERVICE_MANAGE,
    P.ADS_MANAGE,
    P.HEALTH_HANDLE,
    P.INBOX_READ,
)


@pytest.mark.parametrize("role", sorted(ROLE_TABLE))
def test_each_role_has_exactly_the_permissions_of_the_table(role):
    granted = {perm for perm, allowed in zip(COLUMNS, ROLE_TABLE[role], strict=True) if allowed}
    assert {perm for perm in COLUMNS if perms.role_can(role, perm)} == granted


def test_the_table_covers_every_role_and_every_permission_and_nothing_else():
    assert set(COLUMNS) == perms.ALL == set(perms.LABELS)
    assert set(ROLE_TABLE) == {value for value, _label in STAFF_ROLES}
    assert not any(perms.role_can(role, perm) for role in ("", "buyer", None) for perm in COLUMNS)


# --- platform operators ----------------------------------------------------------------------------------------


def test_operator_grant_makes_a_user_staff_but_never_a_shop_employee(shop, make_user):
    user = make_user()
    assert operator_grant(user=user) is user
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert operator_grant(user=user, superuser=True).is_superuser

    with pytest.raises(ValidationError) as exc:
        operator_grant(user=shop.owner)
    assert exc.value.field == "user"
    shop.owner.refresh_from_db()
    assert not shop.owner.is_staff
