"""Writes of 店铺活动页: save a page (its modules checked, every text through the 广告法 scanner in the save's
transaction, button labels through copywriting's button check), publish, take offline, delete.

Every function takes the acting staff member; the shop is theirs. Another shop's page, product, coupon or
picture is NotFound; bad input is ValidationError naming the field (`title`, `slug`, `ends_at`, `modules`, or
`m<n>` for the n-th module); an illegal state change is InvalidTransition (409)."""

import re
from datetime import datetime

import nh3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wanshang.adlaw.selectors import text_scan
from wanshang.adlaw.services import block_message, texts_check, texts_forget
from wanshang.catalog.selectors import seller_product_list
from wanshang.common.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from wanshang.copywriting.selectors import button_check
from wanshang.marketing.selectors import promotion_list
from wanshang.media.selectors import assets_by_id
from wanshang.merchants.permissions import MARKETING, role_can
from wanshang.shoppages.models import ShopPage
from wanshang.shoppages.types import (
    ALT_MAX,
    HEADING_MAX,
    LABEL_MAX,
    MODULE_TYPES,
    SCAN_FIELD,
    SLUG_MAX,
    TARGET_KINDS,
    TEXT_KEYS,
    TITLE_MAX,
    SaveResult,
)

SOURCE = "campaign"  # adlaw's source for these texts (the nightly rescan reads them again)
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
STATE = ShopPage.State


def limits() -> dict:
    conf = settings.WANSHANG
    return {
        "modules": conf["SHOPPAGES_MAX_MODULES"],
        "text": conf["SHOPPAGES_TEXT_MAX_CHARS"],
        "products": conf["SHOPPAGES_GRID_MAX_PRODUCTS"],
        "coupons": conf["SHOPPAGES_MAX_COUPONS"],
    }


def _require(staff) -> None:
    if not role_can(staff.role, MARKETING):
        raise PermissionDenied("你的角色没有营销活动的权限")


def _page_for_update(shop, page_id) -> ShopPage:
    try:
        pk = int(page_id)
    except (TypeError, ValueError):
        raise NotFound("活动页不存在") from None
    page = ShopPage.objects.for_shop(shop).select_for_update().filter(pk=pk).first()
    if page is None:
        raise NotFound("活动页不存在")
    return page


# --- cleaning the input ---------------------------------------------------------------------------------------


