"""Refuse a request carrying a NUL character (U+0000) before any view sees it.

PostgreSQL text cannot hold NUL, so a NUL in a search term, a form field or a JSON string reached the database
and raised (a 500) where SQLite stored it. One check here covers every input instead of one per field: the
path, the query string, url-encoded and multipart form fields (names and values) and any
other body (raw 0x00 bytes and the JSON escape \\u0000). The answer is a 400: JSON under /api/, the error page
elsewhere.

Payment notifications (/api/payments/) keep their body unchecked: the notify view records the refusal itself,
so a broken or forged notification stays on record (payments.api.notify).
"""

import re

from django.http import JsonResponse, QueryDict

from wanshang.common.errors import ValidationError
from wanshang.common.web import error_page

NUL = "\x00"
NUL_MESSAGE = "请求中含有不允许的控制字符（NUL）"
# \u0000 in a JSON string, but not an escaped backslash followed by the text "u0000" (\\u0000).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_BODY_UNCHECKED = ("/api/payments/",)


def _any_nul(pairs) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


def request_has_nul(request) -> bool:
    """True when the path, the query string or the body holds a NUL. Form parse errors propagate (a 400)."""
    if NUL in request.path or NUL in request.path_info or _any_nul(request.GET.lists()):
        return True
    if request.path_info.startswith(_BODY_UNCHECKED):
        return False
    if request.content_type == "multipart/form-data":
        if request.method != "POST":
            return False  # Django parses multipart only for POST; file contents may hold any bytes
        # Django already drops non-printable characters from uploaded file names; the field names remain.
        return _any_nul(request.POST.lists()) or any(NUL in field for field in request.FILES)
    if request.content_type == "application/x-www-form-urlencoded":
        form = request.POST if request.method == "POST" else QueryDict(request.body)
        return _any_nul(form.lists())
    body = request.body
    if not body:
        return False
    return b"\x00" in body or b"\\u0000" in body and _JSON_NUL.search(body) is not None


class RejectNulMiddleware:
    """400 for any request with a NUL in it (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": NUL_MESSAGE, "code": "invalid"},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return error_page(request, ValidationError(NUL_MESSAGE), status=400)
        return self.get_response(request)
