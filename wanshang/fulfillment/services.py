import json
from pathlib import Path

from django.db import transaction

from wanshang.common.errors import NotFound, ValidationError
from wanshang.fulfillment.models import FreightRule, FreightTemplate, Region
from wanshang.fulfillment.selectors import freight_changed


def _templates_changed() -> None:
    """Every process's copy of the shops' templates is dropped: now, for reads in this transaction, and again
    after commit, for a process that copied the old rows between the two."""
    freight_changed()
    transaction.on_commit(freight_changed)


def freight_template_create_default(*, shop) -> FreightTemplate:
    """A new shop ships everywhere at ¥10 for the first piece, ¥5 per extra, free from ¥99."""
    template = FreightTemplate.objects.create(
        shop=shop,
        name="默认运费",
        mode=FreightTemplate.Mode.PIECE,
        first_units=1,
        first_fen=1000,
        additional_units=1,
        additional_fen=500,
        free_threshold_fen=9900,
        is_default=True,
    )
    _templates_changed()
    return template


def _int(value, *, label, field, low=0, high=10**9) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label}须为整数", field=field) from None
    if not low <= number <= high:
        raise ValidationError(f"{label}须在 {low}–{high} 之间", field=field)
    return number


def _region_codes(codes) -> list[str]:
    codes = sorted({str(c).strip() for c in codes or [] if str(c).strip()})
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(f"未知地区编码：{', '.join(unknown[:5])}", field="regions")
    return codes


@transaction.atomic
def freight_template_save(
    *,
    shop,
    name,
    mode,
    first_units,
    first_fen,
    additional_units,
    additional_fen,
    free_threshold_fen=None,
    excluded_regions=(),
    rules=(),
    is_default=False,
    template_id=None,
) -> FreightTemplate:
    """Create or replace a freight template with its per-region rules.

    `rules`: [{"regions": [province/city codes], "first_fen", "additional_fen", "first_units", "additional_units"}].
    """
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise ValidationError("模板名称须为 1–60 字", field="name")
    if mode not in FreightTemplate.Mode.values:
        raise ValidationError("计价方式须为按件数或按重量", field="mode")
    fields = {
        "name": name,
        "mode": mode,
        "first_units": _int(first_units, label="首件/首重", field="first_units", low=1),
        "first_fen": _int(first_fen, label="首费", field="first_fen"),
        "additional_units": _int(additional_units, label="续件/续重", field="additional_units", low=1),
        "additional_fen": _int(additional_fen, label="续费", field="additional_fen"),
        "free_threshold_fen": None
        if free_threshold_fen in (None, "")
        else _int(free_threshold_fen, label="包邮门槛", field="free_threshold_fen"),
        "excluded_regions": _region_codes(excluded_regions),
    }
    clean_rules = []
    for i, rule in enumerate(rules or []):
        clean_rules.append(
            {
                "regions": _region_codes(rule.get("regions")),
                "first_units": _int(
                    rule.get("first_units", 1), label=f"第{i + 1}条规则首件", field="rules", low=1
                ),
                "first_fen": _int(rule.get("first_fen"), label=f"第{i + 1}条规则首费", field="rules"),
                "additional_units": _int(
                    rule.get("additional_units", 1), label=f"第{i + 1}条规则续件", field="rules", low=1
                ),
                "additional_fen": _int(
                    rule.get("additional_fen"), label=f"第{i + 1}条规则续费", field="rules"
                ),
            }
        )
        if not clean_rules[-1]["regions"]:
            raise ValidationError(f"第{i + 1}条规则请选择地区", field="rules")
    if template_id:
        template = FreightTemplate.objects.for_shop(shop).select_for_update().filter(pk=template_id).first()
        if template is None:
            raise NotFound("运费模板不存在")
        for key, value in fields.items():
            setattr(template, key, value)
        template.save()
        template.rules.all().delete()
    else:
        template = FreightTemplate.objects.create(shop=shop, **fields)
    for rule in clean_rules:
        FreightRule.objects.create(shop=shop, template=template, **rule)
    if is_default or not FreightTemplate.objects.for_shop(shop).filter(is_default=True).exists():
        FreightTemplate.objects.for_shop(shop).exclude(pk=template.pk).update(is_default=False)
        FreightTemplate.objects.filter(pk=template.pk).update(is_default=True)
        template.is_default = True
    _templates_changed()
    return template


@transaction.atomic
def freight_template_delete(*, shop, template_id) -> None:
    template = FreightTemplate.objects.for_shop(shop).filter(pk=template_id).first()
    if template is None:
        raise NotFound("运费模板不存在")
    if template.is_default:
        raise ValidationError("默认模板不能删除，请先把其他模板设为默认", field="template_id")
    template.delete()  # products fall back to the shop's default template (SET_NULL)
    _templates_changed()


def regions_ensure_loaded() -> int:
    """Load the shipped region data if the table is empty (the migration normally does it). Returns rows added."""
    if Region.objects.exists():
        return 0
    rows = json.loads((Path(__file__).resolve().parent / "data" / "regions.json").read_text(encoding="utf-8"))
    Region.objects.bulk_create(
        [
            Region(code=code, name=name, parent_id=parent, level=level)
            for code, name, parent, level in sorted(rows, key=lambda r: (r[3], r[0]))
        ],
        batch_size=1000,
    )
    return len(rows)
