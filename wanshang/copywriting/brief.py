"""The visual brief for designers (docs/copywriting.md): a product's selling points in the shop's chosen order
of kinds, and the images a listing needs with which are present.

Selling points are drawn from the product's attributes and spec axes (by the attribute's name), its title and
detail text (by words of each kind), its FABE modules and its after-sales promises. White background is an
estimate: the border pixels of an uploaded image (a strip 4% wide) count as white when at least 90% of them
are near-white (every channel ≥ 235); a pasted image URL is not fetched, so it is "unknown"."""

import re
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from wanshang.copywriting.text import normalise, words

POINT_KINDS = {"function": "功能", "material": "材质", "size": "尺寸", "after_sales": "售后"}
DEFAULT_ORDER = ("function", "material", "size", "after_sales")
MAX_POINTS_PER_KIND = 6

# an attribute or spec axis belongs to a kind when its name contains one of these
ATTRIBUTE_NAMES = {
    "function": ("功能", "功效", "用途", "特点", "特性", "适用", "场景", "效果", "性能"),
    "material": ("材质", "面料", "成分", "材料", "原料", "鞋面", "内里", "填充"),
    "size": ("尺码", "尺寸", "规格", "容量", "重量", "长度", "大小", "净含量", "型号", "厚度"),
    "after_sales": ("保修", "质保", "售后", "保障", "退换"),
}
# a title word or a detail sentence belongs to a kind when it contains one of these
TEXT_WORDS = {
    "function": tuple(
        """防水 防风 保暖 透气 速干 降噪 防晒 保湿 补水 控油 美白 抗皱 静音 快充 续航 防摔 除螨 杀菌 收纳 折叠
        便携 恒温 减震 吸汗 显瘦 抗菌""".split()
    ),
    "material": tuple(
        """纯棉 全棉 棉 亚麻 棉麻 苎麻 真丝 桑蚕丝 羊毛 羊绒 真皮 牛皮 羊皮 皮革 不锈钢 陶瓷 玻璃 实木 竹 硅胶
        铝合金 碳纤维 涤纶 锦纶 莫代尔 天丝 乳胶 钛""".split()
    ),
    "size": tuple("尺码 尺寸 大码 小码 加长 加大 宽松 修身 均码".split()),
    "after_sales": tuple("质保 保修 包换 退换 无理由 运费险 以旧换新 上门安装 售后".split()),
}
FABE_KIND_POINTS = {
    "feature": "function",
    "advantage": "function",
    "benefit": "function",
    "evidence": "after_sales",
}
WHITE_LEVEL = 235
WHITE_SHARE = 0.9
BORDER = 0.04
_SENTENCES = re.compile(r"[。！？!?\n；;]+")
# a measure is a size point only with its number (夹克 is not 克)
_MEASURE = re.compile(r"\d+(\.\d+)?\s*(cm|mm|ml|kg|g|l|厘米|毫米|毫升|升|千克|公斤|克|寸|码)(?![a-z])")


@dataclass
class PointGroup:
    kind: str
    label: str
    points: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImageCheck:
    url: str
    uploaded: bool
    white: bool | None  # None: not known (a pasted URL, or the file could not be read)


@dataclass
class Requirement:
    code: str  # main_images / white_background / size_chart
    label: str
    needed: int
    present: int
    note: str = ""

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.present)

    @property
    def ok(self) -> bool:
        return self.missing == 0


def clean_order(raw) -> list[str]:
    """A kind order from a list or "a,b,c": the known kinds in the given order, then the rest as default."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    chosen = [k.strip() for k in items if isinstance(k, str) and k.strip() in POINT_KINDS]
    chosen = list(dict.fromkeys(chosen))
    return chosen + [k for k in DEFAULT_ORDER if k not in chosen]


def _kind_of_name(name: str) -> str | None:
    return next((kind for kind, keys in ATTRIBUTE_NAMES.items() if any(k in name for k in keys)), None)


def _kind_of_text(text: str) -> str | None:
    low = normalise(text)
    found = next((kind for kind, keys in TEXT_WORDS.items() if any(k in low for k in keys)), None)
    return found or ("size" if _MEASURE.search(low) else None)


def detail_text(html: str) -> str:
    """The plain text of a detail's HTML (tags dropped, block ends as line breaks)."""
    marked = re.sub(r"(?i)</(p|div|li|h3|h4|tr)>|<br\s*/?>", "\n", html or "")
    return nh3.clean(marked, tags=set()).replace("&nbsp;", " ").replace("&amp;", "&")


