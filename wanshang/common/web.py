"""One path from a domain error to what a person sees on the web pages (the JSON API has its own, in api.py).

- A `DomainError` that escapes a page view becomes the error page with its status and message
  (`DomainErrorMiddleware`); a face may put its own page on `request.domain_error_page` (the seller center
  shows it inside its layout).
- A form view wraps its service call in `with form_errors(form) as outcome:`: a refusal lands on the form
  field it names and the view re-renders with `outcome.status`.
- A POST action that answers with a redirect wraps it in `with message_errors(request):`: a refusal becomes
  an error message on the page it goes back to.
"""

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import render

from wanshang.common.errors import DomainError

API_PREFIX = "/api/"


def add_domain_error(form, exc: DomainError) -> None:
    """Attach a service's error to the matching form field, or to the form as a whole."""
    field = exc.field if exc.field in getattr(form, "fields", {}) else None
    form.add_error(field, exc.message)


def error_page(request, exc: DomainError, *, status: int | None = None):
    return render(request, "error.html", {"message": exc.message}, status=status or exc.status_code)


class DomainErrorMiddleware:
    """A DomainError no view handled → the face's error page with the error's status code and message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path_info.startswith(API_PREFIX):
            return None
        page = getattr(request, "domain_error_page", None) or error_page
        return page(request, exception)


class _Refusal:
    """A context manager that swallows the DomainErrors of its block (except `passthrough`) and keeps one."""

    def __init__(self, passthrough):
        self.passthrough = passthrough if isinstance(passthrough, tuple) else (passthrough,)
        self.error: DomainError | None = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not isinstance(exc, DomainError) or isinstance(exc, self.passthrough):
            return False
        self.error = exc
        self.refused(exc)
        return True

    def refused(self, exc: DomainError) -> None:
        raise NotImplementedError

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> int:
        """The error's status code once refused (to re-render the form with), 200 before."""
        return self.error.status_code if self.error is not None else 200


class form_errors(_Refusal):
    """`with form_errors(form) as outcome:` — a refusal goes onto `form` (by `add`, default its named field).

    Put the success answer (message, redirect) inside the block: a refusal leaves the block there, and the
    view goes on to re-render the form with `outcome.status`. Kinds in `passthrough` (say NotFound: the
    object itself is gone) are not caught and reach the error page.
    """

    def __init__(self, form, *, passthrough=(), add: Callable = add_domain_error):
        super().__init__(passthrough)
        self.form, self.add = form, add

    def refused(self, exc: DomainError) -> None:
        self.add(self.form, exc)


class message_errors(_Refusal):
    """`with message_errors(request):` — a refusal becomes an error message (`prefix` + its text, or
    `text(exc)`); the view goes on to its redirect. Kinds in `passthrough` reach the error page."""

    def __init__(
        self, request, *, prefix: str = "", text: Callable[[DomainError], str] | None = None, passthrough=()
    ):
        super().__init__(passthrough)
        self.request, self.prefix, self.text = request, prefix, text

    def refused(self, exc: DomainError) -> None:
        messages.error(self.request, self.text(exc) if self.text else f"{self.prefix}{exc.message}")
