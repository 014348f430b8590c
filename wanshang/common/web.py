"""Small helpers shared by the web faces: turn domain errors into form errors or an error page."""

from django.shortcuts import render

from wanshang.common.errors import DomainError


def add_domain_error(form, exc: DomainError) -> None:
    """Attach a service's error to the matching form field, or to the form as a whole."""
    field = exc.field if exc.field in getattr(form, "fields", {}) else None
    form.add_error(field, exc.message)


def error_page(request, exc: DomainError, *, status: int | None = None):
    return render(request, "error.html", {"message": exc.message}, status=status or exc.status_code)
