"""The platform's fixtures (wanshang/platform/tests/conftest.py) for the 数据中心 tests here."""

from wanshang.platform.tests.conftest import op_client  # noqa: F401
