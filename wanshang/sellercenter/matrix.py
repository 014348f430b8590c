"""The product form's SKU matrix and attribute block: POSTed text ⇄ catalog.services.ProductInput.

The spec axes are the truth: the server builds the cartesian product of the posted axis values and looks each
combination's row up by its spec key ("红色/M"), so the page works with the Alpine matrix builder and without
it. Money is typed in yuan and converted to fen here (common.money.yuan_to_fen), nothing else.
"""

import itertools
from dataclasses import dataclass, field

from wanshang.catalog.services import MediaInput, ProductInput, SkuInput
from wanshang.common.errors import ValidationError
from wanshang.common.money import fen_to_yuan_str, yuan_to_fen

MAX_AXES = 3
ROW_FIELDS = ("price", "original", "cost", "stock", "barcode", "weight", "safety")


@dataclass
class Matrix:
    axes: list[dict]  # [{"name": "颜色", "values": "红色,黑色"}] as typed
    rows: list[dict]  # one per combination: {"spec", "values", "price", ...} as typed
    errors: list[str] = field(default_factory=list)
    skus: list[SkuInput] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"axes": self.axes, "rows": self.rows}


def split_values(text: str) -> list[str]:
    return [v.strip() for v in (text or "").replace("，", ",").split(",") if v.strip()]


def _axes_from_post(post) -> list[dict]:
    names, values = post.getlist("axis_name"), post.getlist("axis_values")
    axes = []
    for i in range(max(len(names), len(values))):
        name = (names[i] if i < len(names) else "").strip()
        text = values[i] if i < len(values) else ""
        if name or split_values(text):
            axes.append({"name": name, "values": text.strip()})
    return axes


def combinations(axes: list[dict]) -> list[list[str]]:
    lists = [split_values(a["values"]) for a in axes]
    if not lists:
        return [[]]
    seen, combos = set(), []
    for combo in itertools.product(*lists):
        if combo not in seen:  # duplicate values are reported by the service with the axis name
            seen.add(combo)
            combos.append(list(combo))
    return combos


def _posted_rows(post) -> dict[str, dict]:
    specs = post.getlist("sku_spec")
    columns = {name: post.getlist(f"sku_{name}") for name in ROW_FIELDS}
    rows = {}
    for i, spec in enumerate(specs):
        rows[spec] = {name: (col[i] if i < len(col) else "").strip() for name, col in columns.items()}
    return rows


def _int(text: str, *, label: str, errors: list[str], default: int | None = 0) -> int | None:
    if text == "":
        return default
    try:
        return int(text)
    except ValueError:
        errors.append(f"{label}须为整数，“{text}” 无效")
        return default


def _fen(text: str, *, label: str, errors: list[str], required: bool) -> int | None:
    if text == "":
        if required:
            errors.append(f"请填写{label}")
        return None
    try:
        return yuan_to_fen(text)
    except ValidationError as exc:
        errors.append(f"{label}：{exc.message}")
        return None


def matrix_from_post(post, *, known: dict[str, dict] | None = None) -> Matrix:
    """Parse the posted axes and rows. `known` (edit page) adds sku ids / stock to the rows by spec key."""
    axes = _axes_from_post(post)
    if len(axes) > MAX_AXES:
        return Matrix(axes=axes[:MAX_AXES], rows=[], errors=[f"最多 {MAX_AXES} 个规格维度"])
    posted = _posted_rows(post)
    matrix = Matrix(axes=axes, rows=[])
    for values in combinations(axes):
        spec = "/".join(values)
        raw = posted.get(spec) or {name: "" for name in ROW_FIELDS}
        label = spec or "默认规格"
        errors: list[str] = []
        price = _fen(raw["price"], label=f"{label} 的售价", errors=errors, required=True)
        original = _fen(raw["original"], label=f"{label} 的划线价", errors=errors, required=False)
        cost = _fen(raw["cost"], label=f"{label} 的成本价", errors=errors, required=False)
        stock = _int(raw["stock"], label=f"{label} 的库存", errors=errors, default=None)
        weight = _int(raw["weight"], label=f"{label} 的重量", errors=errors)
        safety = _int(raw["safety"], label=f"{label} 的安全库存", errors=errors)
        row = {
            "spec": spec,
            "values": values,
            **raw,
            **(known or {}).get(spec, {}),
            "error": "；".join(errors),
        }
        matrix.rows.append(row)
        matrix.errors.extend(errors)
        if not errors:
            matrix.skus.append(
                SkuInput(
                    spec_values=values,
                    price_fen=price,
                    original_price_fen=original,
                    cost_fen=cost or 0,
                    barcode=raw["barcode"],
                    weight_g=weight,
                    safety_stock=safety,
                    stock=stock,
                )
            )
    return matrix


