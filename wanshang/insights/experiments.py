"""A/B 实验: a shop's experiments (services: save, start, stop, open the results) and what reads them (selectors:
list, get, results, the variant a visitor sees).

An experiment changes the title and/or the main image of some of the shop's products for part of the visitors.
Visitors are hashed into variants (`stats.assignment_bucket`), so the same visitor always sees the same variant
and nothing has to be stored per visitor. The first variant is the control (the product as it is).

States: draft → running → stopped; only a draft can be edited; a product is in at most one running experiment.
The sample per arm is fixed before the start (fixed horizon); opening the results before it is reached is
recorded as a peek (`ExperimentView`) and the page warns about it.

Results (docs/data-center.md): the experiment's visitors are the distinct visitors with a page view of one of
its products between the start and the stop (or now); a visitor converts with a `paid` event of the shop at or
after their first exposure and before the end; revenue is the sum of those payments (fen, freight included).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from wanshang.analytics.readmodel import Event, EventKind
from wanshang.catalog.selectors import seller_product_list
from wanshang.common.errors import Conflict, InvalidTransition, NotFound, ValidationError
from wanshang.insights import stats
from wanshang.insights.models import Experiment, ExperimentView

Status = Experiment.Status
Metric = Experiment.Metric

MIN_VARIANTS, MAX_VARIANTS = 2, 4
MAX_PRODUCTS = 50
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_RUNNING_KEY = "analytics:experiments:running:{shop_id}"
_RUNNING_SECONDS = 300  # a safety net: start and stop delete the key after their commit


# --- input and validation --------------------------------------------------------------------------------------


@dataclass
class ExperimentInput:
    """What a merchant enters. `variants`: dicts with key, name, weight and optionally title / image.
    Rates are 万分比 (bps): baseline 1000 = 10%; `mde_bps` is the absolute lift to detect (200 = 2 points)."""

    key: str
    name: str
    metric: str
    variants: list[dict]
    product_ids: list[int]
    baseline_bps: int
    mde_bps: int


def planned_per_arm(*, baseline_bps: int, mde_bps: int) -> int:
    """Visitors per arm to detect baseline → baseline + MDE (α = 0.05 two-sided, power 0.8).

    For a revenue experiment this is the conversion-rate plan: paying is what moves UV价值."""
    return stats.sample_size_per_arm(baseline_bps / 10000, (baseline_bps + mde_bps) / 10000)


def _int(value, *, field_name: str, label: str) -> int:
    """An integer from the API (int) or a form / JSON text ("50"); anything else is refused."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.lstrip("-").isdigit():
        return int(text)
    raise ValidationError(f"{label}须为整数", field=field_name)


