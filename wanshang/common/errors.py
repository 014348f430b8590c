"""Domain errors. Services raise these; views turn them into form errors, the API into 4xx JSON."""


class DomainError(Exception):
    """A business rule refused the operation. `message` is shown to a person as is."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationError(DomainError):
    status_code = 400
    code = "invalid"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """The state changed under the caller (a duplicate submit in flight, stock gone, a transition raced)."""

    status_code = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class OutOfStock(Conflict):
    """The stock ran out, typically to another buyer who took the last units first: 409 `out_of_stock`
    whichever path found out (the checkout's pricing, the stock reservation, a flash sale's gate)."""

    code = "out_of_stock"

    @classmethod
    def of(cls, name: str, left: int) -> "OutOfStock":
        """The one message for a product whose stock cannot cover the order."""
        return cls(f"“{name}”已售罄" if left <= 0 else f"“{name}”库存不足，仅剩 {left} 件", field="items")
