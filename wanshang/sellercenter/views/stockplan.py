"""库存计划 (per-SKU cover, reorder point, suggestion; settings; Excel) and 入库单 (list, create from the
suggestions, detail, submit, cancel, receive) over inventory's services and selectors."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.catalog.selectors import seller_sku_get, seller_skus_on_sale
from wanshang.common.errors import NotFound, ValidationError
from wanshang.common.web import form_errors, message_errors
from wanshang.inventory.selectors import (
    PLAN_SORTS,
    PLAN_WINDOWS,
    RECEIPT_STATUS_LABELS,
    XLSX_CONTENT_TYPE,
    plan_settings_get,
    receipt_can_move,
    receipt_get,
    receipt_list,
    sku_plan_get,
    stock_plan,
    stock_plan_xlsx,
    warehouse_list,
)
from wanshang.inventory.services import (
    plan_settings_save,
    receipt_cancel,
    receipt_create,
    receipt_receive,
    receipt_submit,
    sku_plan_save,
)
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.forms import PlanFilterForm, PlanSettingsForm, ReceiptForm, SkuPlanForm

BLANK_LINES = 3


def _plan_rows(request):
    form = PlanFilterForm(request.GET or None, sorts=PLAN_SORTS)
    if request.GET and not form.is_valid():
        raise ValidationError(_("筛选条件不正确"))
    data = form.cleaned_data if form.is_bound else {}
    rows = stock_plan(
        shop=request.shop,
        q=(data.get("q") or "").strip(),
        needs_only=bool(data.get("need")),
        sort=data.get("sort") or "cover",
    )
    return form, rows


@seller_view(P.STOCK_EDIT)
def stock_plan_view(request):
    form, rows = _plan_rows(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return seller_render(
        request,
        "sellercenter/inventory/stock_plan.html",
        {
            "form": form,
            "page": page,
            "settings": plan_settings_get(shop=request.shop),
            "sorts": PLAN_SORTS,
            "need_count": sum(1 for r in rows if r.needs_reorder),
        },
        active="stock_plan",
    )


@seller_view(P.STOCK_EDIT)
def stock_plan_export(request):
    _form, rows = _plan_rows(request)
    response = HttpResponse(stock_plan_xlsx(rows), content_type=XLSX_CONTENT_TYPE)
    name = f"stock-plan-{request.shop.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@seller_view(P.STOCK_EDIT)
def plan_settings_view(request):
    current = plan_settings_get(shop=request.shop)
    status = 200
    if request.method == "POST":
        form = PlanSettingsForm(request.POST, windows=PLAN_WINDOWS)
        if form.is_valid():
            with form_errors(form) as outcome:
                plan_settings_save(shop=request.shop, **form.cleaned_data)
                messages.success(request, _("库存计划设置已保存"))
                return redirect("sellercenter:stock_plan")
            status = outcome.status
        else:
            status = 400
    else:
        form = PlanSettingsForm(
            windows=PLAN_WINDOWS,
            initial={key: getattr(current, key) for key in PlanSettingsForm.base_fields},
        )
    return seller_render(
        request,
        "sellercenter/inventory/plan_settings.html",
        {"form": form},
        status=status,
        active="stock_plan",
    )


@seller_view(P.STOCK_EDIT)
def sku_plan_view(request, sku_id: int):
    sku = seller_sku_get(shop=request.shop, sku_id=sku_id)
    status = 200
    if request.method == "POST":
        form = SkuPlanForm(request.POST)
        if form.is_valid():
            with form_errors(form) as outcome:
                sku_plan_save(shop=request.shop, sku_id=sku.pk, **form.cleaned_data)
                messages.success(request, _("SKU 补货参数已保存"))
                return redirect("sellercenter:stock_plan")
            status = outcome.status
        else:
            status = 400
    else:
        row = sku_plan_get(shop=request.shop, sku_id=sku.pk)
        form = SkuPlanForm(
            initial={"lead_days": row.lead_days, "safety_units": row.safety_units, "pack_size": row.pack_size}
            if row
            else {"pack_size": 1}
        )
    return seller_render(
        request,
        "sellercenter/inventory/sku_plan.html",
        {"form": form, "sku": sku},
        status=status,
        active="stock_plan",
    )


# --- 入库单 ------------------------------------------------------------------------------------------------------


@seller_view(P.STOCK_EDIT)
def receipt_list_view(request):
    status = request.GET.get("status") or ""
    if status and status not in RECEIPT_STATUS_LABELS:
        raise ValidationError(_("状态不正确"))
    page = Paginator(receipt_list(shop=request.shop, status=status), 30).get_page(request.GET.get("page"))
    return seller_render(
        request,
        "sellercenter/inventory/receipt_list.html",
        {"page": page, "status": status, "statuses": RECEIPT_STATUS_LABELS},
        active="receipts",
    )


def _initial_lines(request) -> list[dict]:
    """Lines to start from: ?pick=<sku>:<qty> (checked rows of the plan) or ?from=plan (every SKU that needs
    a reorder, at its suggested quantity)."""
    lines = []
    if request.GET.get("from") == "plan":
        lines = [
            {"sku_id": r.sku.pk, "quantity": r.suggested}
            for r in stock_plan(shop=request.shop, needs_only=True, sort="-suggested")
        ]
    for pick in request.GET.getlist("pick"):
        sku, _sep, qty = pick.partition(":")
        if sku.isdigit() and qty.isdigit():
            lines.append({"sku_id": int(sku), "quantity": int(qty)})
    return lines[:100]


def _posted_lines(request) -> tuple[list, list[dict]]:
    """The form's line rows (line_sku / line_qty, a blank row skipped) → [(sku, qty)] for the service."""
    skus, qtys = request.POST.getlist("line_sku"), request.POST.getlist("line_qty")
    pairs, echo = [], []
    for sku, qty in zip(skus, qtys, strict=False):
        sku, qty = sku.strip(), qty.strip()
        if not sku and not qty:
            continue
        pairs.append((sku, qty))
        echo.append({"sku_id": int(sku) if sku.isdigit() else sku, "quantity": qty})
    return pairs, echo


