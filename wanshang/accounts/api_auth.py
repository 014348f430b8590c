"""API authentication: a bearer token (no CSRF needed) or the browser session (CSRF enforced)."""

from ninja.security import HttpBearer, SessionAuth


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from wanshang.accounts.selectors import user_by_token

        user = user_by_token(key=token)
        if user is not None:
            request.user = user
        return user


AUTH = [BearerToken(), SessionAuth(csrf=True)]
