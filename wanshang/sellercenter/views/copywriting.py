"""文案工具: the FABE detail builder per product, product and ad title checks (also live in the product form),
the button copy check, the designers' visual brief (page, print, Excel) over copywriting's services and
selectors."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wanshang.catalog.selectors import brand_list, seller_products_in_tab
from wanshang.common.errors import DomainError
from wanshang.common.web import message_errors
from wanshang.copywriting import selectors as copy
from wanshang.copywriting.selectors import (
    KIND_HINTS,
    KINDS,
    MAX_MODULES,
    POINT_KINDS,
    XLSX,
    brief_xlsx,
    fabe_limits,
)
from wanshang.copywriting.services import APPLY_MODES, fabe_apply, fabe_save, point_order_save
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view

PERM = P.PRODUCT_EDIT
BLANK_MODULES = 4


@seller_view(PERM)
def copy_products(request):
    """文案工具 home: the shop's products, each with its FABE builder and visual brief."""
    q = (request.GET.get("q") or "").strip()[:60]
    page = Paginator(seller_products_in_tab(shop=request.shop, tab="all", q=q), 20).get_page(
        request.GET.get("page")
    )
    return seller_render(
        request, "sellercenter/copywriting/products.html", {"page": page, "q": q}, active="copy_products"
    )


# --- FABE ----------------------------------------------------------------------------------------------------


def _rows_from_post(post) -> list[dict]:
    """The module rows as typed; a row with nothing in it is dropped."""
    rows = []
    kinds, headings, texts = post.getlist("kind"), post.getlist("heading"), post.getlist("text")
    for i, (kind, heading, text) in enumerate(zip(kinds, headings, texts, strict=False)):
        images = post.getlist(f"images_{i}")
        if heading.strip() or text.strip() or images:
            rows.append({"kind": kind, "heading": heading, "text": text, "image_ids": images[:10]})
    return rows[: MAX_MODULES + 1]


def _rows_for_form(modules: list[dict]) -> list[dict]:
    rows = [
        {
            "kind": m.get("kind", ""),
            "heading": m.get("heading", ""),
            "text": m.get("text") if "text" in m else "\n".join(m.get("lines", [])),
            "image_ids": [str(i) for i in m.get("image_ids", [])],
        }
        for m in modules
    ]
    blanks = max(0, min(MAX_MODULES, max(BLANK_MODULES, len(rows) + 1)) - len(rows))
    order = list(KINDS)
    rows += [
        {"kind": order[(len(rows) + n) % 4], "heading": "", "text": "", "image_ids": []}
        for n in range(blanks)
    ]
    return rows


def _fabe_page(request, view, rows, *, error="", status=200):
    max_lines, max_chars = fabe_limits()
    return seller_render(
        request,
        "sellercenter/copywriting/fabe.html",
        {
            "view": view,
            "product": view.product,
            "rows": _rows_for_form(rows),
            "kinds": [(k, label, KIND_HINTS[k]) for k, label in KINDS.items()],
            "images": copy.pickable_images(shop=request.shop, limit=24),
            "modes": APPLY_MODES.items(),
            "error": error,
            "max_lines": max_lines,
            "max_chars": max_chars,
            "buttons": copy.fabe_button_findings(view.modules),
        },
        status=status,
        active="copy_products",
    )


@seller_view(PERM)
def fabe_builder(request, product_id: int):
    view = copy.fabe_get(shop=request.shop, product_id=product_id)
    if request.method != "POST":
        return _fabe_page(request, view, view.modules)
    rows = _rows_from_post(request.POST)
    try:
        fabe_save(staff=request.staff, product_id=view.product.pk, modules=rows)
        if request.POST.get("action") == "apply":
            fabe_apply(
                staff=request.staff, product_id=view.product.pk, mode=request.POST.get("mode") or "fabe"
            )
            messages.success(request, _("FABE 模块已保存，并已写入商品详情"))
        else:
            messages.success(request, _("FABE 模块已保存"))
    except DomainError as exc:
        return _fabe_page(request, view, rows, error=exc.message, status=exc.status_code)
    return redirect("sellercenter:copy_fabe", product_id=view.product.pk)


# --- titles --------------------------------------------------------------------------------------------------


