"""Merchants test helpers: applications and staff made through the merchants services."""

import itertools

import pytest

_seq = itertools.count(1)

VALID_CREDIT_CODE = "91350100M000100Y43"


@pytest.fixture
def make_staff(make_user):
    """make_staff(shop, "warehouse") → a user working for the shop with that role."""
    from wanshang.merchants.services import staff_add

    def make(shop, role):
        user = make_user()
        staff_add(shop=shop, login=user.phone, role=role)
        return user

    return make


@pytest.fixture
def apply(make_user, make_category):
    """apply(user=None, **fields) → a pending 入驻申请; every field of `application_submit` can be overridden."""
    from wanshang.catalog.selectors import categories_by_ids
    from wanshang.merchants.services import application_submit

    def submit(user=None, **fields):
        n = next(_seq)
        data = {
            "company_name": f"商家测试公司{n}",
            "credit_code": VALID_CREDIT_CODE,
            "contact_name": "赵六",
            "contact_phone": "13900003333",
            "shop_name": f"商家测试店{n}",
        }
        data.update(fields)
        if "category_ids" not in data:
            data["category_ids"] = [make_category().parent.parent.pk]
        # as the faces do: the chosen ids are looked up in the catalog, unknown ones simply drop out
        data["categories"] = categories_by_ids(ids=data.pop("category_ids"))
        return application_submit(user=user or make_user(), **data)

    return submit
