"""API authentication: a bearer token (no CSRF needed) or the browser session (CSRF enforced).

Order matters for the answer a client gets: an anonymous request is 401 (log in or send a token), a logged-in
session whose unsafe request lacks the CSRF token is 403, and the faces' own checks (operator, shop staff) run
here too, before the body or the query is parsed, so a caller without the right learns nothing about the inputs.
"""

from ninja.security import HttpBearer, SessionAuth

from wanshang.accounts.selectors import user_by_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_by_token(key=token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The Django session. ninja checks CSRF before it looks at the session, which turned an anonymous write
    into 403 "CSRF check Failed"; here an anonymous request is simply not authenticated (→ 401)."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)  # CSRF for a logged-in session: 403 when missing

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


AUTH = [BearerToken(), Session(csrf=True)]