def _checked(fn, **kwargs):
    """(findings, None) or (None, the refusal): a check's bad input is shown on the page with its status."""
    try:
        return fn(**kwargs), None
    except DomainError as exc:
        return None, exc


@seller_view(PERM)
def title_check(request):
    """Product title and ad creative title checks (GET forms: nothing is saved)."""
    kind = request.GET.get("kind") or ""
    title = (request.GET.get("title") or "")[:200]
    context = {"kind": kind, "title": title, "brands": brand_list(), "findings": None, "error": ""}
    context["brand_id"] = request.GET.get("brand_id") or ""
    context["product_id"] = request.GET.get("product_id") or ""
    refused = None
    if kind == "product":
        context["findings"], refused = _checked(
            copy.product_title_check, shop=request.shop, title=title, brand_id=context["brand_id"] or None
        )
    elif kind == "ad":
        context["findings"], refused = _checked(
            copy.ad_title_check, shop=request.shop, product_id=context["product_id"] or 0, title=title
        )
    status = refused.status_code if refused else 200
    context["error"] = refused.message if refused else ""
    context["products"] = list(seller_products_in_tab(shop=request.shop, tab="all")[:200])
    return seller_render(
        request, "sellercenter/copywriting/titles.html", context, status=status, active="copy_titles"
    )


@require_GET
@seller_view(PERM)
def title_live(request):
    """htmx: the product form's title findings as the seller types (warnings, never blocking)."""
    title = (request.GET.get("title") or "")[:200]
    findings = []
    if title.strip():
        findings, _refused = _checked(
            copy.product_title_check,
            shop=request.shop,
            title=title,
            brand_id=request.GET.get("brand_id") or None,
            category_id=request.GET.get("category_id") or None,
        )
    return render(
        request,
        "sellercenter/copywriting/_title_findings.html",
        {"title_findings": findings or [], "title": title},
    )


# --- buttons -------------------------------------------------------------------------------------------------


@seller_view(PERM)
def button_check(request):
    text, findings, error, status = "", None, "", 200
    if request.method == "POST":
        text = request.POST.get("text") or ""
        findings, refused = _checked(copy.button_check, text=text)
        status, error = (refused.status_code, refused.message) if refused else (200, "")
    return seller_render(
        request,
        "sellercenter/copywriting/buttons.html",
        {"text": text, "findings": findings, "error": error},
        status=status,
        active="copy_buttons",
    )


# --- the visual brief ----------------------------------------------------------------------------------------


def _brief(request, product_id):
    """The brief in the order asked for (`order=a,b,c,d` or the page's pos0…pos3), else the shop's."""
    order = request.GET.get("order") or ",".join(
        request.GET.get(f"pos{i}", "") for i in range(len(POINT_KINDS))
    )
    return copy.visual_brief(shop=request.shop, product_id=product_id, order=order.strip(",") or None)


@seller_view(PERM)
def brief_page(request, product_id: int):
    brief = _brief(request, product_id)
    return seller_render(
        request,
        "sellercenter/copywriting/brief.html",
        {"brief": brief, "kinds": POINT_KINDS.items(), "order_text": ",".join(brief.order)},
        active="copy_products",
    )


@seller_view(PERM)
def brief_print(request, product_id: int):
    brief = _brief(request, product_id)
    return render(
        request, "sellercenter/copywriting/brief_print.html", {"brief": brief, "shop": request.shop}
    )


@seller_view(PERM)
def brief_export(request, product_id: int):
    brief = _brief(request, product_id)
    response = HttpResponse(brief_xlsx(brief), content_type=XLSX)
    name = f"brief-{brief.product.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_POST
@seller_view(PERM)
def brief_order_save(request, product_id: int):
    """Keep the chosen order of selling-point kinds as the shop's default."""
    product = copy.product_get(shop=request.shop, product_id=product_id)
    order = [request.POST.get(f"pos{i}") or "" for i in range(len(POINT_KINDS))]
    with message_errors(request):
        point_order_save(staff=request.staff, order=order)
        messages.success(request, _("卖点顺序已保存为店铺默认"))
    return redirect("sellercenter:copy_brief", product_id=product.pk)
