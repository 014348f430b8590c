"""商品: list with tabs, bulk 上架/下架, one create/edit form with the SKU matrix, per-SKU price history."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from wanshang.adlaw.selectors import open_hits
from wanshang.catalog.selectors import (
    attribute_templates,
    brand_list,
    leaf_categories,
    price_history,
    product_counts_of_shop,
    product_image_problems,
    seller_product_get,
    seller_products_in_tab,
    seller_sku_get,
)
from wanshang.catalog.services import product_save, product_set_status, sku_price_update
from wanshang.common.errors import DomainError, PermissionDenied
from wanshang.common.web import form_errors, message_errors
from wanshang.copywriting.selectors import product_title_check
from wanshang.fulfillment.selectors import freight_template_list
from wanshang.inventory.selectors import available_by_sku
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import forbidden, seller_render, seller_view
from wanshang.sellercenter.forms import ProductForm, SkuPriceForm, StatusBulkForm
from wanshang.sellercenter.matrix import (
    attributes_from_post,
    empty_matrix,
    known_rows,
    matrix_from_post,
    matrix_from_product,
    product_input,
)
from wanshang.sellercenter.uploads import media_from_post, media_of_product
from wanshang.sellercenter.views.adlaw import hit_rows, warnings_message

TABS = [("on_sale", _("出售中")), ("warehouse", _("仓库中")), ("all", _("全部"))]


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@seller_view(P.PRODUCT_EDIT)
def product_list(request):
    tab = request.GET.get("tab") or "on_sale"
    tab = tab if tab in dict(TABS) else "on_sale"
    q = (request.GET.get("q") or "").strip()[:60]
    page = Paginator(seller_products_in_tab(shop=request.shop, tab=tab, q=q), 20).get_page(
        request.GET.get("page")
    )
    counts = product_counts_of_shop(shop=request.shop)
    tab_counts = {
        "on_sale": counts.get("on_sale", 0),
        "warehouse": counts.get("draft", 0) + counts.get("off_shelf", 0),
        "all": counts.get("all", 0),
    }
    return seller_render(
        request,
        "sellercenter/products/list.html",
        {
            "page": page,
            "tab": tab,
            "q": q,
            "tabs": [(k, label, tab_counts[k]) for k, label in TABS],
        },
        active="products",
    )


@require_POST
@seller_view(P.PRODUCT_EDIT)
def product_bulk_status(request):
    back = safe_next(request, reverse("sellercenter:product_list"))
    form = StatusBulkForm(request.POST)
    ids = request.POST.getlist("product_ids")
    if not form.is_valid():
        messages.error(request, _("请选择上架或下架"))
        return redirect(back)
    if not ids:
        messages.error(request, _("请先勾选商品"))
        return redirect(back)
    action = form.cleaned_data["action"]
    with message_errors(request, prefix="操作未完成："):
        changed = product_set_status(staff=request.staff, product_ids=ids, status=action)
        messages.success(request, f"已{'上架' if action == 'on_sale' else '下架'} {changed} 件商品")
    return redirect(back)


def _form_kwargs(shop):
    return {
        "categories": leaf_categories(shop=shop),
        "brands": brand_list(),
        "templates": freight_template_list(shop=shop),
    }


def _initial(product) -> dict:
    return {
        "title": product.title,
        "subtitle": product.subtitle,
        "category_id": product.category_id,
        "brand_id": product.brand_id,
        "images": "\n".join(u for u in product.images or [] if u not in (product.pictures or {})),
        "video_url": product.video_url,
        "detail_html": product.detail_html,
        "tags": ", ".join(product.tags or []),
        "is_wholesale": product.is_wholesale,
        "min_order_qty": product.min_order_qty,
        "freight_template_id": product.freight_template_id,
        "ship_within_hours": product.ship_within_hours,
        "no_return_kind": product.no_return_kind,
        "no_return_note": product.no_return_note,
    }


def _category_of(categories, raw):
    try:
        wanted = int(raw)
    except (TypeError, ValueError):
        return None
    return next((c for c in categories if c.pk == wanted), None)


def _attr_fields(category, values_by_id=None, values_by_name=None) -> list[dict]:
    if category is None:
        return []
    return [
        {"tpl": t, "value": (values_by_id or {}).get(t.pk, (values_by_name or {}).get(t.name, ""))}
        for t in attribute_templates(category=category)
    ]


def _product_form(request, product=None):
    shop, staff = request.shop, request.staff
    kwargs = _form_kwargs(shop)
    available = available_by_sku(sku_ids=[s.pk for s in product.skus.all()]) if product else {}
    status = 200
    if request.method == "POST":
        form = ProductForm(request.POST, **kwargs)
        matrix = matrix_from_post(request.POST, known=known_rows(product, available=available))
        category = _category_of(kwargs["categories"], request.POST.get("category_id"))
        templates = attribute_templates(category=category) if category else []
        attributes, attr_values = attributes_from_post(request.POST, templates)
        attr_fields = _attr_fields(category, values_by_id=attr_values)
        if "rebuild" in request.POST:  # no-JS "生成规格表": re-render with the new axes and category, no save
            form = ProductForm(initial=request.POST.dict(), **kwargs)
            media = media_from_post(request, product)
            return _render_form(
                request, form, matrix, attr_fields, product, status=200, rebuild=True, media=media
            )
        media = media_from_post(request, product)
        form_ok = form.is_valid()
        for error in media.errors:
            form.add_error(None, error)
        if form_ok and not matrix.errors and not media.errors:
            with form_errors(form) as outcome:  # PermissionDenied too: on the form, with its 403
                saved = product_save(
                    staff=staff,
                    data=product_input(form, matrix, attributes, media=media.media),
                    product_id=product.pk if product else None,
                )
                messages.success(request, _("商品已保存") if product else _("商品已创建，可在“仓库中”上架"))
                warnings_message(request, saved.adlaw_warnings)
                if _title_findings(request, saved.title, saved.brand_id, saved.category_id):
                    messages.warning(request, _("标题有待改进之处，见标题下方的提醒（不影响保存）"))
                return redirect("sellercenter:product_edit", product_id=saved.pk)
            status = outcome.status
        else:
            status = 400
        return _render_form(request, form, matrix, attr_fields, product, status=status, media=media)
    if product is not None:
        form = ProductForm(initial=_initial(product), **kwargs)
        matrix = matrix_from_product(product, available=available)
        attr_fields = _attr_fields(product.category, values_by_name=product.attributes or {})
    else:
        form = ProductForm(initial={"min_order_qty": 1}, **kwargs)
        matrix = empty_matrix()
        attr_fields = []
    return _render_form(request, form, matrix, attr_fields, product, status=status)


def _title_findings(request, title, brand_id, category_id) -> list:
    """copywriting's title checks for the title as typed: warnings under the field, never blocking."""
    if not (title or "").strip():
        return []
    try:
        return product_title_check(shop=request.shop, title=title, brand_id=brand_id, category_id=category_id)
    except DomainError:
        return []


