"""图片体检: the shop's image problems by product, each with the link to fix the product's pictures, and the
logo/portrait declarations with their authorisation files (docs/image-checks.md)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.catalog.selectors import IMAGE_PROBLEM_KINDS, shop_image_problem_summary, shop_image_problems
from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.media.selectors import (
    DECLARATION_STATUSES,
    declaration_file,
    declaration_get,
    recent_assets,
    shop_declarations,
)
from wanshang.media.services import declaration_mark, declaration_submit, declaration_withdraw
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.forms import DeclarationFileForm, ImageDeclarationForm


def _grouped(problems) -> list[dict]:
    groups: dict[int, dict] = {}
    for problem in problems:
        group = groups.setdefault(problem.product_id, {"product": problem.product, "problems": []})
        group["problems"].append(problem)
    return list(groups.values())


@seller_view(P.PRODUCT_EDIT)
def image_problems(request):
    kind = request.GET.get("kind") or ""
    kind = kind if kind in dict(IMAGE_PROBLEM_KINDS) else ""
    on_sale = request.GET.get("on_sale") == "1"
    page = Paginator(shop_image_problems(shop=request.shop, kind=kind, on_sale_only=on_sale), 50).get_page(
        request.GET.get("page")
    )
    summary = shop_image_problem_summary(shop=request.shop)
    return seller_render(
        request,
        "sellercenter/images/problems.html",
        {
            "page": page,
            "groups": _grouped(page.object_list),
            "kind": kind,
            "on_sale": on_sale,
            "kinds": [(value, label, summary[value]) for value, label in IMAGE_PROBLEM_KINDS],
            "products_with_problems": summary["products"],
        },
        active="image_problems",
    )


@seller_view(P.PRODUCT_EDIT)
def image_declarations(request):
    status = request.GET.get("status") or ""
    status = status if status in dict(DECLARATION_STATUSES) else ""
    form = ImageDeclarationForm(request.POST or None, request.FILES or None)
    code = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form) as outcome:
                declaration_mark(
                    shop=request.shop,
                    by=request.user,
                    asset_id=data["asset_id"],
                    kind=data["kind"],
                    subject=data["subject"],
                    file=data["file"],
                )
                messages.success(
                    request,
                    _("已标记，平台审核授权文件后问题关闭") if data["file"] else _("已标记，请上传授权文件"),
                )
                return redirect("sellercenter:image_declarations")
            code = outcome.status
        else:
            code = 400
    page = Paginator(shop_declarations(shop=request.shop, status=status), 30).get_page(
        request.GET.get("page")
    )
    return seller_render(
        request,
        "sellercenter/images/declarations.html",
        {
            "page": page,
            "form": form,
            "file_form": DeclarationFileForm(),
            "status": status,
            "statuses": DECLARATION_STATUSES,
            "pictures": recent_assets(shop=request.shop, limit=60),
        },
        status=code,
        active="image_declarations",
    )


@require_POST
@seller_view(P.PRODUCT_EDIT)
def image_declaration_file_upload(request, declaration_id: int):
    form = DeclarationFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("sellercenter:image_declarations")
    with message_errors(request, passthrough=NotFound):
        declaration_submit(
            shop=request.shop, by=request.user, declaration_id=declaration_id, file=form.cleaned_data["file"]
        )
        messages.success(request, _("授权文件已提交，等待平台审核"))
    return redirect("sellercenter:image_declarations")


@require_POST
@seller_view(P.PRODUCT_EDIT)
def image_declaration_withdraw(request, declaration_id: int):
    with message_errors(request, passthrough=NotFound):
        declaration_withdraw(shop=request.shop, declaration_id=declaration_id)
        messages.success(request, _("已撤回标记"))
    return redirect("sellercenter:image_declarations")


@seller_view(P.PRODUCT_EDIT)
def image_declaration_file(request, declaration_id: int):
    declaration = declaration_get(shop=request.shop, declaration_id=declaration_id)  # another shop's: 404
    return FileResponse(
        declaration_file(declaration=declaration),
        content_type=declaration.file_type,
        filename=declaration.file_name,
    )