def _clean_image(value: str, where: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if (
        len(value) > 300
        or not value.startswith(("https://", "http://", "/"))
        or any(c in value for c in " \"'<>")
    ):
        raise ValidationError(f"{where}的主图地址无效：须为 http(s):// 或 / 开头的图片链接", field="variants")
    return value


def _clean_variants(raw) -> list[dict]:
    if not isinstance(raw, list) or not MIN_VARIANTS <= len(raw) <= MAX_VARIANTS:
        raise ValidationError(
            f"实验需要 {MIN_VARIANTS}–{MAX_VARIANTS} 个分组（第一个为对照组）", field="variants"
        )
    variants, keys = [], set()
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ValidationError("分组格式无效", field="variants")
        where = f"第 {index + 1} 个分组"
        key = str(item.get("key") or "").strip()
        if not key or len(key) > 20 or not _SLUG.match(key):
            raise ValidationError(f"{where}的标识须为 1–20 位字母、数字、短横线或下划线", field="variants")
        if key in keys:
            raise ValidationError(f"分组标识“{key}”重复", field="variants")
        keys.add(key)
        name = str(item.get("name") or "").strip()
        if not name or len(name) > 20:
            raise ValidationError(f"{where}的名称须为 1–20 个字", field="variants")
        weight = _int(item.get("weight"), field_name="variants", label=f"{where}的流量占比")
        if not 1 <= weight <= 99:
            raise ValidationError(f"{where}的流量占比须为 1–99", field="variants")
        title = str(item.get("title") or "").strip()
        if len(title) > 60:
            raise ValidationError(f"{where}的商品标题最长 60 个字", field="variants")
        image = _clean_image(str(item.get("image") or ""), where)
        if index == 0 and (title or image):
            raise ValidationError("第一个分组是对照组，展示原商品，不能修改标题或主图", field="variants")
        variants.append({"key": key, "name": name, "weight": weight, "title": title, "image": image})
    total = sum(v["weight"] for v in variants)
    if total != 100:
        raise ValidationError(f"各分组流量占比之和须为 100（现为 {total}）", field="variants")
    return variants


def _shop_product_ids(*, shop, product_ids) -> list[int]:
    """The ids, deduplicated in order, after checking each is a product of `shop`."""
    if not isinstance(product_ids, list | tuple):
        raise ValidationError("请选择参与实验的商品", field="product_ids")
    ids = []
    for value in product_ids:
        pid = _int(value, field_name="product_ids", label="商品编号")
        if pid not in ids:
            ids.append(pid)
    if not ids:
        raise ValidationError("请至少选择一个参与实验的商品", field="product_ids")
    if len(ids) > MAX_PRODUCTS:
        raise ValidationError(f"一个实验最多 {MAX_PRODUCTS} 个商品", field="product_ids")
    found = set(seller_product_list(shop=shop).filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(f"商品不存在或不属于本店：{'、'.join(missing)}", field="product_ids")
    return ids


def _clean(*, shop, data: ExperimentInput) -> dict:
    key = (data.key or "").strip()
    if not key or len(key) > 40 or not _SLUG.match(key):
        raise ValidationError("实验标识须为 1–40 位字母、数字、短横线或下划线", field="key")
    name = (data.name or "").strip()
    if not name or len(name) > 60:
        raise ValidationError("实验名称须为 1–60 个字", field="name")
    if data.metric not in Metric.values:
        raise ValidationError("评估指标只能是支付转化率或 UV价值", field="metric")
    baseline = _int(data.baseline_bps, field_name="baseline_bps", label="基线转化率")
    mde = _int(data.mde_bps, field_name="mde_bps", label="最小可检测提升")
    if not 1 <= baseline <= 9998:
        raise ValidationError("基线转化率须在 0.01%–99.98% 之间", field="baseline_bps")
    if mde < 1 or baseline + mde > 9999:
        raise ValidationError("最小可检测提升须大于 0，且基线加提升不超过 99.99%", field="mde_bps")
    return {
        "key": key,
        "name": name,
        "metric": data.metric,
        "variants": _clean_variants(data.variants),
        "product_ids": _shop_product_ids(shop=shop, product_ids=data.product_ids),
        "baseline_bps": baseline,
        "mde_bps": mde,
        "planned_per_arm": planned_per_arm(baseline_bps=baseline, mde_bps=mde),
    }


# --- services --------------------------------------------------------------------------------------------------


def experiment_save(*, shop, data: ExperimentInput, experiment_id: int | None = None) -> Experiment:
    """Create a draft experiment, or change a draft. Raises ValidationError for bad input (nothing saved),
    NotFound for another shop's id, InvalidTransition when the experiment is no longer a draft."""
    fields = _clean(shop=shop, data=data)
    try:
        with transaction.atomic():
            if experiment_id is None:
                experiment = Experiment(shop=shop)
            else:
                experiment = (
                    Experiment.objects.for_shop(shop).select_for_update().filter(pk=experiment_id).first()
                )
                if experiment is None:
                    raise NotFound("实验不存在")
                if experiment.status != Status.DRAFT:
                    raise InvalidTransition("实验已开始，不能再修改；可以结束它后新建一个实验")
            if Experiment.objects.for_shop(shop).filter(key=fields["key"]).exclude(pk=experiment.pk).exists():
                raise ValidationError(f"实验标识“{fields['key']}”已被本店其它实验使用", field="key")
            for name, value in fields.items():
                setattr(experiment, name, value)
            experiment.save()
    except IntegrityError as exc:  # the same key saved concurrently
        raise ValidationError(f"实验标识“{fields['key']}”已被本店其它实验使用", field="key") from exc
    return experiment


def _forget_running(shop_id: int) -> None:
    cache.delete(_RUNNING_KEY.format(shop_id=shop_id))


def experiment_start(*, shop, experiment_id: int, now: datetime | None = None) -> Experiment:
    """draft → running. Raises NotFound, InvalidTransition (not a draft), Conflict when one of its products is
    already in another running experiment, ValidationError when a product left the shop since it was saved."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock every experiment of the shop in id order: two starts of overlapping experiments queue here,
        # and the second sees the first running.
        rows = list(Experiment.objects.for_shop(shop).select_for_update().order_by("pk"))
        experiment = next((e for e in rows if e.pk == experiment_id), None)
        if experiment is None:
            raise NotFound("实验不存在")
        if experiment.status != Status.DRAFT:
            raise InvalidTransition(f"实验{experiment.get_status_display()}，只有草稿可以开始")
        _shop_product_ids(shop=shop, product_ids=list(experiment.product_ids))
        mine = set(experiment.product_ids)
        for other in rows:
            both = mine & set(other.product_ids) if other.status == Status.RUNNING else set()
            if both:
                ids = "、".join(str(i) for i in sorted(both))
                raise Conflict(f"商品 {ids} 已在进行中的实验“{other.name}”里，同一商品同时只能参加一个实验")
        changed = Experiment.objects.filter(pk=experiment.pk, status=Status.DRAFT).update(
            status=Status.RUNNING, started_at=now
        )
        if changed != 1:
            raise InvalidTransition("实验状态已变化，请刷新后重试")
        _forget_running(shop.pk)  # now, for this transaction's own reads, and again once it is visible to all
        transaction.on_commit(lambda: _forget_running(shop.pk))
    experiment.refresh_from_db()
    return experiment


def experiment_stop(*, shop, experiment_id: int, now: datetime | None = None) -> Experiment:
    """running → stopped: the storefront shows the original products again and the results are final.
    Raises NotFound, InvalidTransition when it is not running."""
    now = now or timezone.now()
    with transaction.atomic():
        experiment = Experiment.objects.for_shop(shop).select_for_update().filter(pk=experiment_id).first()
        if experiment is None:
            raise NotFound("实验不存在")
        if experiment.status != Status.RUNNING:
            raise InvalidTransition(f"实验{experiment.get_status_display()}，只有进行中的实验可以结束")
        Experiment.objects.filter(pk=experiment.pk).update(status=Status.STOPPED, stopped_at=now)
        _forget_running(shop.pk)  # now, for this transaction's own reads, and again once it is visible to all
        transaction.on_commit(lambda: _forget_running(shop.pk))
    experiment.refresh_from_db()
    return experiment


def experiment_results_open(*, shop, experiment_id: int, now: datetime | None = None) -> "ExperimentResults":
    """The results as a person opens them (page or API). Opening a running experiment's results before every
    arm reached the planned sample is a peek: it is recorded, and the results carry the number of peeks."""
    experiment = experiment_get(shop=shop, experiment_id=experiment_id)
    results = experiment_results(shop=shop, experiment=experiment, now=now)
    if experiment.status == Status.RUNNING and results.below_plan:
        ExperimentView.objects.create(experiment=experiment, shop=shop)
        results.views += 1
    return results


# --- selectors -------------------------------------------------------------------------------------------------


def experiment_list(*, shop, status: str | None = None):
    qs = Experiment.objects.for_shop(shop)
    return qs.filter(status=status) if status else qs


def experiment_get(*, shop, experiment_id) -> Experiment:
    """One of the shop's experiments; another shop's id (or none) raises NotFound."""
    experiment = Experiment.objects.for_shop(shop).filter(pk=experiment_id).first()
    if experiment is None:
        raise NotFound("实验不存在")
    return experiment


def experiment_products(*, shop, experiment) -> list[dict]:
    """The experiment's products that are still the shop's: id and title, in the experiment's order."""
    titles = dict(
        seller_product_list(shop=shop).filter(pk__in=list(experiment.product_ids)).values_list("pk", "title")
    )
    return [{"id": pid, "title": titles.get(pid, "")} for pid in experiment.product_ids]


def variant_index(*, key: str, experiment_id: int, variants: list[dict], visitor: str) -> int:
    """Which variant a visitor is in: the first whose cumulative weight exceeds the visitor's bucket (0–99)."""
    bucket = stats.assignment_bucket(key=key, experiment_id=experiment_id, visitor=visitor)
    return stats.pick_by_weight(bucket, [int(v["weight"]) for v in variants])


@dataclass(frozen=True)
class VariantShown:
    """What a visitor sees of a product in a running experiment; empty title / image = the product's own."""

    experiment_id: int
    variant_key: str
    title: str
    image: str


def _running_of_shop(shop_id: int) -> list[dict]:
    key = _RUNNING_KEY.format(shop_id=shop_id)
    running = cache.get(key)
    if running is None:
        running = list(
            Experiment.objects.filter(shop_id=shop_id, status=Status.RUNNING).values(
                "id", "key", "variants", "product_ids"
            )
        )
        cache.set(key, running, _RUNNING_SECONDS)
    return running


def experiment_variant_for(*, product, visitor: str) -> VariantShown | None:
    """The variant `visitor` sees of `product` (its shop's running experiment on it), or None when the product
    is in no running experiment or there is no visitor. One query per shop until the next start or stop."""
    if not visitor:
        return None
    for exp in _running_of_shop(product.shop_id):
        if product.pk in exp["product_ids"]:
            variant = exp["variants"][
                variant_index(
                    key=exp["key"], experiment_id=exp["id"], variants=exp["variants"], visitor=visitor
                )
            ]
            return VariantShown(
                experiment_id=exp["id"],
                variant_key=variant["key"],
                title=variant.get("title", ""),
                image=variant.get("image", ""),
            )
    return None


@dataclass
class ArmResult:
    key: str
    name: str
    weight: int
    title: str
    image: str
    is_control: bool
    visitors: int = 0
    converters: int = 0
    revenue_fen: int = 0
    revenue_sq: int = 0  # Σ (revenue of a visitor)², for the variance of revenue per visitor
    rate: float | None = None  # converters / visitors
    value_fen: float | None = None  # revenue per visitor (UV价值), fen
    ci: tuple[float, float] | None = None  # this arm's own interval of the metric (rate, or fen per visitor)
    vs_control: stats.Comparison | None = None
    below_plan: bool = True


@dataclass
class ExperimentResults:
    experiment: Experiment
    metric: str
    start: datetime | None
    end: datetime | None
    planned_per_arm: int
    arms: list[ArmResult] = field(default_factory=list)
    views: int = 0  # peeks recorded so far (results opened while running below the plan)

    @property
    def visitors(self) -> int:
        return sum(a.visitors for a in self.arms)

    @property
    def below_plan(self) -> bool:
        return any(a.below_plan for a in self.arms)

    @property
    def smallest_arm(self) -> int:
        return min((a.visitors for a in self.arms), default=0)

    def warnings(self) -> list[str]:
        out = []
        if self.start is not None and self.below_plan:
            out.append(
                _("样本量不足，结论不可靠：每组计划 %(plan)s 名访客，目前最少的一组只有 %(n)s 名。")
                % {"plan": self.planned_per_arm, "n": self.smallest_arm}
            )
        if self.views:
            out.append(
                _(
                    "达到计划样本量前，结果已被查看 %(n)s 次。在 α=0.05 下反复查看会抬高假阳性率"
                    "（查看 10 次约升至 19%%）：请固定样本量，达到计划样本后再做决定。"
                )
                % {"n": self.views}
            )
        return out


def experiment_results(*, shop, experiment: Experiment, now: datetime | None = None) -> ExperimentResults:
    """Per variant: visitors, converters, revenue, the metric with its interval, and the comparison with the
    control (conversion: two-proportion z-test, unpooled interval; revenue per visitor: Welch, normal
    approximation). Reads only; see `experiment_results_open` for the page and API."""
    variants = list(experiment.variants)
    end = experiment.stopped_at or (now or timezone.now())
    results = ExperimentResults(
        experiment=experiment,
        metric=experiment.metric,
        start=experiment.started_at,
        end=end if experiment.started_at else None,
        planned_per_arm=experiment.planned_per_arm,
        arms=[
            ArmResult(
                key=v["key"],
                name=v["name"],
                weight=v["weight"],
                title=v.get("title", ""),
                image=v.get("image", ""),
                is_control=i == 0,
            )
            for i, v in enumerate(variants)
        ],
        views=ExperimentView.objects.for_shop(shop).filter(experiment=experiment).count(),
    )
    if experiment.started_at is None or not variants:
        return results
    start = experiment.started_at
    events = Event.objects.for_shop(shop).filter(ts__gte=start, ts__lte=end).exclude(visitor="")
    first_seen = dict(
        events.filter(kind=EventKind.PAGE_VIEW, product_id__in=list(experiment.product_ids))
        .values("visitor")
        .annotate(first=Min("ts"))
        .values_list("visitor", "first")
    )
    paid: dict[
        str, list[int]
    ] = {}  # visitor → [payments, fen]; the shop's payments of the period, matched here
    for visitor, ts, amount in (
        events.filter(kind=EventKind.ORDER_PAID).values_list("visitor", "ts", "amount_fen").iterator()
    ):
        first = first_seen.get(visitor)
        if first is not None and ts >= first:
            row = paid.setdefault(visitor, [0, 0])
            row[0] += 1
            row[1] += amount
    for visitor in first_seen:
        arm = results.arms[
            variant_index(key=experiment.key, experiment_id=experiment.pk, variants=variants, visitor=visitor)
        ]
        arm.visitors += 1
        count, fen = paid.get(visitor, (0, 0))
        if count:
            arm.converters += 1
            arm.revenue_fen += fen
            arm.revenue_sq += fen * fen
    _fill_statistics(results)
    return results


def _fill_statistics(results: ExperimentResults) -> None:
    control = results.arms[0]
    for arm in results.arms:
        arm.below_plan = arm.visitors < results.planned_per_arm
        if arm.visitors:
            arm.rate = arm.converters / arm.visitors
            arm.value_fen = arm.revenue_fen / arm.visitors
        sample = stats.Sample(n=arm.visitors, total=arm.revenue_fen, total_sq=arm.revenue_sq)
        if results.metric == Metric.REVENUE:
            arm.ci = stats.mean_ci(sample)
        else:
            arm.ci = stats.proportion_ci(arm.converters, arm.visitors)
        if arm.is_control:
            continue
        if results.metric == Metric.REVENUE:
            arm.vs_control = stats.compare_means(
                control=stats.Sample(
                    n=control.visitors, total=control.revenue_fen, total_sq=control.revenue_sq
                ),
                variant=sample,
            )
        else:
            arm.vs_control = stats.compare_proportions(
                control=(control.converters, control.visitors), variant=(arm.converters, arm.visitors)
            )
