from django.contrib.auth.backends import ModelBackend

from wanshang.accounts.selectors import user_find_by_login


class PhoneOrEmailBackend(ModelBackend):
    """Log in with a mobile number, an e-mail address or the login name."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = user_find_by_login(login=username)
        if user is None:
            self.user_model_dummy_hash(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_model_dummy_hash(self, password):
        # Spend the same time as a real check so timing does not reveal which logins exist.
        from django.contrib.auth.hashers import make_password

        make_password(password)
