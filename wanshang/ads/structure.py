"""Writes of the 直通车 structure: plans (with their state machine), ad groups, keywords, negatives and
creatives. Every write takes the caller's shop and finds rows through `for_shop`: another shop's ids are 404."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from wanshang.adlaw.selectors import strict_category_for
from wanshang.adlaw.services import texts_check, texts_forget
from wanshang.ads.models import AdCreative, AdGroup, AdKeyword, AdPlan, MatchType, NegativeKeyword
from wanshang.ads.regions import check_regions
from wanshang.ads.rules import ad_settings
from wanshang.ads.wording import (
    CREATIVES_PER_GROUP,
    KEYWORD_MAX_CHARS,
    TitleWarning,
    creative_title_warnings,
    normalise,
    title_words,
)
from wanshang.catalog.selectors import category_ancestors, seller_product_get
from wanshang.common.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from wanshang.common.money import MAX_FEN, fen_to_yuan_str
from wanshang.merchants.selectors import shop_sanctions
from wanshang.search.selectors import query_words

S = AdPlan.Status
# status → the statuses it may move to (ended is final)
TRANSITIONS = {
    S.DRAFT: {S.ACTIVE, S.ENDED},
    S.ACTIVE: {S.PAUSED, S.ENDED},
    S.PAUSED: {S.ACTIVE, S.ENDED},
    S.ENDED: set(),
}
MULTIPLIER_MAX = 400  # hour multipliers; region multipliers go to regions.REGION_MAX
_SHOP_KIND = re.compile(
    r"(官方)?(旗舰店|专营店|专卖店|企业店|店铺|店)$"
)  # percent; 0 = not shown in that hour / region


@dataclass
class PlanInput:
    name: str
    daily_budget_fen: int
    start_date: date
    end_date: date | None = None
    total_budget_fen: int | None = None
    hour_multipliers: list[int] = field(default_factory=lambda: [100] * 24)
    region_multipliers: dict[str, int] = field(default_factory=dict)
    on_pc: bool = True
    on_mobile: bool = True
    pacing: str = AdPlan.Pacing.STANDARD
    kind: str = AdPlan.Kind.KEYWORD


@dataclass
class KeywordInput:
    word: str
    bid_fen: int | None = None
    match_type: str = MatchType.BROAD


# --- lookups (the shop's own rows only) ----------------------------------------------------------------------


def _plan(shop, plan_id, *, lock=False) -> AdPlan:
    qs = AdPlan.objects.for_shop(shop)
    plan = (qs.select_for_update() if lock else qs).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("推广计划不存在")
    return plan


def _group(shop, group_id, *, lock=False) -> AdGroup:
    qs = AdGroup.objects.for_shop(shop)
    group = (
        (qs.select_for_update() if lock else qs).select_related("plan", "product").filter(pk=group_id).first()
    )
    if group is None:
        raise NotFound("推广单元不存在")
    return group


def _editable(plan: AdPlan) -> None:
    if plan.status == S.ENDED:
        raise Conflict("计划已结束，不能再修改")


def _manual(plan: AdPlan) -> None:
    """A 全站推广 plan's products and keywords are the system's (`autoplans.py`), not edited one by one."""
    if plan.kind == AdPlan.Kind.AUTO:
        raise Conflict("全站推广计划的商品和关键词由系统管理，请在计划设置中修改")


def _on_search(plan: AdPlan) -> None:
    """Keywords, negatives and creatives are search ads' (直通车, 全站推广): an audience plan serves on crowds
    and shows the product's own picture and title, so they would be stored and never used."""
    if plan.kind == AdPlan.Kind.AUDIENCE:
        raise Conflict("人群推广计划按定向人群投放，不用关键词、否定词和创意")


# --- checks --------------------------------------------------------------------------------------------------


