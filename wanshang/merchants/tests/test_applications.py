"""入驻申请: submit, approve (opens the shop with its owner, warehouse and freight template), reject."""

import pytest

from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.merchants.selectors import (
    application_get,
    applications_of_user,
    shop_get,
    staff_for_user,
    staff_require,
)
from wanshang.merchants.services import application_approve, application_reject
from wanshang.merchants.tests.conftest import VALID_CREDIT_CODE
from wanshang.merchants.validators import credit_code_is_valid

pytestmark = pytest.mark.django_db


# --- the credit code ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        VALID_CREDIT_CODE,
        "91110108MA01ABCD0B",
        "91310000X07212345G",
        "12100000400000123X",
        " 91110108ma01abcd0b ",
    ],
)
def test_credit_code_with_a_good_check_character_is_valid(code):
    assert credit_code_is_valid(code)


@pytest.mark.parametrize(
    "code",
    [
        "91110108MA01ABCD0A",  # wrong check character
        "91350100M000100Y44",  # wrong check character
        "91110108MA01ABCD0",  # 17 characters
        "91110108MA01ABCD0BB",  # 19 characters
        "9111010XMA01ABCD0B",  # a letter where the region code's digits go
        "91110108MA01ABCDOB",  # O is not in the code's alphabet
        "",
    ],
)
def test_credit_code_with_a_bad_shape_or_check_character_is_invalid(code):
    assert not credit_code_is_valid(code)


# --- submit -----------------------------------------------------------------------------------------------------


def test_application_submit_records_a_pending_application_with_its_categories(
    make_user, make_category, apply
):
    # given a buyer and a top-level category
    user = make_user()
    top = make_category().parent.parent

    # when they apply with a lower-case, padded credit code
    app = apply(
        user=user, credit_code=" 91110108ma01abcd0b ", shop_name="  小米之家  ", category_ids=[top.pk]
    )

    # then a pending application is recorded, cleaned
    app = application_get(application_id=app.pk)
    assert app.status == "pending" and app.applicant_id == user.pk
    assert (app.credit_code, app.shop_name) == ("91110108MA01ABCD0B", "小米之家")
    assert [c.pk for c in app.categories.all()] == [top.pk]
    assert applications_of_user(user=user) == [app]


def test_application_submit_refuses_a_credit_code_with_a_wrong_check_character(make_user, apply):
    user = make_user()
    with pytest.raises(ValidationError) as exc:
        apply(user=user, credit_code="91350100M000100Y44")
    assert exc.value.field == "credit_code" and "校验位" in exc.value.message
    assert applications_of_user(user=user) == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("company_name", "公"),
        ("company_name", "公" * 101),
        ("contact_name", " "),
        ("contact_name", "名" * 41),
        ("contact_phone", "1390000"),
        ("contact_phone", "23900001111"),
        ("shop_name", "店"),
        ("shop_name", "店" * 61),
        ("category_ids", []),
        ("category_ids", [987654]),
    ],
)
def test_application_submit_refuses_bad_fields(make_user, apply, field, value):
    user = make_user()
    with pytest.raises(ValidationError) as exc:
        apply(user=user, **{field: value})
    assert exc.value.field == field
    assert applications_of_user(user=user) == []


def test_application_submit_refuses_a_second_pending_application(make_user, apply):
    # given a pending application
    user = make_user()
    apply(user=user)

    # when the same person applies again, then refused
    with pytest.raises(Conflict, match="待审核"):
        apply(user=user)
    assert len(applications_of_user(user=user)) == 1


def test_a_rejected_applicant_may_apply_again(make_user, operator, apply):
    user = make_user()
    first = apply(user=user)
    application_reject(application_id=first.pk, reviewer=operator, reason="资料不全")

    second = apply(user=user)

    assert second.status == "pending" and len(applications_of_user(user=user)) == 2


def test_application_submit_refuses_a_shop_name_already_taken(make_user, make_shop, apply):
    # given an open shop called 万商旗舰店
    make_shop(name="万商旗舰店")
    user = make_user()

    # when someone applies for a shop of that name, then refused on the name
    with pytest.raises(ValidationError) as exc:
        apply(user=user, shop_name="万商旗舰店")
    assert exc.value.field == "shop_name"
    assert applications_of_user(user=user) == []


def test_application_submit_refuses_someone_who_already_works_for_a_shop(shop, make_user, make_staff, apply):
    # given the owner of a shop and a member of its staff
    for user in (shop.owner, make_staff(shop, "service")):
        before = applications_of_user(user=user)  # the owner's approved one; none for the staff member

        # when they apply to open a shop, then refused
        with pytest.raises(Conflict, match="已是商家员工"):
            apply(user=user)
        assert applications_of_user(user=user) == before


# --- approve ------------------------------------------------------------------------------------------------------


def test_application_approve_opens_the_shop_with_its_owner_warehouse_and_freight_template(
    make_user, make_category, operator, apply, django_capture_on_commit_callbacks
):
    # given a pending application for one category
    from wanshang.fulfillment.selectors import freight_template_list
    from wanshang.inventory.selectors import warehouse_list

    user = make_user()
    top = make_category().parent.parent
    app = apply(user=user, company_name="杭州万商科技有限公司", shop_name="万商小店", category_ids=[top.pk])

    # when an operator approves it
    with django_capture_on_commit_callbacks(execute=True):
        shop = application_approve(application_id=app.pk, reviewer=operator)

    # then the shop is open under the applicant's company with the applied categories …
    shop = shop_get(shop_id=shop.pk)
    assert (shop.name, shop.company_name, shop.credit_code, shop.status) == (
        "万商小店",
        "杭州万商科技有限公司",
        VALID_CREDIT_CODE,
        "open",
    )
    assert [c.pk for c in shop.categories.all()] == [top.pk]
    # … the applicant is its owner with every permission …
    owner = staff_require(user=user, perm="staff.manage")
    assert (owner.shop_id, owner.role) == (shop.pk, "owner")
    # … it has one default warehouse and one default freight template (¥10 first piece, ¥5 more, free from ¥99) …
    (warehouse,) = warehouse_list(shop=shop)
    assert warehouse.is_default
    (template,) = freight_template_list(shop=shop)
    assert template.is_default
    assert (template.first_fen, template.additional_fen, template.free_threshold_fen) == (1000, 500, 9900)
    # … and the application says who approved it and which shop it opened
    app = application_get(application_id=app.pk)
    assert (app.status, app.reviewed_by_id, app.shop_id) == ("approved", operator.pk, shop.pk)
    assert app.reviewed_at is not None


