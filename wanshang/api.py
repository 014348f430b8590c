"""The JSON API (django-ninja): OpenAPI schema at /api/openapi.json, docs at /api/docs.

Routers live with their faces: storefront (buyers), sellercenter (merchant staff), platform (operators),
payments (gateway notifications), shipping (carrier callbacks). They call the same services and selectors as the web pages.
"""

from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from wanshang.accounts.api_auth import AUTH
from wanshang.common.errors import DomainError
from wanshang.payments.api import router as payments_router
from wanshang.platform.api import router as platform_router
from wanshang.sellercenter.api import router as seller_router
from wanshang.shipping.api import router as shipping_router
from wanshang.storefront.api import router as store_router

api = NinjaAPI(
    title="万商 Wanshang API",
    version="1.0",
    description="多商户商城 JSON API：前台（商品、购物车、结算、订单、支付）与卖家中心（商品、SKU、库存、订单、发货）。"
    "认证：登录会话（需 CSRF）或 `Authorization: Bearer <token>`。",
    auth=AUTH,
    urls_namespace="api",
    # the online validator badge would fetch from swagger.io: the docs load nothing from outside
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(
        request, {"detail": exc.message, "code": exc.code, "field": exc.field}, status=exc.status_code
    )


# pydantic's error types → what a person reads; anything else keeps pydantic's (English) message
_PROBLEMS = {
    "missing": lambda c: "必填",
    "less_than_equal": lambda c: f"不能大于 {c['le']}",
    "less_than": lambda c: f"须小于 {c['lt']}",
    "greater_than_equal": lambda c: f"不能小于 {c['ge']}",
    "greater_than": lambda c: f"须大于 {c['gt']}",
    "int_parsing": lambda c: "须为整数",
    "int_type": lambda c: "须为整数",
    "int_from_float": lambda c: "须为整数",
    "bool_parsing": lambda c: "须为 true 或 false",
    "bool_type": lambda c: "须为 true 或 false",
    "string_too_long": lambda c: f"最多 {c['max_length']} 个字符",
    "too_long": lambda c: f"最多 {c['max_length']} 项",
    "too_short": lambda c: f"至少 {c['min_length']} 项",
    "extra_forbidden": lambda c: "不是可用的字段",
    "literal_error": lambda c: f"只能是 {c['expected']}",
}


def _problem(err: dict) -> str:
    explain = _PROBLEMS.get(err.get("type", ""))
    try:
        return explain(err.get("ctx") or {}) if explain else err.get("msg", "")
    except KeyError:
        return err.get("msg", "")


@api.exception_handler(NinjaValidationError)
def input_error(request, exc: NinjaValidationError):
    problems = []
    for err in exc.errors:
        where = ".".join(str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query"))
        problems.append(f"{where}: {_problem(err)}" if where else _problem(err))
    return api.create_response(
        request,
        {"detail": "请求参数有误：" + "；".join(problems), "code": "invalid", "errors": exc.errors},
        status=422,
    )


@api.exception_handler(OverflowError)
def number_too_large(request, exc: OverflowError):
    """An id past the 64-bit range (e.g. ?warehouse_id=9223372036854775808) cannot be bound as an SQLite
    integer; PostgreSQL just finds nothing. Either way it is the caller's number, not our fault: 422."""
    return api.create_response(
        request,
        {"detail": "请求参数有误：数值超出范围（最大 9223372036854775807）", "code": "invalid"},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """ninja's own refusals (CSRF, throttling) in the shape and language of the others."""
    if exc.status_code == 403 and "CSRF" in str(exc):
        detail, code = "CSRF 校验失败：请刷新页面后重试（表单须带 CSRF 令牌），或改用 API 令牌", "csrf_failed"
    elif exc.status_code == 429:
        detail, code = "请求过于频繁，请稍后再试", "throttled"
    else:
        detail, code = str(exc), "error"
    return api.create_response(request, {"detail": detail, "code": code}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"detail": "请先登录或提供有效的 API 令牌", "code": "unauthorized"}, status=401
    )


def _mount():
    api.add_router("/store", store_router, tags=["storefront"])
    api.add_router("/seller", seller_router, tags=["seller center"])
    api.add_router("/platform", platform_router, tags=["platform"])
    api.add_router("/payments", payments_router, tags=["payments"])
    api.add_router("/shipping", shipping_router, tags=["shipping callbacks"])


_mount()
