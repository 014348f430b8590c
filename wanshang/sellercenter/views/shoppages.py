"""店铺活动页 (营销 › 店铺活动页): the shop's campaign pages — list, create and edit with modules (add, remove,
move up and down; htmx swaps the editor, plain posts work without JavaScript), publish, take offline, delete.
Over shoppages' services and selectors; the preview is the storefront's page, shown to the shop's staff."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import DomainError, NotFound
from wanshang.common.web import message_errors
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.views.adlaw import warnings_message
from wanshang.shoppages import selectors as pages
from wanshang.shoppages.services import (
    page_delete,
    page_publish,
    page_save,
    page_take_offline,
)
from wanshang.shoppages.types import SCAN_FIELD

PERM = P.MARKETING
PAGE_FIELDS = ("title", "slug", "starts_at", "ends_at")


@seller_view(PERM)
def page_list(request):
    state = request.GET.get("state") or ""
    state = state if state in dict(pages.STATES) else ""
    rows = list(pages.page_list(shop=request.shop, state=state or None)[:200])
    for row in rows:
        row.window = pages.window_state(row)
    return seller_render(
        request,
        "sellercenter/shoppages/list.html",
        {
            "rows": rows,
            "state": state,
            "states": pages.STATE_LABELS.items(),
            "window_labels": pages.WINDOW_LABELS,
        },
        active="shop_pages",
    )


# --- the editor -----------------------------------------------------------------------------------------------


def _row_of(module: dict) -> dict:
    """A stored module as the editor's form row (ids as text, the target as "product:12")."""
    target = module.get("target") or {}
    kind = target.get("kind") or ""
    return {
        "type": module.get("type", ""),
        "image_id": str(module.get("image_id") or ""),
        "alt": module.get("alt", ""),
        "text": module.get("text", ""),
        "label": module.get("label", ""),
        "target": f"{kind}:{target['id']}" if kind in ("product", "coupon") else kind,
        "product_ids": [str(i) for i in module.get("product_ids", [])],
        "coupon_ids": [str(i) for i in module.get("coupon_ids", [])],
    }


def _rows_from_post(post) -> list[dict]:
    try:
        count = int(post.get("count") or 0)
    except ValueError:
        count = 0
    count = max(0, min(count, pages.PAGE_LIMITS()["modules"] + 5))
    return [
        {
            "type": post.get(f"m{i}-type", ""),
            "image_id": post.get(f"m{i}-image_id", ""),
            "alt": post.get(f"m{i}-alt", ""),
            "text": post.get(f"m{i}-text", ""),
            "label": post.get(f"m{i}-label", ""),
            "target": post.get(f"m{i}-target", ""),
            "product_ids": post.getlist(f"m{i}-product_ids"),
            "coupon_ids": post.getlist(f"m{i}-coupon_ids"),
        }
        for i in range(count)
    ]


def _module_of(row: dict) -> dict:
    """A form row as the service's module: only the fields of its type."""
    kind = row["type"]
    if kind == "banner":
        return {"type": kind, "image_id": row["image_id"] or None, "alt": row["alt"], "target": row["target"]}
    if kind in ("heading", "text"):
        return {"type": kind, "text": row["text"]}
    if kind == "products":
        return {"type": kind, "product_ids": row["product_ids"]}
    if kind == "coupons":
        return {"type": kind, "coupon_ids": row["coupon_ids"]}
    if kind == "button":
        return {"type": kind, "label": row["label"], "target": row["target"]}
    return {"type": kind}


def _apply_op(op: str, rows: list[dict]) -> str:
    """Add, remove or move a module row in place; returns an error message for a bad operation."""
    name, _sep, arg = op.partition(":")
    if name == "add":
        if arg not in pages.MODULE_TYPES:
            return _("没有这种模块")
        if len(rows) >= pages.PAGE_LIMITS()["modules"]:
            return _("一个页面最多 %(n)s 个模块") % {"n": pages.PAGE_LIMITS()["modules"]}
        rows.append(_row_of({"type": arg}))
        return ""
    try:
        i = int(arg)
    except ValueError:
        return _("无效的操作")
    if not 0 <= i < len(rows):
        return _("无效的操作")
    if name == "remove":
        rows.pop(i)
    elif name == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif name == "down" and i < len(rows) - 1:
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    elif name not in ("up", "down"):
        return _("无效的操作")
    return ""


def _when(value: str):
    return value.replace("T", " ")[:16] if value else ""


