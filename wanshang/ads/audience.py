"""引力魔方 audience plans: their delivery settings (CPC or CPM, the frequency cap) and crowd targets with a
bid multiplier each. Every write takes the caller's shop and finds rows through `for_shop`: another shop's
plan, target or crowd pack is 404. Rules: docs/ads-serving.md, "Audience ads (引力魔方)"."""

import hashlib
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wanshang.ads.audience_models import (
    FREQUENCY_CAP_MAX,
    MULTIPLIER_MAX,
    MULTIPLIER_MIN,
    AudienceSetup,
    AudienceTarget,
    Billing,
)
from wanshang.ads.models import AdPlan
from wanshang.ads.structure import plan_highest_bid
from wanshang.ads.wording import KEYWORD_MAX_CHARS, normalise
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.common.money import fen_to_yuan_str
from wanshang.insights.selectors import crowd_pack_get, crowd_packs

Kind = AudienceTarget.Kind
INTENT_WORDS_MAX = 10
_SPLIT = re.compile(r"[\s,，、;；]+")


def _audience_plan(shop, plan_id, *, lock=False) -> AdPlan:
    qs = AdPlan.objects.for_shop(shop)
    plan = (qs.select_for_update() if lock else qs).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("推广计划不存在")
    if plan.kind != AdPlan.Kind.AUDIENCE:
        raise ValidationError("这不是人群推广计划", field="plan")
    return plan


def _target(shop, target_id) -> AudienceTarget:
    target = AudienceTarget.objects.for_shop(shop).select_related("plan").filter(pk=target_id).first()
    if target is None:
        raise NotFound("定向人群不存在")
    return target


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_multiplier(value, *, field_name="multiplier_pct") -> int:
    if not _int(value) or not MULTIPLIER_MIN <= value <= MULTIPLIER_MAX:
        raise ValidationError(f"出价系数须是 {MULTIPLIER_MIN}%–{MULTIPLIER_MAX}% 的整数", field=field_name)
    return value


def check_frequency_cap(value) -> int:
    if not _int(value) or not 1 <= value <= FREQUENCY_CAP_MAX:
        raise ValidationError(f"频次上限须是 1–{FREQUENCY_CAP_MAX} 次", field="frequency_cap")
    return value


def intent_words(raw) -> list[str]:
    """The words of a keyword-intent crowd: split on spaces and commas, normalised like keywords, at most
    INTENT_WORDS_MAX, each at most KEYWORD_MAX_CHARS."""
    parts = raw if isinstance(raw, list) else _SPLIT.split(str(raw or ""))
    words = []
    for part in parts:
        if not isinstance(part, str):
            raise ValidationError("意向词须是文字", field="words")
        word = normalise(part)
        if not word:
            continue
        if len(word) > KEYWORD_MAX_CHARS:
            raise ValidationError(f"意向词“{word[:10]}…”超过 {KEYWORD_MAX_CHARS} 个字", field="words")
        if word not in words:
            words.append(word)
    if not words:
        raise ValidationError("请填写至少一个意向词", field="words")
    if len(words) > INTENT_WORDS_MAX:
        raise ValidationError(f"意向词最多 {INTENT_WORDS_MAX} 个", field="words")
    return words


def _check_fits_budget(plan: AdPlan, multiplier_pct: int) -> None:
    """The plan's highest bid × the multiplier must fit its daily budget: one click (or one CPM block) more
    than the budget could never be charged, and the plan would never serve."""
    top = plan_highest_bid(plan_id=plan.pk) * multiplier_pct // 100
    if top > plan.daily_budget_fen:
        raise ValidationError(
            f"最高出价 × {multiplier_pct}% = ¥{fen_to_yuan_str(top)}，高于日预算 ¥{fen_to_yuan_str(plan.daily_budget_fen)}",
            field="multiplier_pct",
        )


# --- the plan's delivery settings ----------------------------------------------------------------------------


def audience_setup(*, shop, plan_id) -> AudienceSetup:
    """The audience plan's settings (unsaved defaults, CPC and 3 a day, until first changed). Another shop's
    plan is 404."""
    plan = _audience_plan(shop, plan_id)
    return AudienceSetup.objects.filter(plan=plan).first() or AudienceSetup(plan=plan, shop_id=plan.shop_id)


def audience_setup_update(*, shop, plan_id, billing: str, frequency_cap: int) -> AudienceSetup:
    """Change how the plan pays and its daily frequency cap. Billing is chosen before the plan first starts
    (a draft): impressions already served must keep the billing they were shown under."""
    if billing not in Billing.values:
        raise ValidationError("计费方式须是 CPC 或 CPM", field="billing")
    check_frequency_cap(frequency_cap)
    with transaction.atomic():
        plan = _audience_plan(shop, plan_id, lock=True)
        if plan.status == AdPlan.Status.ENDED:
            raise Conflict("计划已结束，不能再修改")
        setup, _ = AudienceSetup.objects.get_or_create(plan=plan, defaults={"shop_id": plan.shop_id})
        if billing != setup.billing and plan.status != AdPlan.Status.DRAFT:
            raise Conflict("计划开始投放后不能再更改计费方式", field="billing")
        setup.billing, setup.frequency_cap = billing, frequency_cap
        setup.save(update_fields=["billing", "frequency_cap", "updated_at"])
        return setup


