"""Who may use the platform face: logged-in operators (is_staff). One decorator for pages, one for the API."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from wanshang.accounts.api_auth import BearerToken, Session
from wanshang.common.errors import PermissionDenied

FORBIDDEN_MESSAGE = _("该页面仅限平台运营人员访问，你的账号没有平台管理权限。")
API_FORBIDDEN_MESSAGE = "需要平台运营权限（is_staff）"


def _login_url() -> str:
    try:
        return reverse(settings.LOGIN_URL)
    except NoReverseMatch:
        return "/accounts/login/"


def operator_view(view):
    """Login required (redirect to the login page), then is_staff required (a 403 page for anyone else)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), _login_url())
        if not user.is_staff or not user.is_active:
            return render(request, "platform/forbidden.html", {"message": FORBIDDEN_MESSAGE}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _operator_or_403(user):
    if user is None:
        return None  # not authenticated by this method: the next one is tried, then 401
    if not getattr(user, "is_staff", False) or not getattr(user, "is_active", False):
        raise PermissionDenied(API_FORBIDDEN_MESSAGE)
    return user


class OperatorBearer(BearerToken):
    def authenticate(self, request, token):
        return _operator_or_403(super().authenticate(request, token))


class OperatorSession(Session):
    def authenticate(self, request, key):
        return _operator_or_403(super().authenticate(request, key))


# The API's auth with an operator check. It runs before the body is parsed, so a non-operator gets 403
# (JSON through the API's DomainError handler) and learns nothing about the inputs.
OPERATOR_AUTH = [OperatorBearer(), OperatorSession(csrf=True)]