def _editor(request, page, *, values, rows, errors=None, status=200, hits=None, buttons=None):
    errors = errors or {}
    hits = hits or {}
    buttons = buttons or {}
    for n, row in enumerate(rows, start=1):
        key = f"{SCAN_FIELD.get(row['type'], '')}.{n}"
        row["hits"] = hits.get(key, [])
        row["buttons"] = buttons.get(key, [])
        row["error"] = errors.get(f"m{n}", "")
        row["label_text"] = pages.MODULE_TYPES.get(row["type"], row["type"])
    return seller_render(
        request,
        "sellercenter/shoppages/edit.html",
        {
            "page": page,
            "values": values,
            "rows": rows,
            "errors": errors,
            "title_hits": hits.get("title", []),
            "types": pages.MODULE_TYPES.items(),
            "targets": pages.TARGET_KINDS,
            "limits": pages.PAGE_LIMITS(),
            "products": pages.pickable_products(shop=request.shop),
            "coupons": pages.pickable_coupons(shop=request.shop),
            "images": pages.pickable_images(shop=request.shop),
        },
        status=status,
        active="shop_pages",
    )


def _parse_when(raw: str, field: str, errors: dict):
    raw = (raw or "").strip()
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "T")) if len(raw) <= 25 else None
    if value is None:
        errors[field] = _("时间格式有误，例如 2026-06-18 10:00")
    return value


def _edit(request, page):
    if request.method != "POST":
        values = {
            "title": page.title if page else "",
            "slug": page.slug if page else "",
            "starts_at": page.starts_at if page else None,
            "ends_at": page.ends_at if page else None,
        }
        rows = [_row_of(m) for m in (page.modules if page else [])]
        hits = pages.page_hits(shop=request.shop, page_id=page.pk) if page else {}
        found = pages.button_findings(page.modules) if page else {}
        return _editor(request, page, values=values, rows=rows, hits=hits, buttons=found)
    post = request.POST
    values = {k: (post.get(k) or "")[:200] for k in PAGE_FIELDS}
    rows = _rows_from_post(post)
    op = post.get("op") or "save"
    if op != "save":
        problem = _apply_op(op, rows)
        return _editor(
            request,
            page,
            values=values,
            rows=rows,
            errors={"form": problem} if problem else None,
            status=400 if problem else 200,
        )
    errors: dict = {}
    starts_at = _parse_when(values["starts_at"], "starts_at", errors)
    ends_at = _parse_when(values["ends_at"], "ends_at", errors)
    if errors:
        return _editor(request, page, values=values, rows=rows, errors=errors, status=400)
    try:
        result = page_save(
            staff=request.staff,
            page_id=page.pk if page else None,
            title=values["title"],
            slug=values["slug"],
            starts_at=starts_at,
            ends_at=ends_at,
            modules=[_module_of(r) for r in rows],
        )
    except DomainError as exc:
        where = (
            exc.field
            if exc.field in (*PAGE_FIELDS, "modules") or str(exc.field or "").startswith("m")
            else "form"
        )
        return _editor(
            request, page, values=values, rows=rows, errors={where: exc.message}, status=exc.status_code
        )
    messages.success(request, _("活动页已保存"))
    warnings_message(request, result.warnings)
    if result.buttons:
        messages.info(request, _("按钮文案可以更有力：见下方各按钮的建议（不影响保存）"))
    return redirect("sellercenter:shop_page_edit", page_id=result.page.pk)


@seller_view(PERM)
def page_create(request):
    return _edit(request, None)


@seller_view(PERM)
def page_edit(request, page_id: int):
    return _edit(request, pages.page_get(shop=request.shop, page_id=page_id))


# --- state changes --------------------------------------------------------------------------------------------


@require_POST
@seller_view(PERM)
def page_publish_view(request, page_id: int):
    with message_errors(request, passthrough=NotFound):
        page = page_publish(staff=request.staff, page_id=page_id)
        messages.success(request, _("“%(title)s”已发布") % {"title": page.title})
    return redirect("sellercenter:shop_pages")


@require_POST
@seller_view(PERM)
def page_offline_view(request, page_id: int):
    with message_errors(request, passthrough=NotFound):
        page = page_take_offline(staff=request.staff, page_id=page_id)
        messages.success(request, _("“%(title)s”已下线，买家不再能打开") % {"title": page.title})
    return redirect("sellercenter:shop_pages")


@require_POST
@seller_view(PERM)
def page_delete_view(request, page_id: int):
    with message_errors(request, passthrough=NotFound):
        page_delete(staff=request.staff, page_id=page_id)
        messages.success(request, _("活动页已删除"))
    return redirect("sellercenter:shop_pages")