def _text(value, *, field: str, what: str, limit: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{what}须为文字", field=field)
    value = value.strip()
    if required and not value:
        raise ValidationError(f"请填写{what}", field=field)
    if len(value) > limit:
        raise ValidationError(f"{what}不超过 {limit} 个字（现 {len(value)} 字）", field=field)
    return value


def _paragraph(value, *, field: str, limit: int) -> str:
    """A text paragraph is plain text: any markup is taken out (nh3 with no tags allowed), line breaks kept."""
    text = _text(value, field=field, what="文字段落", limit=limit * 2)
    cleaned = nh3.clean(text, tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    cleaned = cleaned.replace("&quot;", '"').replace("&#39;", "'").strip()
    if not cleaned:
        raise ValidationError("请填写文字段落", field=field)
    if len(cleaned) > limit:
        raise ValidationError(f"文字段落不超过 {limit} 个字（现 {len(cleaned)} 字）", field=field)
    return cleaned


def _id(value, *, field: str, what: str) -> int:
    if isinstance(value, bool):
        raise ValidationError(f"{what}编号须为整数", field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what}编号须为整数", field=field) from None
    if number <= 0:
        raise ValidationError(f"{what}编号须为正整数", field=field)
    return number


def _ids(values, *, field: str, what: str, limit: int) -> list[int]:
    if isinstance(values, str):
        values = [v for v in re.split(r"[,，\s]+", values) if v]
    if not isinstance(values, (list, tuple)):
        raise ValidationError(f"请选择{what}", field=field)
    out = list(dict.fromkeys(_id(v, field=field, what=what) for v in values))
    if not out:
        raise ValidationError(f"请至少选择一个{what}", field=field)
    if len(out) > limit:
        raise ValidationError(f"{what}最多 {limit} 个", field=field)
    return out


def _target(value, *, field: str, optional: bool) -> dict:
    """{"kind": shop | product | coupon, "id": …}; "product:12" / "coupon:3" / "shop" as typed in a form."""
    if isinstance(value, str):
        kind, _, ident = value.partition(":")
        value = {"kind": kind, "id": ident or None}
    if not value or not isinstance(value, dict) or not value.get("kind"):
        if optional:
            return {"kind": "", "id": None}
        raise ValidationError("请选择按钮跳转到哪里", field=field)
    kind = value.get("kind")
    if kind not in TARGET_KINDS:
        raise ValidationError("跳转目标只能是商品、优惠券或店铺首页", field=field)
    if kind == "shop":
        return {"kind": "shop", "id": None}
    return {
        "kind": kind,
        "id": _id(value.get("id"), field=field, what="商品" if kind == "product" else "优惠券"),
    }


def _module(raw, *, n: int, caps: dict) -> dict:
    field = f"m{n}"
    if not isinstance(raw, dict):
        raise ValidationError(f"第 {n} 个模块格式有误", field=field)
    kind = raw.get("type")
    if kind not in MODULE_TYPES:
        raise ValidationError(f"第 {n} 个模块的类型“{str(kind)[:20]}”不存在", field=field)
    if kind == "banner":
        return {
            "type": kind,
            "image_id": _id(raw.get("image_id"), field=field, what="图片"),
            "alt": _text(raw.get("alt"), field=field, what="图片说明（alt）", limit=ALT_MAX),
            "target": _target(raw.get("target"), field=field, optional=True),
        }
    if kind == "heading":
        return {"type": kind, "text": _text(raw.get("text"), field=field, what="小标题", limit=HEADING_MAX)}
    if kind == "text":
        return {"type": kind, "text": _paragraph(raw.get("text"), field=field, limit=caps["text"])}
    if kind == "products":
        ids = _ids(raw.get("product_ids"), field=field, what="商品", limit=caps["products"])
        return {"type": kind, "product_ids": ids}
    if kind == "coupons":
        ids = _ids(raw.get("coupon_ids"), field=field, what="优惠券", limit=caps["coupons"])
        return {"type": kind, "coupon_ids": ids}
    return {
        "type": kind,
        "label": _text(raw.get("label"), field=field, what="按钮文字", limit=LABEL_MAX),
        "target": _target(raw.get("target"), field=field, optional=False),
    }


def clean_modules(modules) -> list[dict]:
    """The modules as data, in order; ValidationError on the first bad one (field `m<n>`) or too many."""
    caps = limits()
    if modules is None:
        modules = []
    if not isinstance(modules, (list, tuple)):
        raise ValidationError("模块格式有误", field="modules")
    if len(modules) > caps["modules"]:
        raise ValidationError(f"一个页面最多 {caps['modules']} 个模块", field="modules")
    return [_module(raw, n=n, caps=caps) for n, raw in enumerate(modules, start=1)]


def _refs(modules: list[dict]) -> dict[str, list[tuple[int, int]]]:
    """(module position, id) of every product, coupon and picture the modules name."""
    out: dict[str, list[tuple[int, int]]] = {"product": [], "coupon": [], "image": []}
    for n, m in enumerate(modules, start=1):
        out["product"] += [(n, i) for i in m.get("product_ids", [])]
        out["coupon"] += [(n, i) for i in m.get("coupon_ids", [])]
        if m["type"] == "banner":
            out["image"].append((n, m["image_id"]))
        target = m.get("target") or {}
        if target.get("kind") in ("product", "coupon"):
            out[target["kind"]].append((n, target["id"]))
    return out


def _check_owned(shop, modules: list[dict], now: datetime) -> None:
    """Every product must be the shop's own and on sale, every coupon the shop's own and not ended, every
    picture the shop's own upload: another shop's (or none) is NotFound on the module that names it."""
    refs = _refs(modules)
    if refs["product"]:
        wanted = {i for _, i in refs["product"]}
        found = set(
            seller_product_list(shop=shop, status="on_sale")
            .filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
        for n, i in refs["product"]:
            if i not in found:
                raise NotFound(f"第 {n} 个模块：商品 {i} 不存在或未上架", field=f"m{n}")
    if refs["coupon"]:
        wanted = {i for _, i in refs["coupon"]}
        found = set(
            promotion_list(shop=shop, kind="coupon")
            .filter(pk__in=wanted, ends_at__gt=now)
            .values_list("pk", flat=True)
        )
        for n, i in refs["coupon"]:
            if i not in found:
                raise NotFound(f"第 {n} 个模块：优惠券 {i} 不存在或已结束", field=f"m{n}")
    if refs["image"]:
        assets = assets_by_id(shop=shop, ids=[i for _, i in refs["image"]], own_only=True)
        for n, i in refs["image"]:
            if i not in assets or assets[i].kind != "image":
                raise NotFound(f"第 {n} 个模块：图片 {i} 不在本店图片库中", field=f"m{n}")


def _window(starts_at, ends_at):
    for value, field in ((starts_at, "starts_at"), (ends_at, "ends_at")):
        if value is not None and not isinstance(value, datetime):
            raise ValidationError("时间格式有误", field=field)
    if starts_at and timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if ends_at and timezone.is_naive(ends_at):
        ends_at = timezone.make_aware(ends_at)
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError("结束时间须晚于开始时间", field="ends_at")
    return starts_at, ends_at


def _slug(value) -> str:
    slug = str(value or "").strip().lower()
    if not 2 <= len(slug) <= SLUG_MAX or not SLUG_RE.match(slug):
        raise ValidationError(
            f"网址名须为 2–{SLUG_MAX} 位小写字母、数字或连字符（-），且不以连字符开头或结尾", field="slug"
        )
    return slug


# --- the 广告法 scan and the button check ----------------------------------------------------------------------


def scan_fields(title: str, modules: list[dict]) -> dict[str, str]:
    """The buyer-visible texts of a page, by the field name the scanner records them under."""
    fields = {"title": title}
    for n, m in enumerate(modules, start=1):
        key = TEXT_KEYS.get(m["type"])
        if key and m.get(key):
            fields[f"{SCAN_FIELD[m['type']]}.{n}"] = m[key]
    return fields


def _module_of(field: str) -> str:
    name, _, n = field.partition(".")
    return f"m{n}" if n else name


def _refuse_blocking(shop, fields: dict[str, str]) -> None:
    """A blocking term refuses the save on its own field (`title` or `m<n>`) with the suggestion."""
    for field, text in fields.items():
        for hit in text_scan(text, shop=shop):
            if hit.blocking:
                where = _module_of(field)
                prefix = "" if where == "title" else f"第 {where[1:]} 个模块："
                raise ValidationError(prefix + block_message(field, hit), field=where, code="adlaw")


def button_findings(modules: list[dict]) -> dict:
    """label.<n> → copywriting's findings for that button's label (weak verbs and stronger phrases)."""
    out = {}
    for n, m in enumerate(modules, start=1):
        if m["type"] == "button" and m.get("label"):
            found = button_check(text=m["label"])
            if found:
                out[f"label.{n}"] = found
    return out


# --- writes --------------------------------------------------------------------------------------------------


def page_save(
    *, staff, page_id=None, title, slug, starts_at=None, ends_at=None, modules=(), now=None
) -> SaveResult:
    """Create (page_id None) or edit a page of the staff member's shop, in any state (a published page's edit
    is live at once). Every text is scanned in this transaction: a blocking 广告法 term refuses the save on its
    field; warnings are recorded (the nightly rescan reads them again) and returned with the button-label
    findings, for the form to show inline."""
    _require(staff)
    shop = staff.shop
    now = now or timezone.now()
    title = _text(title, field="title", what="页面标题", limit=TITLE_MAX)
    slug = _slug(slug)
    starts_at, ends_at = _window(starts_at, ends_at)
    cleaned = clean_modules(list(modules) if isinstance(modules, (list, tuple)) else modules)
    _check_owned(shop, cleaned, now)
    fields = scan_fields(title, cleaned)
    _refuse_blocking(shop, fields)
    try:
        with transaction.atomic():
            if page_id is None:
                page = ShopPage(shop=shop)
            else:
                page = _page_for_update(shop, page_id)
            if ShopPage.objects.for_shop(shop).filter(slug=slug).exclude(pk=page.pk).exists():
                raise ValidationError(f"网址名“{slug}”已被本店另一个活动页使用", field="slug")
            page.title, page.slug, page.starts_at, page.ends_at = title, slug, starts_at, ends_at
            page.modules = cleaned
            page.updated_by = staff.user
            page.save()
            warnings = texts_check(shop=shop, source=SOURCE, source_id=page.pk, fields=fields)
            texts_forget(shop=shop, source=SOURCE, source_id=page.pk, keep_fields=list(fields))
    except IntegrityError:  # a concurrent save took the slug between the check and the insert
        raise ValidationError(f"网址名“{slug}”已被本店另一个活动页使用", field="slug") from None
    return SaveResult(page=page, warnings=warnings, buttons=button_findings(cleaned))


def _move(staff, page_id, *, action: str, allowed: set[str], to: str, now=None) -> ShopPage:
    _require(staff)
    shop = staff.shop
    now = now or timezone.now()
    with transaction.atomic():
        page = _page_for_update(shop, page_id)
        if page.state not in allowed:
            raise InvalidTransition(f"{STATE(page.state).label}的活动页不能{action}", field="state")
        if to == STATE.PUBLISHED:
            if not page.modules:
                raise ValidationError("页面还没有任何模块，不能发布", field="modules")
            if page.ends_at and page.ends_at <= now:
                raise ValidationError("活动结束时间已过，请先修改结束时间", field="ends_at")
            # the term list may have changed since the last save: a blocking term refuses the publication
            fields = scan_fields(page.title, page.modules)
            _refuse_blocking(shop, fields)
            texts_check(shop=shop, source=SOURCE, source_id=page.pk, fields=fields)
            page.published_at = now
        page.state = to
        page.updated_by = staff.user
        page.save()
    return page


def page_publish(*, staff, page_id, now=None) -> ShopPage:
    """草稿 / 已下线 → 已发布. Refuses an empty page, a window already over, a blocking term."""
    return _move(
        staff, page_id, action="发布", allowed={STATE.DRAFT, STATE.OFFLINE}, to=STATE.PUBLISHED, now=now
    )


def page_take_offline(*, staff, page_id) -> ShopPage:
    """已发布 → 已下线: buyers no longer see it (its address answers 404)."""
    return _move(staff, page_id, action="下线", allowed={STATE.PUBLISHED}, to=STATE.OFFLINE)


def page_delete(*, staff, page_id) -> None:
    """Delete a draft or offline page (a published one must be taken offline first) and its scan records."""
    _require(staff)
    shop = staff.shop
    with transaction.atomic():
        page = _page_for_update(shop, page_id)
        if page.state == STATE.PUBLISHED:
            raise InvalidTransition("已发布的活动页请先下线再删除", field="state")
        texts_forget(shop=shop, source=SOURCE, source_id=page.pk)
        page.delete()
