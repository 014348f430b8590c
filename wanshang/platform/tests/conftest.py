import itertools

import pytest

_seq = itertools.count(1)


@pytest.fixture
def op_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def submit_application(make_user, make_category):
    """A pending 入驻申请 by a fresh user: submit_application(shop_name=None) -> application."""
    from wanshang.merchants.services import application_submit

    def submit(shop_name=None, user=None):
        n = next(_seq)
        user = user or make_user()
        category = make_category()
        return application_submit(
            user=user,
            company_name=f"平台测试公司{n}",
            credit_code="91350100M000100Y43",
            contact_name="王五",
            contact_phone="13900002222",
            shop_name=shop_name or f"平台测试店{n}",
            categories=[category.parent.parent],
        )

    return submit


@pytest.fixture
def api_token():
    from wanshang.accounts.services import api_token_create

    def make(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"}

    return make
