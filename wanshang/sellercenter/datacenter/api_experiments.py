"""/api/seller/data/experiments…: A/B 实验 through the JSON API, the same services as the pages.

Reading needs the data permission, writing (create, edit a draft, start, stop) the marketing one. The shop is
the caller's; another shop's experiment id is 404. Reading one experiment returns its results, and counts as a
peek while it runs below its planned sample (as on the page).
"""

from datetime import datetime

from ninja import Router, Schema
from pydantic import Field, StrictInt

from wanshang.common.errors import ValidationError
from wanshang.insights.selectors import (
    experiment_get,
    experiment_list,
    experiment_products,
    experiment_results_open,
)
from wanshang.insights.services import experiment_save, experiment_start, experiment_stop
from wanshang.insights.types import ExperimentInput
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import In, Message

router = Router()

ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
STATUSES = ("draft", "running", "stopped")


class VariantIn(In):
    """One arm: the first is the control (no title / image); weights of all arms sum to 100."""

    key: str = Field(max_length=20)
    name: str = Field(max_length=20)
    weight: StrictInt
    title: str = Field(default="", max_length=60)
    image: str = Field(default="", max_length=300)


class ExperimentIn(In):
    """`metric`: conversion (支付转化率) or revenue (UV价值). Rates in 万分比: baseline_bps 300 = 3%;
    mde_bps is the absolute lift to detect (50 = 0.5 percentage points). product_ids: the shop's products."""

    key: str = Field(max_length=40)
    name: str = Field(max_length=60)
    metric: str = "conversion"
    variants: list[VariantIn] = Field(max_length=10)
    product_ids: list[StrictInt] = Field(max_length=200)
    baseline_bps: StrictInt
    mde_bps: StrictInt


class VariantOut(Schema):
    key: str
    name: str
    weight: int
    title: str = ""
    image: str = ""


class ExperimentOut(Schema):
    id: int
    key: str
    name: str
    metric: str
    metric_label: str = Field(alias="get_metric_display")
    status: str
    status_label: str = Field(alias="get_status_display")
    variants: list[VariantOut]
    product_ids: list[int]
    baseline_bps: int
    mde_bps: int
    planned_per_arm: int
    started_at: datetime | None
    stopped_at: datetime | None
    created_at: datetime


class ProductRefOut(Schema):
    id: int
    title: str


class ArmOut(Schema):
    """One variant's figures; `diff`… compare it with the control (variant − control): a rate difference for
    conversion, fen per visitor for revenue; None for the control or without enough data."""

    key: str
    name: str
    weight: int
    is_control: bool
    visitors: int
    converters: int
    revenue_fen: int
    rate: float | None
    revenue_per_visitor_fen: float | None = Field(alias="value_fen")
    ci_low: float | None
    ci_high: float | None
    diff: float | None
    diff_low: float | None
    diff_high: float | None
    z: float | None
    p_value: float | None
    significant: bool
    below_plan: bool

    @staticmethod
    def resolve_ci_low(arm) -> float | None:
        return arm.ci[0] if arm.ci else None

    @staticmethod
    def resolve_ci_high(arm) -> float | None:
        return arm.ci[1] if arm.ci else None

    @staticmethod
    def resolve_diff(arm) -> float | None:
        return arm.vs_control.diff if arm.vs_control else None

    @staticmethod
    def resolve_diff_low(arm) -> float | None:
        return arm.vs_control.low if arm.vs_control else None

    @staticmethod
    def resolve_diff_high(arm) -> float | None:
        return arm.vs_control.high if arm.vs_control else None

    @staticmethod
    def resolve_z(arm) -> float | None:
        return arm.vs_control.z if arm.vs_control else None

    @staticmethod
    def resolve_p_value(arm) -> float | None:
        return arm.vs_control.p_value if arm.vs_control else None

    @staticmethod
    def resolve_significant(arm) -> bool:
        return bool(arm.vs_control and arm.vs_control.significant)


