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
    title: str
    image: str


class ExperimentOut(Schema):
    id: int
    key: str
    name: str
    metric: str
    metric_label: str
    status: str
    status_label: str
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
    revenue_per_visitor_fen: float | None
    ci_low: float | None
    ci_high: float | None
    diff: float | None
    diff_low: float | None
    diff_high: float | None
    z: float | None
    p_value: float | None
    significant: bool
    below_plan: bool


class ResultsOut(Schema):
    start: datetime | None
    end: datetime | None
    planned_per_arm: int
    visitors: int
    below_plan: bool
    views: int
    warnings: list[str]
    arms: list[ArmOut]


class ExperimentDetailOut(ExperimentOut):
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


def _out(exp) -> dict:
    return {
        "id": exp.pk,
        "key": exp.key,
        "name": exp.name,
        "metric": exp.metric,
        "metric_label": exp.get_metric_display(),
        "status": exp.status,
        "status_label": exp.get_status_display(),
        "variants": [
            {
                "key": v["key"],
                "name": v["name"],
                "weight": v["weight"],
                "title": v.get("title", ""),
                "image": v.get("image", ""),
            }
            for v in exp.variants
        ],
        "product_ids": list(exp.product_ids),
        "baseline_bps": exp.baseline_bps,
        "mde_bps": exp.mde_bps,
        "planned_per_arm": exp.planned_per_arm,
        "started_at": exp.started_at,
        "stopped_at": exp.stopped_at,
        "created_at": exp.created_at,
    }


def _arm_out(arm) -> dict:
    cmp = arm.vs_control
    return {
        "key": arm.key,
        "name": arm.name,
        "weight": arm.weight,
        "is_control": arm.is_control,
        "visitors": arm.visitors,
        "converters": arm.converters,
        "revenue_fen": arm.revenue_fen,
        "rate": arm.rate,
        "revenue_per_visitor_fen": arm.value_fen,
        "ci_low": arm.ci[0] if arm.ci else None,
        "ci_high": arm.ci[1] if arm.ci else None,
        "diff": cmp.diff if cmp else None,
        "diff_low": cmp.low if cmp else None,
        "diff_high": cmp.high if cmp else None,
        "z": cmp.z if cmp else None,
        "p_value": cmp.p_value if cmp else None,
        "significant": bool(cmp and cmp.significant),
        "below_plan": arm.below_plan,
    }


def _detail(shop, experiment_id: int) -> dict:
    results = experiment_results_open(shop=shop, experiment_id=experiment_id)
    exp = results.experiment
    return {
        **_out(exp),
        "products": experiment_products(shop=shop, experiment=exp),
        "results": {
            "start": results.start,
            "end": results.end,
            "planned_per_arm": results.planned_per_arm,
            "visitors": results.visitors,
            "below_plan": results.below_plan,
            "views": results.views,
            "warnings": results.warnings(),
            "arms": [_arm_out(a) for a in results.arms],
        },
    }


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
    return [_out(e) for e in experiment_list(shop=staff.shop, status=status or None)[:200]]


@router.post(
    "/experiments",
    response={201: ExperimentOut, **ERRORS},
    summary="新建 A/B 实验（草稿）",
    auth=seller_auth(P.MARKETING),
)
def experiments_create(request, payload: ExperimentIn):
    staff = staff_require(user=request.user, perm=P.MARKETING)
    return 201, _out(experiment_save(shop=staff.shop, data=_input(payload)))


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
    return _out(experiment_save(shop=staff.shop, data=_input(payload), experiment_id=experiment_id))


@router.post(
    "/experiments/{experiment_id}/start",
    response={200: ExperimentOut, **ERRORS},
    summary="开始实验",
    auth=seller_auth(P.MARKETING),
)
def experiments_start(request, experiment_id: int):
    staff = staff_require(user=request.user, perm=P.MARKETING)
    return _out(experiment_start(shop=staff.shop, experiment_id=experiment_id))


@router.post(
    "/experiments/{experiment_id}/stop",
    response={200: ExperimentOut, **ERRORS},
    summary="结束实验",
    auth=seller_auth(P.MARKETING),
)
def experiments_stop(request, experiment_id: int):
    staff = staff_require(user=request.user, perm=P.MARKETING)
    return _out(experiment_stop(shop=staff.shop, experiment_id=experiment_id))