def test_application_approve_uses_the_given_slug_or_makes_a_unique_one(operator, apply):
    first = application_approve(application_id=apply().pk, reviewer=operator, slug="wanshang-store")
    second = application_approve(application_id=apply().pk, reviewer=operator)
    third = application_approve(application_id=apply().pk, reviewer=operator)

    assert first.slug == "wanshang-store"
    assert second.slug.startswith("shop-") and len({first.slug, second.slug, third.slug}) == 3


def test_application_approve_refuses_a_slug_already_used_on_the_slug_not_the_name(operator, apply):
    # given a shop at /shop/wanshang-store/
    application_approve(application_id=apply().pk, reviewer=operator, slug="wanshang-store")
    app = apply()

    # when another application is approved with the same slug
    with pytest.raises(ValidationError) as exc:
        application_approve(application_id=app.pk, reviewer=operator, slug="wanshang-store")

    # then the operator is told the slug is taken (the name is fine: no reason to reject), and it stays pending
    assert exc.value.field == "slug" and "标识" in exc.value.message
    assert application_get(application_id=app.pk).status == "pending"


@pytest.mark.parametrize("slug", ["wanshang store", "万商", "shop/1", "a.b", "x" * 61])
def test_application_approve_refuses_a_slug_a_shop_address_cannot_use(operator, apply, slug):
    # given a slug that the shop's address (/shop/<slug>/) cannot hold
    app = apply()

    with pytest.raises(ValidationError) as exc:
        application_approve(application_id=app.pk, reviewer=operator, slug=slug)

    assert exc.value.field == "slug"
    assert application_get(application_id=app.pk).status == "pending"


def test_a_decided_application_cannot_be_decided_again(operator, apply):
    # given one approved and one rejected application
    approved, rejected = apply(), apply()
    application_approve(application_id=approved.pk, reviewer=operator)
    application_reject(application_id=rejected.pk, reviewer=operator, reason="资料不全")

    # when either is approved or rejected again, then refused
    for app in (approved, rejected):
        with pytest.raises(Conflict, match="不能重复审核"):
            application_approve(application_id=app.pk, reviewer=operator)
        with pytest.raises(Conflict, match="不能重复审核"):
            application_reject(application_id=app.pk, reviewer=operator, reason="再驳回一次")

    # and they are as decided the first time
    assert application_get(application_id=approved.pk).status == "approved"
    assert application_get(application_id=rejected.pk).reject_reason == "资料不全"


def test_application_approve_refuses_when_the_shop_name_was_taken_meanwhile(make_user, operator, apply):
    # given two pending applications for the same shop name, the first approved
    first, second = apply(shop_name="同名小店"), apply(shop_name="同名小店")
    application_approve(application_id=first.pk, reviewer=operator)

    # when the second is approved, then refused and it stays pending without a shop
    with pytest.raises(Conflict, match="店铺名称已被使用"):
        application_approve(application_id=second.pk, reviewer=operator)
    second = application_get(application_id=second.pk)
    assert (second.status, second.shop_id) == ("pending", None)
    assert staff_for_user(user=second.applicant) is None


def test_application_approve_refuses_an_applicant_who_became_staff_meanwhile(
    shop, make_user, operator, apply
):
    # given a pending application whose applicant then joined a shop's staff
    from wanshang.merchants.services import staff_add

    user = make_user()
    app = apply(user=user)
    staff_add(shop=shop, login=user.phone, role="service")

    # when approved, then refused, and the applicant still works for that one shop only
    with pytest.raises(Conflict, match="已是其他店铺的员工"):
        application_approve(application_id=app.pk, reviewer=operator)
    assert application_get(application_id=app.pk).status == "pending"
    assert staff_for_user(user=user).shop_id == shop.pk


def test_deciding_an_unknown_application_is_not_found(operator, db):
    with pytest.raises(NotFound):
        application_approve(application_id=987654, reviewer=operator)
    with pytest.raises(NotFound):
        application_reject(application_id=987654, reviewer=operator, reason="不存在")


# --- reject -------------------------------------------------------------------------------------------------


def test_application_reject_records_the_reason_and_the_reviewer(operator, apply):
    app = apply()

    application_reject(application_id=app.pk, reviewer=operator, reason="  营业执照不清晰  ")

    app = application_get(application_id=app.pk)
    assert (app.status, app.reject_reason, app.reviewed_by_id, app.shop_id) == (
        "rejected",
        "营业执照不清晰",
        operator.pk,
        None,
    )


@pytest.mark.parametrize("reason", ["", "  ", "差", "长" * 301])
def test_application_reject_needs_a_reason_of_two_to_300_characters(operator, apply, reason):
    app = apply()
    with pytest.raises(ValidationError) as exc:
        application_reject(application_id=app.pk, reviewer=operator, reason=reason)
    assert exc.value.field == "reason"
    assert application_get(application_id=app.pk).status == "pending"
