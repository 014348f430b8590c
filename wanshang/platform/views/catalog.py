"""类目 (tree, attribute templates), 品牌 and 佣金: the platform's taxonomy and rates."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.catalog.selectors import (
    NEVER_RETURN_KINDS,
    attribute_templates,
    brand_list,
    category_get,
    category_never_return_kinds,
    category_tree,
    category_tree_all,
)
from wanshang.catalog.services import (
    attribute_template_delete,
    attribute_template_save,
    brand_create,
    category_create,
    category_rename,
)
from wanshang.common.errors import DomainError, NotFound
from wanshang.common.web import add_domain_error, error_page, form_errors
from wanshang.merchants.selectors import commission_rate_list
from wanshang.merchants.services import commission_set
from wanshang.platform.access import operator_view
from wanshang.platform.forms import (
    AttributeTemplateForm,
    BrandForm,
    CategoryCreateForm,
    CategoryEditForm,
    CommissionForm,
)
from wanshang.platform.templatetags.platform_tags import percent_bps
from wanshang.platform.views._util import flatten_tree

MAX_LEVEL = 3


def _form_error(form, exc: DomainError):
    """Hidden fields have no visible place: their errors go to the form as a whole."""
    if exc.field in form.fields and not form.fields[exc.field].widget.is_hidden:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)


# --- 类目 ---------------------------------------------------------------------------------------------------


@operator_view
def category_index(request):
    rows = list(flatten_tree(category_tree_all()))
    kinds = category_never_return_kinds(category_ids=[c.pk for c, _d, _l in rows])
    labels = dict(NEVER_RETURN_KINDS)
    for c, _depth, _label in rows:  # 7天无理由: the category's own mark or the one it inherits
        c.never_return_label = labels.get(kinds.get(c.pk, ""), "")
        c.never_return_inherited = bool(c.never_return_label) and not c.never_return_kind
    return render(
        request,
        "platform/categories.html",
        {
            "nav": "categories",
            "rows": rows,
            "max_level": MAX_LEVEL,
            "form": CategoryCreateForm(),
        },
    )


@operator_view
def category_new(request):
    parent_id = request.POST.get("parent_id") or request.GET.get("parent") or None
    parent = None
    if parent_id:
        try:
            parent = category_get(category_id=int(parent_id))
        except (ValueError, DomainError):
            return error_page(request, NotFound("上级类目不存在"))
    if request.method == "POST":
        form = CategoryCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form, add=_form_error):
                category = category_create(
                    name=data["name"],
                    slug=data["slug"],
                    sort=data["sort"] or 0,
                    parent_id=parent.pk if parent else None,
                )
                messages.success(request, f"已创建{category.level}级类目“{category.name}”")
                return redirect("platform:categories")
        status = 400
    else:
        form = CategoryCreateForm(initial={"parent_id": parent.pk if parent else None})
        status = 200
    return render(
        request,
        "platform/category_form.html",
        {
            "nav": "categories",
            "form": form,
            "parent": parent,
            "max_level": MAX_LEVEL,
        },
        status=status,
    )


@operator_view
def category_edit(request, category_id):
    category = category_get(category_id=category_id)
    if request.method == "POST":
        form = CategoryEditForm(request.POST)
        if form.is_valid():
            with form_errors(form):
                category = category_rename(
                    category_id=category.pk,
                    name=form.cleaned_data["name"],
                    is_active=form.cleaned_data["is_active"],
                    never_return_kind=form.cleaned_data["never_return_kind"],
                )
                state = "启用" if category.is_active else "停用"
                messages.success(request, f"类目“{category.name}”已保存（{state}）")
                return redirect("platform:categories")
        status = 400
    else:
        form = CategoryEditForm(
            initial={
                "name": category.name,
                "is_active": category.is_active,
                "never_return_kind": category.never_return_kind,
            }
        )
        status = 200
    inherited = category_never_return_kinds(category_ids=[category.pk])[category.pk]
    return render(
        request,
        "platform/category_edit.html",
        {
            "nav": "categories",
            "form": form,
            "category": category,
            "inherited_label": dict(NEVER_RETURN_KINDS).get(inherited, "")
            if inherited and not category.never_return_kind
            else "",
        },
        status=status,
    )


def _leaf_or_error(category_id):
    category = category_get(category_id=category_id)
    if not category.is_leaf:
        raise NotFound("属性模板只能挂在三级类目上")
    return category


@operator_view
def attribute_index(request, category_id):
    category = _leaf_or_error(category_id)
    form = AttributeTemplateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form):
                tpl = attribute_template_save(
                    category_id=category.pk,
                    name=data["name"],
                    options=data["options"],
                    required=data["required"],
                )
                messages.success(request, f"已添加属性“{tpl.name}”")
                return redirect("platform:attributes", category_id=category.pk)
        status = 400
    return render(
        request,
        "platform/attributes.html",
        {
            "nav": "categories",
            "category": category,
            "templates": attribute_templates(category=category),
            "form": form,
        },
        status=status,
    )


@operator_view
def attribute_edit(request, category_id, template_id):
    category = _leaf_or_error(category_id)
    tpl = next((t for t in attribute_templates(category=category) if t.pk == template_id), None)
    if tpl is None:
        raise NotFound("属性不存在")
    status = 200
    if request.method == "POST":
        form = AttributeTemplateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form):
                attribute_template_save(
                    category_id=category.pk,
                    template_id=tpl.pk,
                    name=data["name"],
                    options=data["options"],
                    required=data["required"],
                )
                messages.success(request, f"属性“{data['name']}”已保存")
                return redirect("platform:attributes", category_id=category.pk)
        status = 400
    else:
        form = AttributeTemplateForm(
            initial={"name": tpl.name, "options": ", ".join(tpl.options), "required": tpl.required}
        )
    return render(
        request,
        "platform/attribute_edit.html",
        {
            "nav": "categories",
            "category": category,
            "tpl": tpl,
            "form": form,
        },
        status=status,
    )


@operator_view
@require_POST
def attribute_delete(request, category_id, template_id):
    attribute_template_delete(category_id=category_id, template_id=template_id)
    messages.success(request, _("属性已删除"))
    return redirect("platform:attributes", category_id=category_id)


# --- 品牌 ---------------------------------------------------------------------------------------------------


@operator_view
def brand_index(request):
    form = BrandForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with form_errors(form):
                brand = brand_create(name=form.cleaned_data["name"], name_en=form.cleaned_data["name_en"])
                messages.success(request, f"已添加品牌“{brand.name}”")
                return redirect("platform:brands")
        status = 400
    return render(
        request,
        "platform/brands.html",
        {"nav": "brands", "brands": brand_list(), "form": form},
        status=status,
    )


# --- 佣金 ---------------------------------------------------------------------------------------------------


def _commission_error(form, exc: DomainError):
    """The service names the rate `rate_bps`; the form shows it as a percentage field `rate`."""
    if exc.field == "rate_bps":
        form.add_error("rate", exc.message)
    else:
        add_domain_error(form, exc)


@operator_view
def commission_index(request):
    choices = [(c.pk, label) for c, _, label in flatten_tree(category_tree())]
    labels = {c.pk: label for c, _, label in flatten_tree(category_tree_all())}
    form = CommissionForm(request.POST or None, category_choices=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with form_errors(form, add=_commission_error):
                rate = commission_set(
                    category=category_get(category_id=form.cleaned_data["category_id"]),
                    rate_bps=form.cleaned_data["rate"],
                )
                messages.success(
                    request, f"“{rate.category.name}”的佣金比例已设为 {percent_bps(rate.rate_bps)}%"
                )
                return redirect("platform:commission")
        status = 400
    return render(
        request,
        "platform/commission.html",
        {
            "nav": "commission",
            "form": form,
            "rates": commission_rate_list(),
            "labels": labels,
            "default_bps": settings.WANSHANG["DEFAULT_COMMISSION_BPS"],
        },
        status=status,
    )
