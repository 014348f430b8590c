"""FABE modules (docs/copywriting.md): Feature 特点, Advantage 优势, Benefit 利益, Evidence 证据. Each module has a
heading, at most COPY_FABE_MAX_LINES lines of text (a line is a newline-separated line; blank ones are
dropped) of at most COPY_FABE_LINE_MAX_CHARS characters, and up to MAX_IMAGES of the shop's images.

`clean_modules` refuses what breaks those rules with a clear message; `render_html` turns clean modules into
HTML that catalog's sanitiser keeps as it is."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape

from wanshang.common.errors import ValidationError

KINDS = {
    "feature": "特点 Feature",
    "advantage": "优势 Advantage",
    "benefit": "利益 Benefit",
    "evidence": "证据 Evidence",
}
KIND_HINTS = {
    "feature": "商品是什么、有什么：材质、工艺、参数",
    "advantage": "比同类好在哪里",
    "benefit": "给买家带来什么好处、解决什么问题",
    "evidence": "凭什么相信：检测报告、销量、评价、认证",
}
MAX_MODULES = 12
MAX_IMAGES = 3
HEADING_MAX_CHARS = 20


@dataclass(frozen=True)
class Module:
    kind: str
    heading: str
    lines: tuple[str, ...]
    image_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "heading": self.heading,
            "lines": list(self.lines),
            "image_ids": list(self.image_ids),
        }


def limits() -> tuple[int, int]:
    return settings.WANSHANG["COPY_FABE_MAX_LINES"], settings.WANSHANG["COPY_FABE_LINE_MAX_CHARS"]


def split_lines(text: str) -> list[str]:
    """A module's text as its lines: split at newlines, each trimmed, blank ones dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _image_ids(raw, label: str) -> tuple[int, ...]:
    ids = []
    for value in raw or []:
        if isinstance(value, bool):
            raise ValidationError(f"{label}的图片编号无效", field="modules")
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError(f"{label}的图片编号无效", field="modules") from None
    if len(ids) > MAX_IMAGES:
        raise ValidationError(f"{label}最多 {MAX_IMAGES} 张图片", field="modules")
    if len(set(ids)) != len(ids):
        raise ValidationError(f"{label}的图片有重复", field="modules")
    return tuple(ids)


def clean_module(raw: dict, number: int) -> Module:
    """One module from {"kind", "heading", "lines" (list) or "text" (one string), "image_ids"}."""
    max_lines, max_chars = limits()
    label = f"第 {number} 个模块"
    kind = str(raw.get("kind") or "").strip()
    if kind not in KINDS:
        raise ValidationError(f"{label}的类型须是 特点、优势、利益 或 证据", field="modules")
    heading = str(raw.get("heading") or "").strip()
    if not heading:
        raise ValidationError(f"{label}请填写小标题", field="modules")
    if len(heading) > HEADING_MAX_CHARS:
        raise ValidationError(f"{label}的小标题不超过 {HEADING_MAX_CHARS} 个字", field="modules")
    given = raw.get("lines")
    lines = split_lines(
        "\n".join(str(x) for x in given) if isinstance(given, list) else str(raw.get("text") or "")
    )
    if not lines:
        raise ValidationError(f"{label}请至少写一行文字", field="modules")
    if len(lines) > max_lines:
        raise ValidationError(
            f"{label}有 {len(lines)} 行，每个模块最多 {max_lines} 行：精简到最要紧的 {max_lines} 句",
            field="modules",
        )
    for i, line in enumerate(lines, start=1):
        if len(line) > max_chars:
            raise ValidationError(
                f"{label}第 {i} 行有 {len(line)} 个字，每行最多 {max_chars} 个字", field="modules"
            )
    return Module(
        kind=kind, heading=heading, lines=tuple(lines), image_ids=_image_ids(raw.get("image_ids"), label)
    )


def clean_modules(raw_modules) -> list[Module]:
    if not isinstance(raw_modules, list | tuple):
        raise ValidationError("模块须是列表", field="modules")
    if not raw_modules:
        raise ValidationError("请至少添加一个模块", field="modules")
    if len(raw_modules) > MAX_MODULES:
        raise ValidationError(f"最多 {MAX_MODULES} 个模块", field="modules")
    modules = []
    for number, raw in enumerate(raw_modules, start=1):
        if not isinstance(raw, dict):
            raise ValidationError(f"第 {number} 个模块格式不对", field="modules")
        modules.append(clean_module(raw, number))
    return modules


def render_html(modules: list[Module], image_urls: dict[int, str]) -> str:
    """The modules as detail HTML: per module an <h3> heading, one <p> per line, then its images. Only tags
    and attributes catalog's sanitiser allows, every text escaped."""
    parts = []
    for module in modules:
        parts.append(f"<h3>{escape(module.heading)}</h3>")
        parts.extend(f"<p>{escape(line)}</p>" for line in module.lines)
        for asset_id in module.image_ids:
            url = image_urls.get(asset_id)
            if url:
                parts.append(f'<p><img src="{escape(url)}" alt="{escape(module.heading)}"></p>')
    return "".join(parts)