def empty_matrix() -> Matrix:
    """A new product: no spec axes, one default row."""
    return Matrix(
        axes=[], rows=[{"spec": "", "values": [], **{name: "" for name in ROW_FIELDS}, "error": ""}]
    )


def matrix_from_product(product, *, available: dict[int, int]) -> Matrix:
    """The edit page's starting matrix: the product's axes and its active SKUs (stock left blank = unchanged)."""
    axes = [{"name": a["name"], "values": ",".join(a["values"])} for a in product.spec_axes or []]
    rows = [sku_row(sku, available=available) for sku in product.skus.all()]
    return Matrix(axes=axes, rows=rows)


def sku_row(sku, *, available: dict[int, int]) -> dict:
    return {
        "spec": sku.spec_key,
        "values": list(sku.spec_values),
        "sku_id": sku.pk,
        "price": fen_to_yuan_str(sku.price_fen),
        "original": fen_to_yuan_str(sku.original_price_fen) if sku.original_price_fen is not None else "",
        "cost": fen_to_yuan_str(sku.cost_fen) if sku.cost_fen else "",
        "stock": "",
        "available": available.get(sku.pk, 0),
        "barcode": sku.barcode,
        "weight": str(sku.weight_g or ""),
        "safety": str(sku.safety_stock or ""),
        "error": "",
    }


def known_rows(product, *, available: dict[int, int]) -> dict[str, dict]:
    """What the edit page keeps beside the typed values: sku id and current stock per spec key."""
    if product is None:
        return {}
    return {s.spec_key: {"sku_id": s.pk, "available": available.get(s.pk, 0)} for s in product.skus.all()}


def attributes_from_post(post, templates) -> tuple[dict, dict]:
    """({name: value} for the service, {template id: value} to re-render the block)."""
    by_name, by_id = {}, {}
    for tpl in templates:
        value = (post.get(f"attr-{tpl.pk}") or "").strip()
        by_id[tpl.pk] = value
        if value:
            by_name[tpl.name] = value
    return by_name, by_id


def product_input(form, matrix: Matrix, attributes: dict, *, media: MediaInput | None = None) -> ProductInput:
    data = form.cleaned_data
    return ProductInput(
        title=data["title"],
        subtitle=data.get("subtitle", ""),
        category_id=data["category_id"],
        brand_id=data.get("brand_id"),
        images=form.image_list(),
        video_url=data.get("video_url", ""),
        detail_html=data.get("detail_html", ""),
        tags=form.tag_list(),
        attributes=attributes,
        spec_axes=[{"name": a["name"], "values": split_values(a["values"])} for a in matrix.axes],
        is_wholesale=bool(data.get("is_wholesale")),
        min_order_qty=data.get("min_order_qty") or 1,
        freight_template_id=data.get("freight_template_id"),
        skus=matrix.skus,
        media=media,
        ship_within_hours=data.get("ship_within_hours"),
        no_return_kind=data.get("no_return_kind") or "",
        no_return_note=data.get("no_return_note") or "",
    )
