import pytest
from django.test import override_settings

from wanshang import settings as real_settings


def test_configured_hasher_is_argon2():
    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_signup_stores_an_argon2_hash():
    from wanshang.accounts.services import user_register

    with override_settings(PASSWORD_HASHERS=real_settings.PASSWORD_HASHERS):
        user = user_register(login="13700000001", password="Wanshang#2026")
        assert user.password.startswith("argon2")
        assert user.check_password("Wanshang#2026")