class ResultsOut(Schema):
    """Reads an `ExperimentResults` (insights.experiments)."""

    start: datetime | None
    end: datetime | None
    planned_per_arm: int
    visitors: int
    below_plan: bool
    views: int
    warnings: list[str]
    arms: list[ArmOut]


class ExperimentDetailOut(ExperimentOut):
    """An experiment with `products` and `results` attached by `_detail`."""

    products: list[ProductRefOut]
    results: ResultsOut


def _input(payload: ExperimentIn) -> ExperimentInput:
    return ExperimentInput(
        key=payload.key,
        name=payload.name,
        metric=payload.metric,
        variants=[v.model_dump() for v in payload.variants],
        product_ids=list(payload.product_ids),
        baseline_bps=payload.baseline_bps,
        mde_bps=payload.mde_bps,
    )


def _detail(shop, experiment_id: int):
    """The experiment with its results (a peek while it runs below plan) and its products attached."""
    results = experiment_results_open(shop=shop, experiment_id=experiment_id)
    experiment = results.experiment
    experiment.results = results
    experiment.products = experiment_products(shop=shop, experiment=experiment)
    return experiment


@router.get(
    "/experiments",
    response={200: list[ExperimentOut], **ERRORS},
    summary="A/B 实验列表",
    auth=seller_auth(P.DATA_VIEW),
)
def experiments_list(request, status: str = ""):
    """`status`: draft 草稿 / running 进行中 / stopped 已结束; empty = all (newest first, at most 200)."""
    staff = staff_require(user=request.user, perm=P.DATA_VIEW)
    if status and status not in STATUSES:
        raise ValidationError("status 只能是 draft、running 或 stopped", field="status")
    return experiment_list(shop=staff.shop, status=status or None)[:200]


@router.post(
    "/experiments",
    response={201: ExperimentOut, **ERRORS},
    summary="新建 A/B 实验（草稿）",
    auth=seller_auth(P.MARKETING),
)
def experiments_create(request, payload: ExperimentIn):
    staff = staff_require(user=request.user, perm=P.MARKETING)
    return 201, experiment_save(shop=staff.shop, data=_input(payload))


@router.get(
    "/experiments/{experiment_id}",
    response={200: ExperimentDetailOut, **ERRORS},
    summary="A/B 实验详情与结果",
    auth=seller_auth(P.DATA_VIEW),
)
def experiments_get(request, experiment_id: int):
    staff = staff_require(user=request.user, perm=P.DATA_VIEW)
    return _detail(staff.shop, experiment_id)


@router.put(
    "/experiments/{experiment_id}",
    response={200: ExperimentOut, **ERRORS},
    summary="修改草稿实验",
    auth=seller_auth(P.MARKETING),
)
def experiments_update(request, experiment_id: int, payload: ExperimentIn):
    staff = staff_require(user=request.user, perm=P.MARKETING)
    experiment_get(
        shop=staff.shop, experiment_id=experiment_id
    )  # another shop's id: 404 before anything else
    return experiment_save(shop=staff.shop, data=_input(payload), experiment_id=experiment_id)


@router.post(
    "/experiments/{experiment_id}/start",
    response={200: ExperimentOut, **ERRORS},
    summary="开始实验",
    auth=seller_auth(P.MARKETING),
)
def experiments_start(request, experiment_id: int):
    staff = staff_require(user=request.user, perm=P.MARKETING)
    return experiment_start(shop=staff.shop, experiment_id=experiment_id)


@router.post(
    "/experiments/{experiment_id}/stop",
    response={200: ExperimentOut, **ERRORS},
    summary="结束实验",
    auth=seller_auth(P.MARKETING),
)
def experiments_stop(request, experiment_id: int):
    staff = staff_require(user=request.user, perm=P.MARKETING)
    return experiment_stop(shop=staff.shop, experiment_id=experiment_id)
