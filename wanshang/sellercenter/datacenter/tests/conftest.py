"""The seller center's fixtures (wanshang/sellercenter/tests/conftest.py) for the 数据中心 tests here."""

from wanshang.sellercenter.tests.conftest import make_staff, owner_client, paid_order  # noqa: F401
