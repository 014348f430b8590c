import uuid

from django.core.cache import cache

from wanshang.common.errors import NotFound, ValidationError
from wanshang.fulfillment.freight import FreightLine, NotDeliverable, quote
from wanshang.fulfillment.models import Carrier, FreightTemplate, Region


def region_path(*, code: str) -> list[Region]:
    """[province, city, district] for a district code. Raises ValidationError for an unknown or non-district code."""
    region = Region.objects.select_related("parent__parent").filter(code=str(code or "").strip()).first()
    if region is None or region.level != 3:
        raise ValidationError("请选择省/市/区", field="district_code")
    return [region.parent.parent, region.parent, region]


def region_children(*, parent_code: str | None) -> list[Region]:
    qs = Region.objects.filter(parent_id=parent_code) if parent_code else Region.objects.filter(level=1)
    return list(qs.order_by("code"))


def carrier_choices() -> list[tuple[str, str]]:
    return list(Carrier.choices)


def freight_template_list(*, shop) -> list[FreightTemplate]:
    return list(FreightTemplate.objects.for_shop(shop).prefetch_related("rules"))


def freight_template_get(*, shop, template_id) -> FreightTemplate:
    template = FreightTemplate.objects.for_shop(shop).filter(pk=template_id).first()
    if template is None:
        raise NotFound("运费模板不存在")
    return template


# --- the shops' freight templates, kept per process until a template changes -----------------------------------
# Pricing reads them on every cart view, preview and submit; they change when a merchant edits one. Each process
# keeps the templates (with their rules) it has read and drops them all when `freight_changed` (called by every
# template write, now and after commit) changes the token in the shared cache: one cache read per price.

FREIGHT_TOKEN_KEY = "fulfillment:freight-token"
_held: dict = {"token": None, "shops": {}}


def freight_changed() -> None:
    cache.set(FREIGHT_TOKEN_KEY, uuid.uuid4().hex, None)


def _freight_token() -> str:
    token = cache.get(FREIGHT_TOKEN_KEY)
    if token is None:  # a fresh cache: nothing a process holds can be trusted
        cache.add(FREIGHT_TOKEN_KEY, uuid.uuid4().hex, None)
        token = cache.get(FREIGHT_TOKEN_KEY)
    return token


def freight_templates_of_shops(*, shop_ids) -> dict[int, dict[int, FreightTemplate]]:
    """Every template (with its rules) of these shops: {shop_id: {template_id: template}}.

    From the process's copy; shops not in it are read in two queries. The templates are shared: read only."""
    token = _freight_token()
    if _held["token"] != token or len(_held["shops"]) > 5000:
        _held["token"], _held["shops"] = token, {}
    held = _held["shops"]
    missing = [sid for sid in shop_ids if sid not in held]
    if missing:
        loaded: dict[int, dict[int, FreightTemplate]] = {sid: {} for sid in missing}
        for t in FreightTemplate.objects.filter(shop_id__in=missing).prefetch_related("rules"):
            loaded[t.shop_id][t.pk] = t
        held.update(loaded)  # whole entries only: other threads may read `held` meanwhile
    return {sid: held[sid] for sid in shop_ids}


def freight_for_shop(
    *, shop_id: int, items: list[tuple], district_code: str | None, templates: dict | None = None
) -> tuple[int, str]:
    """Freight of one shop's lines. `items`: (product, quantity, weight_g, subtotal_fen).

    Lines are grouped by their product's template (the shop default when unset) and the groups summed.
    Returns (fen, problem) where problem is a message when a line cannot be delivered there.
    `templates` (from `freight_templates_of_shops`) saves the queries when pricing several shops.
    """
    if not district_code:
        return 0, ""
    if templates is None:
        templates = freight_templates_of_shops(shop_ids=[shop_id])[shop_id]
    default = next((t for t in templates.values() if t.is_default), None)
    groups: dict[int | None, list] = {}
    for product, quantity, weight_g, subtotal in items:
        template = templates.get(product.freight_template_id) or default
        groups.setdefault(template.pk if template else None, []).append(
            FreightLine(quantity=quantity, weight_g=weight_g, subtotal_fen=subtotal)
        )
    total = 0
    for template_id, lines in groups.items():
        if template_id is None:
            continue  # a shop without any template ships free
        template = templates[template_id]
        try:
            total += quote(template, list(template.rules.all()), lines, district_code)
        except NotDeliverable:
            return 0, "部分商品不支持配送到该地区"
    return total, ""