# --- crowd targets -------------------------------------------------------------------------------------------


def target_add(*, shop, plan_id, kind: str, multiplier_pct: int, pack_id=None, words=None) -> AudienceTarget:
    """Target one more crowd. Refuses an unknown kind, a multiplier out of range, a crowd pack that is not the
    shop's, intent words that are empty or too long, and a crowd the plan already targets."""
    if kind not in Kind.values:
        raise ValidationError("未知的人群类型", field="kind")
    check_multiplier(multiplier_pct)
    fields = {"kind": kind, "multiplier_pct": multiplier_pct, "key": kind}
    if kind == Kind.PACK:
        if not _int(pack_id) or pack_id <= 0:
            raise ValidationError("请选择人群包", field="pack_id")
        try:
            pack = crowd_pack_get(shop=shop, pack_id=pack_id)
        except NotFound as exc:
            raise ValidationError("人群包不存在", field="pack_id") from exc
        fields.update(pack_id=pack.pk, key=f"pack:{pack.pk}")
    elif kind == Kind.INTENT:
        chosen = intent_words(words)
        digest = hashlib.sha256(",".join(sorted(chosen)).encode()).hexdigest()[:24]
        fields.update(words=chosen, key=f"intent:{digest}")
    with transaction.atomic():
        plan = _audience_plan(shop, plan_id, lock=True)
        if plan.status == AdPlan.Status.ENDED:
            raise Conflict("计划已结束，不能再修改")
        _check_fits_budget(plan, multiplier_pct)
        if AudienceTarget.objects.filter(plan=plan, key=fields["key"]).exists():
            raise Conflict("计划已经定向了这个人群", field="kind")
        try:
            with transaction.atomic():
                return AudienceTarget.objects.create(shop_id=plan.shop_id, plan=plan, **fields)
        except IntegrityError as exc:
            raise Conflict("计划已经定向了这个人群", field="kind") from exc


def target_update(*, shop, target_id, multiplier_pct=None, status=None) -> AudienceTarget:
    target = _target(shop, target_id)
    if target.plan.status == AdPlan.Status.ENDED:
        raise Conflict("计划已结束，不能再修改")
    if multiplier_pct is not None:
        target.multiplier_pct = check_multiplier(multiplier_pct)
        _check_fits_budget(target.plan, multiplier_pct)
    if status is not None:
        if status not in AudienceTarget.Status.values:
            raise ValidationError("状态须是 active 或 paused", field="status")
        target.status = status
    target.save(update_fields=["multiplier_pct", "status"])
    return target


def target_delete(*, shop, target_id) -> None:
    target = _target(shop, target_id)
    if target.plan.status == AdPlan.Status.ENDED:
        raise Conflict("计划已结束，不能再修改")
    target.delete()


# --- reads ---------------------------------------------------------------------------------------------------


def target_list(*, shop, plan_id) -> list[AudienceTarget]:
    """The plan's crowd targets, each with `label` (what the seller reads; a competing shop is never named)."""
    plan = _audience_plan(shop, plan_id)
    targets = list(AudienceTarget.objects.for_shop(shop).filter(plan=plan))
    names = {p.pk: p.name for p in crowd_packs(shop=shop)} if any(t.pack_id for t in targets) else {}
    for t in targets:
        t.label = target_label(t, names)
    return targets


def target_get(*, shop, target_id) -> AudienceTarget:
    target = _target(shop, target_id)
    names = {p.pk: p.name for p in crowd_packs(shop=shop)} if target.pack_id else {}
    target.label = target_label(target, names)
    return target


def target_label(target: AudienceTarget, pack_names: dict) -> str:
    kind = str(target.get_kind_display())
    if target.kind == Kind.PACK:
        name = pack_names.get(target.pack_id) or _("（已删除）")
        return _("%(kind)s：%(name)s") % {"kind": kind, "name": name}
    if target.kind == Kind.INTENT:
        return _("%(kind)s：%(name)s") % {"kind": kind, "name": _("、").join(target.words)}
    return kind


def pack_choices(*, shop) -> list[tuple[int, str]]:
    """The shop's 人群包 a plan may target: (id, name with its size)."""
    return [(p.pk, _("%(name)s（%(n)s 人）") % {"name": p.name, "n": p.size}) for p in crowd_packs(shop=shop)]


def crowd_packs_of(*, shop):
    """The shop's 人群包 (newest first) that its audience plans may target."""
    return crowd_packs(shop=shop)