def check_bid(bid_fen, *, field_name="bid") -> int:
    """A bid is whole fen, at least the reserve price, at most the platform's maximum bid."""
    rules = ad_settings()
    if not isinstance(bid_fen, int) or isinstance(bid_fen, bool) or bid_fen <= 0:
        raise ValidationError("出价必须大于 0", field=field_name)
    if bid_fen < rules.reserve_price_fen:
        raise ValidationError(
            f"出价不能低于底价 ¥{fen_to_yuan_str(rules.reserve_price_fen)}", field=field_name
        )
    if bid_fen > rules.max_bid_fen:
        raise ValidationError(f"出价不能高于 ¥{fen_to_yuan_str(rules.max_bid_fen)}", field=field_name)
    return bid_fen


def check_word(word: str, *, field_name="word") -> str:
    text = normalise(word)
    if not text:
        raise ValidationError("关键词不能为空", field=field_name)
    if len(text) > KEYWORD_MAX_CHARS:
        raise ValidationError(f"关键词“{text[:10]}…”超过 {KEYWORD_MAX_CHARS} 个字", field=field_name)
    if not query_words(text):
        raise ValidationError(
            f"“{text}”只有搜索忽略的词（如 的、新款、包邮），匹配不到任何搜索", field=field_name
        )
    return text


def plan_highest_bid(*, plan_id: int) -> int:
    """The largest click price the plan can pay: the highest default or keyword bid of its groups."""
    group_max = AdGroup.objects.filter(plan_id=plan_id).aggregate(m=Max("default_bid_fen"))["m"] or 0
    keyword_max = AdKeyword.objects.filter(group__plan_id=plan_id).aggregate(m=Max("bid_fen"))["m"] or 0
    return max(group_max, keyword_max)


def _check_budget_covers(plan: AdPlan, bid_fen: int, *, field_name="bid") -> None:
    if bid_fen > plan.daily_budget_fen:
        raise ValidationError(
            f"出价 ¥{fen_to_yuan_str(bid_fen)} 高于计划日预算 ¥{fen_to_yuan_str(plan.daily_budget_fen)}：预算不够一次点击",
            field=field_name,
        )


def _check_plan(data: PlanInput, *, highest_bid: int) -> None:
    name = (data.name or "").strip()
    if not name or len(name) > 40:
        raise ValidationError("计划名称须为 1–40 个字", field="name")
    data.name = name
    if data.kind not in (AdPlan.Kind.KEYWORD, AdPlan.Kind.AUDIENCE):
        raise ValidationError("目前只能创建关键词推广或人群推广计划", field="kind")
    if data.pacing not in AdPlan.Pacing.values:
        raise ValidationError("投放方式无效", field="pacing")
    budget = data.daily_budget_fen
    if not isinstance(budget, int) or budget <= 0:
        raise ValidationError("日预算必须大于 0", field="daily_budget")
    floor = max(highest_bid, ad_settings().reserve_price_fen)
    if budget < floor:
        raise ValidationError(
            f"日预算不能低于一次点击的价格 ¥{fen_to_yuan_str(floor)}（本计划最高出价或平台底价）",
            field="daily_budget",
        )
    if budget > 100_000_000:
        raise ValidationError("日预算过大", field="daily_budget")
    if data.total_budget_fen is not None and data.total_budget_fen < budget:
        raise ValidationError("总预算不能低于日预算", field="total_budget")
    if data.total_budget_fen is not None and data.total_budget_fen > MAX_FEN:
        # past the 64-bit column PostgreSQL refuses the row (a DataError, a 500)
        raise ValidationError(f"总预算不能超过 ¥{fen_to_yuan_str(MAX_FEN)}", field="total_budget")
    if data.end_date is not None and data.end_date < data.start_date:
        raise ValidationError("结束日期不能早于开始日期", field="end_date")
    if not (data.on_pc or data.on_mobile):
        raise ValidationError("请至少选择一个投放终端", field="terminals")
    hours = data.hour_multipliers
    if not isinstance(hours, list) or len(hours) != 24 or not all(_pct(h) for h in hours):
        raise ValidationError(f"分时折扣须是 24 个 0–{MULTIPLIER_MAX} 的百分比", field="hour_multipliers")
    data.region_multipliers = check_regions(data.region_multipliers)