def _form_value(form, name):
    return form[name].value()


def _render_form(request, form, matrix, attr_fields, product, *, status, rebuild=False, media=None):
    if rebuild:
        for row in matrix.rows:
            row["error"] = ""
    slots = (matrix.axes + [{"name": "", "values": ""} for _ in range(3)])[:3]
    return seller_render(
        request,
        "sellercenter/products/form.html",
        {
            "form": form,
            "matrix": matrix,
            "axis_slots": slots,
            "attr_fields": attr_fields,
            "matrix_json": {"axes": slots, "rows": matrix.rows},
            "product": product,
            "matrix_errors": [] if rebuild else matrix.errors,
            "media": media or media_of_product(product),
            "main_min_side": settings.WANSHANG["MEDIA_MAIN_MIN_SIDE"],
            "image_problems": product_image_problems(product_id=product.pk, shop=request.shop)
            if product
            else [],
            "adlaw_rows": hit_rows(open_hits(shop=request.shop, source="product", source_id=product.pk))
            if product
            else [],
            "title_findings": _title_findings(
                request,
                _form_value(form, "title"),
                _form_value(form, "brand_id") or None,
                _form_value(form, "category_id") or None,
            ),
            "title": _form_value(form, "title"),
        },
        status=status,
        active="product_new" if product is None else "products",
    )


@seller_view(P.PRODUCT_EDIT)
def product_create(request):
    return _product_form(request)


@seller_view(P.PRODUCT_EDIT)
def product_edit(request, product_id: int):
    product = seller_product_get(shop=request.shop, product_id=product_id)
    return _product_form(request, product)


@require_GET
@seller_view(P.PRODUCT_EDIT)
def product_attributes(request):
    """htmx: the attribute block of the chosen category (only the shop's own leaf categories)."""
    category = _category_of(leaf_categories(shop=request.shop), request.GET.get("category_id"))
    return render(
        request,
        "sellercenter/products/_attributes.html",
        {"attr_fields": _attr_fields(category), "category_chosen": category is not None},
    )


@seller_view(P.PRODUCT_EDIT)
def sku_prices(request, sku_id: int):
    """A SKU's price history, with a quick price change (the service refuses roles without the price right)."""
    sku = seller_sku_get(shop=request.shop, sku_id=sku_id)
    form = SkuPriceForm(
        request.POST or None, initial={"price": sku.price_fen, "original_price": sku.original_price_fen}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with form_errors(form, passthrough=PermissionDenied) as outcome:
                    sku_price_update(
                        staff=request.staff,
                        sku_id=sku.pk,
                        price_fen=form.cleaned_data["price"],
                        original_price_fen=form.cleaned_data["original_price"],
                    )
                    messages.success(request, _("价格已更新"))
                    return redirect("sellercenter:sku_prices", sku_id=sku.pk)
            except PermissionDenied as exc:  # a role without the price right: the 403 page, not a form error
                return forbidden(request, exc.message)
            status = outcome.status
        else:
            status = 400
    return seller_render(
        request,
        "sellercenter/products/prices.html",
        {
            "sku": sku,
            "form": form,
            "history": price_history(shop=request.shop, sku_id=sku.pk),
        },
        status=status,
        active="products",
    )