@seller_view(P.STOCK_EDIT)
def receipt_create_view(request):
    warehouses = warehouse_list(shop=request.shop)
    status = 200
    if request.method == "POST":
        form = ReceiptForm(request.POST, warehouses=warehouses)
        pairs, lines = _posted_lines(request)
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form) as outcome:
                receipt = receipt_create(
                    shop=request.shop,
                    warehouse_id=data["warehouse_id"],
                    supplier_name=data["supplier_name"],
                    expected_date=data["expected_date"],
                    note=data["note"],
                    lines=pairs,
                    actor=request.user,
                    submit=data["submit_now"],
                )
                messages.success(request, _("入库单 %(no)s 已创建") % {"no": receipt.no})
                return redirect("sellercenter:receipt_detail", receipt_id=receipt.pk)
            status = outcome.status
        else:
            status = 400
    else:
        default = next((w for w in warehouses if w.is_default), None)
        form = ReceiptForm(
            warehouses=warehouses,
            initial={"warehouse_id": default.pk if default else None, "submit_now": True},
        )
        lines = _initial_lines(request)
    skus = list(seller_skus_on_sale(shop=request.shop).order_by("product_id", "pk")[:500])
    return seller_render(
        request,
        "sellercenter/inventory/receipt_form.html",
        {"form": form, "lines": lines + [{}] * BLANK_LINES, "skus": skus},
        status=status,
        active="receipts",
    )


@seller_view(P.STOCK_EDIT)
def receipt_detail_view(request, receipt_id: int):
    receipt = receipt_get(shop=request.shop, receipt_id=receipt_id)
    return seller_render(
        request,
        "sellercenter/inventory/receipt_detail.html",
        {
            "receipt": receipt,
            "can_submit": receipt_can_move(receipt.status, "in_transit"),
            "can_cancel": receipt_can_move(receipt.status, "cancelled"),
            "can_receive": receipt.status in ("in_transit", "partly_received"),
        },
        active="receipts",
    )


@require_POST
@seller_view(P.STOCK_EDIT)
def receipt_submit_view(request, receipt_id: int):
    with message_errors(request):
        receipt = receipt_submit(shop=request.shop, receipt_id=receipt_id)
        messages.success(request, _("入库单 %(no)s 已标记为在途") % {"no": receipt.no})
    return redirect("sellercenter:receipt_detail", receipt_id=receipt_id)


@require_POST
@seller_view(P.STOCK_EDIT)
def receipt_cancel_view(request, receipt_id: int):
    with message_errors(request):
        receipt = receipt_cancel(shop=request.shop, receipt_id=receipt_id)
        messages.success(request, _("入库单 %(no)s 已取消") % {"no": receipt.no})
    return redirect("sellercenter:receipt_detail", receipt_id=receipt_id)


@seller_view(P.STOCK_EDIT)
def receipt_receive_view(request, receipt_id: int):
    receipt = receipt_get(shop=request.shop, receipt_id=receipt_id)
    if receipt.status not in ("in_transit", "partly_received"):
        raise NotFound(_("该入库单当前不能收货"))
    status, error, posted = 200, "", {}
    if request.method == "POST":
        posted = {
            line.pk: request.POST.get(f"qty_{line.pk}", "").strip() or "0" for line in receipt.lines.all()
        }
        try:
            receipt_receive(shop=request.shop, receipt_id=receipt.pk, quantities=posted, actor=request.user)
        except (ValidationError, NotFound) as exc:
            status, error = exc.status_code, exc.message
        else:
            messages.success(request, _("已收货入库，库存已增加"))
            return redirect("sellercenter:receipt_detail", receipt_id=receipt.pk)
    rows = [{"line": line, "value": posted.get(line.pk, line.remaining)} for line in receipt.lines.all()]
    return seller_render(
        request,
        "sellercenter/inventory/receipt_receive.html",
        {"receipt": receipt, "rows": rows, "error": error},
        status=status,
        active="receipts",
    )
