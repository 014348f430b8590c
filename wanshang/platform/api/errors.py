"""The error answer every platform endpoint documents: 401 not logged in, 403 not an operator (or a missing
CSRF token), 422 a parameter or field out of its schema, and the services' domain errors (400, 404, 409)."""

from ninja import Field, Schema


class PlatformError(Schema):
    detail: str
    code: str = ""
    field: str | None = None
    errors: list[dict] | None = Field(None, description="422：每个有误参数的位置（loc）、类型与原因")


ERRORS = {code: PlatformError for code in (400, 401, 403, 404, 409, 422)}