def _pct(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MULTIPLIER_MAX


# --- plans ---------------------------------------------------------------------------------------------------


_PLAN_FIELDS = (
    "name",
    "daily_budget_fen",
    "total_budget_fen",
    "start_date",
    "end_date",
    "hour_multipliers",
    "region_multipliers",
    "on_pc",
    "on_mobile",
    "pacing",
)


def plan_create(*, shop, data: PlanInput) -> AdPlan:
    """A draft plan. Refuses a budget below one click, dates out of order, bad multipliers."""
    _check_plan(data, highest_bid=0)
    if data.start_date < _today():
        raise ValidationError("开始日期不能早于今天", field="start_date")
    return AdPlan.objects.create(shop=shop, kind=data.kind, **{k: getattr(data, k) for k in _PLAN_FIELDS})


def plan_update(*, shop, plan_id: int, data: PlanInput) -> AdPlan:
    """Change a plan's settings. A budget below the plan's highest bid is refused; a total budget below what
    the plan already spent too."""
    with transaction.atomic():
        plan = _plan(shop, plan_id, lock=True)
        _editable(plan)
        data.kind = plan.kind
        _check_plan(data, highest_bid=plan_highest_bid(plan_id=plan.pk))
        if data.total_budget_fen is not None and data.total_budget_fen < plan.total_spend_fen:
            raise ValidationError(
                f"总预算不能低于已花费的 ¥{fen_to_yuan_str(plan.total_spend_fen)}", field="total_budget"
            )
        for key in _PLAN_FIELDS:
            setattr(plan, key, getattr(data, key))
        plan.save()
        return plan


def plan_set_status(*, shop, plan_id: int, status: str) -> AdPlan:
    """Move a plan through draft → active ⇄ paused → ended. Activating a plan past its end date is refused."""
    with transaction.atomic():
        plan = _plan(shop, plan_id, lock=True)
        if status not in S.values:
            raise ValidationError("未知的计划状态", field="status")
        if status not in TRANSITIONS[plan.status]:
            raise InvalidTransition(f"计划{plan.get_status_display()}，不能改为{S(status).label}")
        if status == S.ACTIVE and plan.end_date is not None and plan.end_date < _today():
            raise Conflict("计划已过结束日期，不能开启")
        if status == S.ACTIVE:
            check_ads_allowed(shop_id=plan.shop_id)
        plan.status = status
        plan.save(update_fields=["status", "updated_at"])
        return plan


def check_ads_allowed(*, shop_id: int) -> None:
    """体检中心 禁止推广 (docs/health.md): a sanctioned shop cannot start a plan or top up its account."""
    if "no_ads" in shop_sanctions(shop_id=shop_id):
        raise PermissionDenied(
            "店铺体检中心扣分已达“禁止推广”处罚，暂不能开启推广计划或充值；整改或申诉后可恢复"
        )


def _today() -> date:
    return timezone.localdate()


# --- groups --------------------------------------------------------------------------------------------------


def group_create(*, shop, plan_id: int, product_id: int, default_bid_fen: int) -> AdGroup:
    """A group promoting one of the shop's products on sale; its bid fits the plan's daily budget."""
    check_bid(default_bid_fen, field_name="default_bid")
    product = seller_product_get(shop=shop, product_id=product_id)  # another shop's product: 404
    if product.status != "on_sale":
        raise ValidationError("只能推广出售中的商品", field="product")
    with transaction.atomic():
        plan = _plan(shop, plan_id, lock=True)
        _editable(plan)
        _manual(plan)
        _check_budget_covers(plan, default_bid_fen, field_name="default_bid")
        try:
            with transaction.atomic():
                return AdGroup.objects.create(
                    shop=shop, plan=plan, product=product, default_bid_fen=default_bid_fen
                )
        except IntegrityError as exc:
            raise ValidationError("该商品已在本计划中推广", field="product") from exc


def group_update(
    *, shop, group_id: int, default_bid_fen: int | None = None, status: str | None = None
) -> AdGroup:
    with transaction.atomic():
        group = _group(shop, group_id)
        plan = _plan(shop, group.plan_id, lock=True)
        _editable(plan)
        if default_bid_fen is not None:
            check_bid(default_bid_fen, field_name="default_bid")
            _check_budget_covers(plan, default_bid_fen, field_name="default_bid")
            group.default_bid_fen = default_bid_fen
        if status is not None:
            if status not in AdGroup.Status.values:
                raise ValidationError("未知的单元状态", field="status")
            group.status = status
        group.save()
        return group


# --- keywords ------------------------------------------------------------------------------------------------


def keywords_add(*, shop, group_id: int, rows: list[KeywordInput]) -> list[AdKeyword]:
    """Add keywords to a group, all or none: a refused row (empty, too long, a duplicate in the group or in the
    batch, a bad bid, a bid above the plan's daily budget) refuses the batch and names the row."""
    if not rows:
        raise ValidationError("请至少填写一个关键词", field="keywords")
    with transaction.atomic():
        group = _group(shop, group_id, lock=True)  # serialises adds to one group: the count below holds
        plan = group.plan
        _editable(plan)
        _manual(plan)
        _on_search(plan)
        existing = set(AdKeyword.objects.filter(group=group).values_list("word", flat=True))
        limit = ad_settings().max_keywords_per_group
        if len(existing) + len(rows) > limit:
            raise ValidationError(
                f"每个推广单元最多 {limit} 个关键词（已有 {len(existing)} 个）", field="keywords"
            )
        made, seen = [], set()
        for n, row in enumerate(rows, start=1):
            word = _row_checked(row, n, plan, existing | seen)
            seen.add(word)
            made.append(
                AdKeyword(
                    shop=shop,
                    group=group,
                    word=word,
                    tokens=query_words(word),
                    bid_fen=row.bid_fen,
                    match_type=row.match_type,
                )
            )
        return AdKeyword.objects.bulk_create(made)


def _row_checked(row: KeywordInput, n: int, plan: AdPlan, taken: set[str]) -> str:
    prefix = f"第 {n} 行："
    try:
        word = check_word(row.word, field_name="keywords")
        if word in taken:
            raise ValidationError(f"关键词“{word}”已存在", field="keywords")
        if row.match_type not in MatchType.values:
            raise ValidationError("匹配方式须是 精确/短语/广泛", field="keywords")
        if row.bid_fen is not None:
            check_bid(row.bid_fen, field_name="keywords")
            _check_budget_covers(plan, row.bid_fen, field_name="keywords")
    except ValidationError as exc:
        raise ValidationError(prefix + exc.message, field="keywords") from exc
    return word


def keyword_update(
    *, shop, keyword_id: int, bid_fen: int | None = None, inherit: bool = False, match_type=None, status=None
) -> AdKeyword:
    """Change a keyword's bid (or `inherit`: use the group's default bid), match type or status."""
    with transaction.atomic():
        keyword = AdKeyword.objects.for_shop(shop).select_related("group").filter(pk=keyword_id).first()
        if keyword is None:
            raise NotFound("关键词不存在")
        plan = _plan(shop, keyword.group.plan_id, lock=True)
        _editable(plan)
        if inherit:
            keyword.bid_fen = None
        elif bid_fen is not None:
            check_bid(bid_fen)
            _check_budget_covers(plan, bid_fen)
            keyword.bid_fen = bid_fen
        if match_type is not None:
            if match_type not in MatchType.values:
                raise ValidationError("匹配方式须是 精确/短语/广泛", field="match_type")
            keyword.match_type = match_type
        if status is not None:
            if status not in AdKeyword.Status.values:
                raise ValidationError("未知的关键词状态", field="status")
            keyword.status = status
        keyword.save()
        return keyword


def keyword_delete(*, shop, keyword_id: int) -> None:
    if not AdKeyword.objects.for_shop(shop).filter(pk=keyword_id).delete()[0]:
        raise NotFound("关键词不存在")


# --- negatives -----------------------------------------------------------------------------------------------


def negative_add(
    *, shop, plan_id: int, word: str, match_type: str, group_id: int | None = None
) -> NegativeKeyword:
    """A negative keyword of the plan (group_id None) or of one of its groups."""
    word = check_word(word)
    if match_type not in NegativeKeyword.Match.values:
        raise ValidationError("否定词只能精确或短语匹配", field="match_type")
    plan = _plan(shop, plan_id)
    _editable(plan)
    _on_search(plan)
    group = None
    if group_id is not None:
        group = _group(shop, group_id)
        if group.plan_id != plan.pk:
            raise NotFound("推广单元不存在")
    try:
        with transaction.atomic():
            return NegativeKeyword.objects.create(
                shop=shop, plan=plan, group=group, word=word, tokens=query_words(word), match_type=match_type
            )
    except IntegrityError as exc:
        raise ValidationError(f"否定词“{word}”已存在", field="word") from exc


def negative_delete(*, shop, negative_id: int) -> None:
    if not NegativeKeyword.objects.for_shop(shop).filter(pk=negative_id).delete()[0]:
        raise NotFound("否定词不存在")


# --- creatives -----------------------------------------------------------------------------------------------


def creative_title_check(*, group: AdGroup, title: str) -> list[TitleWarning]:
    """The formula's warnings for a title of this group's product."""
    product = group.product
    brands = [b for b in (getattr(product.brand, "name", ""), getattr(product.brand, "name_en", "")) if b]
    brands.append(group.shop.name)
    # a shop's name without its kind (青禾服饰旗舰店 → 青禾服饰) is how a title names the brand
    brands.append(_SHOP_KIND.sub("", group.shop.name))
    core = [product.category.name, *title_words(product.title)]
    return creative_title_warnings(
        title, brand_names=brands, core_words=core, trust_words=ad_settings().trust_words
    )


def creative_add(*, shop, group_id: int, title: str, image_url: str) -> tuple[AdCreative, list[TitleWarning]]:
    """A creative: a title (warnings, not a refusal, when it misses the formula or passes 20 characters; over
    40 is refused) and one of the product's own images. At most four per group."""
    title = (title or "").strip()
    if not title:
        raise ValidationError("请填写创意标题", field="title")
    if len(title) > 40:
        raise ValidationError("创意标题不能超过 40 个字", field="title")
    with transaction.atomic():
        group = _group(shop, group_id, lock=True)
        _editable(group.plan)
        _on_search(group.plan)
        if image_url not in (group.product.images or []):
            raise ValidationError("请从该商品的图片中选择创意图片", field="image_url")
        if AdCreative.objects.filter(group=group).count() >= CREATIVES_PER_GROUP:
            raise ValidationError(f"每个推广单元最多 {CREATIVES_PER_GROUP} 个创意", field="title")
        creative = AdCreative.objects.create(shop=shop, group=group, title=title, image_url=image_url)
        adlaw = _adlaw_creative(shop, group, creative)
    return creative, creative_title_check(group=group, title=title) + adlaw


def _adlaw_creative(shop, group: AdGroup, creative: AdCreative) -> list[TitleWarning]:
    """广告法: a blocking term refuses the creative on its title (strict in the product's category); warn
    terms come back as title warnings with the suggestion."""
    path = [c.slug for c in category_ancestors(group.product.category)]
    found = texts_check(
        shop=shop,
        source="ad",
        source_id=creative.pk,
        fields={"title": creative.title},
        category=strict_category_for(category_slugs=path),
    )
    return [
        TitleWarning("adlaw", f"含广告法提醒用语“{h.term}”，建议改为“{'”“'.join(h.replacements[:3])}”")
        for h in found.get("title", [])
    ]


def creative_delete(*, shop, creative_id: int) -> None:
    if not AdCreative.objects.for_shop(shop).filter(pk=creative_id).delete()[0]:
        raise NotFound("创意不存在")
    texts_forget(shop=shop, source="ad", source_id=creative_id)
