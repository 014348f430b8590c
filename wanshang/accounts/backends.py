from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password

from wanshang.accounts.selectors import login_locked, user_find_by_login
from wanshang.accounts.services import login_failure_record, login_failures_clear


class PhoneOrEmailBackend(ModelBackend):
    """Log in with a mobile number, an e-mail address or the login name.

    After LOGIN_MAX_FAILURES wrong passwords for one login, it is refused for LOGIN_LOCK_SECONDS.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        if login_locked(login=username):  # guessing stops here: the web form and the API say why
            return None
        user = user_find_by_login(login=username)
        if user is None:
            self.user_model_dummy_hash(password)
        elif user.check_password(password) and self.user_can_authenticate(user):
            login_failures_clear(login=username)
            return user
        login_failure_record(login=username)
        return None

    def user_model_dummy_hash(self, password):
        # Spend the same time as a real check so timing does not reveal which logins exist.

        make_password(password)
