"""运费模板: list, create/edit (default rule, free-shipping threshold, excluded provinces, per-region rules), delete."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound, ValidationError
from wanshang.common.money import fen_to_yuan_str, yuan_to_fen
from wanshang.common.web import form_errors, message_errors
from wanshang.fulfillment.selectors import freight_template_get, freight_template_list, region_children
from wanshang.fulfillment.services import freight_template_delete, freight_template_save
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.forms import FreightTemplateForm

MAX_RULES = 20


def rules_from_post(post) -> tuple[list[dict], list[dict], list[str]]:
    """Per-region rules typed as parallel fields `rule-N-*` → (service rules in fen, rows to re-render, errors).

    A row with no region and no price is an unused blank row and is skipped.
    """
    rules, rows, errors = [], [], []
    indexes = sorted(
        {int(k.split("-")[1]) for k in post if k.startswith("rule-") and k.split("-")[1].isdigit()}
    )
    for i in indexes[: MAX_RULES + 1]:
        row = {
            "regions": post.getlist(f"rule-{i}-regions"),
            "first_units": (post.get(f"rule-{i}-first_units") or "").strip(),
            "first_price": (post.get(f"rule-{i}-first_price") or "").strip(),
            "additional_units": (post.get(f"rule-{i}-additional_units") or "").strip(),
            "additional_price": (post.get(f"rule-{i}-additional_price") or "").strip(),
        }
        if not row["regions"] and not row["first_price"] and not row["additional_price"]:
            continue
        rows.append(row)
        n = len(rows)
        try:
            rules.append(
                {
                    "regions": row["regions"],
                    "first_units": row["first_units"] or 1,
                    "first_fen": yuan_to_fen(row["first_price"] or "0", field="rules"),
                    "additional_units": row["additional_units"] or 1,
                    "additional_fen": yuan_to_fen(row["additional_price"] or "0", field="rules"),
                }
            )
        except ValidationError as exc:
            errors.append(f"第{n}条地区规则：{exc.message}")
    return rules, rows, errors


def _rows_of(template) -> list[dict]:
    return [
        {
            "regions": list(r.regions),
            "first_units": str(r.first_units),
            "first_price": fen_to_yuan_str(r.first_fen),
            "additional_units": str(r.additional_units),
            "additional_price": fen_to_yuan_str(r.additional_fen),
        }
        for r in template.rules.all()
    ]


@seller_view(P.FREIGHT_EDIT)
def freight_list(request):
    provinces = {p.code: p.name for p in region_children(parent_code=None)}
    return seller_render(
        request,
        "sellercenter/freight/list.html",
        {
            "templates": freight_template_list(shop=request.shop),
            "province_names": provinces,
        },
        active="freight",
    )


def _freight_form(request, template=None):
    provinces = region_children(parent_code=None)
    status = 200
    if request.method == "POST":
        form = FreightTemplateForm(request.POST, provinces=provinces)
        rules, rule_rows, rule_errors = rules_from_post(request.POST)
        if form.is_valid() and not rule_errors:
            data = form.cleaned_data
            with form_errors(form) as outcome:
                freight_template_save(
                    shop=request.shop,
                    name=data["name"],
                    mode=data["mode"],
                    first_units=data["first_units"],
                    first_fen=data["first_price"],
                    additional_units=data["additional_units"],
                    additional_fen=data["additional_price"],
                    free_threshold_fen=data["free_threshold"],
                    excluded_regions=data["excluded_regions"],
                    rules=rules,
                    is_default=data["is_default"],
                    template_id=template.pk if template else None,
                )
                messages.success(request, _("运费模板已保存"))
                return redirect("sellercenter:freight_list")
            status = outcome.status
        else:
            status = 400
            for message in rule_errors:
                form.add_error(None, message)
    else:
        initial = {"mode": "piece", "first_units": 1, "additional_units": 1}
        rule_rows = []
        if template is not None:
            initial = {
                "name": template.name,
                "mode": template.mode,
                "first_units": template.first_units,
                "first_price": template.first_fen,
                "additional_units": template.additional_units,
                "additional_price": template.additional_fen,
                "free_threshold": template.free_threshold_fen,
                "excluded_regions": list(template.excluded_regions or []),
                "is_default": template.is_default,
            }
            rule_rows = _rows_of(template)
        form = FreightTemplateForm(initial=initial, provinces=provinces)
    return seller_render(
        request,
        "sellercenter/freight/form.html",
        {
            "form": form,
            "template": template,
            "provinces": [{"code": p.code, "name": p.name} for p in provinces],
            "rule_rows": rule_rows,
        },
        status=status,
        active="freight",
    )


@seller_view(P.FREIGHT_EDIT)
def freight_create(request):
    return _freight_form(request)


@seller_view(P.FREIGHT_EDIT)
def freight_edit(request, template_id: int):
    return _freight_form(request, freight_template_get(shop=request.shop, template_id=template_id))


@require_POST
@seller_view(P.FREIGHT_EDIT)
def freight_delete(request, template_id: int):
    template = freight_template_get(shop=request.shop, template_id=template_id)
    with message_errors(request, passthrough=NotFound):
        freight_template_delete(shop=request.shop, template_id=template.pk)
        messages.success(request, f"已删除运费模板“{template.name}”")
    return redirect("sellercenter:freight_list")