def _add(groups: dict[str, PointGroup], kind: str | None, point: str) -> None:
    point = point.strip()
    if kind and point and point not in groups[kind].points and len(groups[kind].points) < MAX_POINTS_PER_KIND:
        groups[kind].points.append(point[:60])


def selling_points(product, *, order, fabe_modules=(), after_sales=()) -> list[PointGroup]:
    """The product's selling points grouped by kind in `order`. `after_sales`: promises the caller knows
    (7天无理由, the shipping promise)."""
    groups = {k: PointGroup(k, POINT_KINDS[k]) for k in order}
    for name, value in (product.attributes or {}).items():
        _add(groups, _kind_of_name(name) or _kind_of_text(str(value)), f"{name}：{value}")
    for axis in product.spec_axes or []:
        kind = _kind_of_name(axis.get("name", ""))
        if kind:
            _add(groups, kind, f"{axis['name']}：{'/'.join(axis.get('values', [])[:8])}")
    for word in words(product.title):
        if len(word) >= 2:
            _add(groups, _kind_of_text(word), word)
    for module in fabe_modules:
        _add(groups, FABE_KIND_POINTS.get(module.get("kind")), module.get("heading", ""))
    for sentence in _SENTENCES.split(detail_text(product.detail_html)):
        if 2 <= len(sentence.strip()) <= 40:
            _add(groups, _kind_of_text(sentence), sentence)
    for promise in after_sales:
        _add(groups, "after_sales", promise)
    return [groups[k] for k in order]


def is_white_background(path: str) -> bool | None:
    """Whether the stored image at `path` has a near-white border (None when it cannot be read)."""
    try:
        with default_storage.open(path) as handle, Image.open(handle) as image:
            image.draft("RGB", (240, 240))
            picture = image.convert("RGB")
            picture.thumbnail((240, 240))
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    w, h = picture.size
    band_w, band_h = max(1, int(w * BORDER)), max(1, int(h * BORDER))
    pixels = picture.load()
    border = [
        pixels[x, y]
        for y in range(h)
        for x in range(w)
        if x < band_w or x >= w - band_w or y < band_h or y >= h - band_h
    ]
    white = sum(1 for p in border if min(p) >= WHITE_LEVEL)
    return white >= WHITE_SHARE * len(border)


def image_checks(images: list[str], pictures: dict) -> list[ImageCheck]:
    """Each main image in order with its white-background estimate (uploaded ones only)."""
    out = []
    for url in images:
        renditions = (pictures or {}).get(url) or {}
        path = (renditions.get("thumb") or {}).get("jpeg_path")
        out.append(
            ImageCheck(url=url, uploaded=bool(path), white=is_white_background(path) if path else None)
        )
    return out


def needs_size_chart(category_names: list[str]) -> bool:
    wanted = set(settings.WANSHANG["COPY_SIZE_CHART_CATEGORIES"])
    return any(name in wanted for name in category_names)


SIZE_CHART_WORDS = ("尺码表", "尺码对照", "尺寸表", "尺码参考", "尺码建议", "size chart")


def has_size_chart(detail_html: str) -> bool:
    """A size chart in the detail: a table mentioning 尺码/尺寸, or text or an image's alt naming a size chart."""
    html = (detail_html or "").lower()
    if any(w in html for w in SIZE_CHART_WORDS):
        return True
    return any("尺码" in t or "尺寸" in t for t in re.findall(r"(?s)<table.*?</table>", html))


def requirements(product, *, checks: list[ImageCheck], category_names: list[str]) -> list[Requirement]:
    conf = settings.WANSHANG
    unknown = sum(1 for c in checks if c.white is None)
    out = [
        Requirement("main_images", "主图", conf["COPY_BRIEF_MAIN_IMAGES"], len(checks)),
        Requirement(
            "white_background",
            "白底图",
            conf["COPY_BRIEF_WHITE_BACKGROUND"],
            sum(1 for c in checks if c.white),
            note=f"{unknown} 张外链或无法读取的图片未判断" if unknown else "按图片边缘像素估计",
        ),
    ]
    if needs_size_chart(category_names):
        out.append(
            Requirement(
                "size_chart",
                "尺码表",
                1,
                1 if has_size_chart(product.detail_html) else 0,
                note="服装鞋类需要；在详情中放尺码表（表格或标明“尺码表”的图片）",
            )
        )
    return out
