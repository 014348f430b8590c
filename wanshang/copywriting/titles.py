"""Title checks (docs/copywriting.md): a product's title and an ad creative's title. Pure functions: the
callers (copywriting.selectors, ads) hand in the brands, words and settings.

Each failed rule is a `Finding` (reason code, explanation, suggestion); none refuses a save."""

import re
from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from wanshang.adlaw.selectors import strict_category_for, text_scan
from wanshang.catalog.selectors import category_ancestors
from wanshang.copywriting.text import normalise, width, words
from wanshang.copywriting.types import Finding

AD_TITLE_MAX_CHARS = 20

# near-synonyms a stuffed title lists one after another (each group: words that name the same thing)
SYNONYM_GROUPS = (
    frozenset({"连衣裙", "裙子", "长裙", "短裙", "中长裙", "半身裙", "a字裙", "碎花裙", "吊带裙"}),
    frozenset({"t恤", "短袖", "体恤", "半袖", "上衣", "打底衫"}),
    frozenset({"手机壳", "保护套", "手机套", "保护壳", "防摔壳"}),
    frozenset({"运动鞋", "跑步鞋", "休闲鞋", "板鞋", "小白鞋", "慢跑鞋", "训练鞋"}),
    frozenset({"耳机", "蓝牙耳机", "无线耳机", "耳麦", "耳塞"}),
    frozenset({"面膜", "补水面膜", "保湿面膜", "面贴膜"}),
    frozenset({"零食", "小吃", "休闲食品", "网红零食"}),
)
# marketing words that say nothing about the item; three or more in a title read as keyword stuffing
HYPE_WORDS = frozenset(
    {
        "爆款",
        "新款",
        "新品",
        "热卖",
        "热销",
        "特价",
        "清仓",
        "包邮",
        "促销",
        "秒杀",
        "网红",
        "同款",
        "明星同款",
        "抖音",
    }
)
STUFFING_SEGMENTS = 6  # space-separated pieces of at most STUFFING_SEGMENT_CHARS characters
STUFFING_SEGMENT_CHARS = 4
HYPE_LIMIT = 3
SYNONYM_LIMIT = 3
_SEPARATORS = re.compile(r"[\s/|,，、+]+")
# "适用 iPhone" names another brand on purpose (a case for it): not flagged
_FOR_WORDS = ("适用", "适配", "兼容", "专用", "for")


@dataclass(frozen=True)
class BrandName:
    name: str
    name_en: str = ""


def _conf(name: str):
    return settings.WANSHANG[name]


def banned_term_findings(text: str, *, shop=None, category=None) -> list[Finding]:
    """The 广告法 terms in `text` (adlaw's scanner, the shop's approved exemptions applied): one Finding per hit,
    code "banned_term", level "block" for a term the product save would refuse (a forbidden term, or a
    cautioned one in a strict category such as 医疗 or 食品 that `category` — the product's — falls in)."""
    strict = None
    if category is not None:
        strict = strict_category_for(category_slugs=[c.slug for c in category_ancestors(category)])
    out = []
    for hit in text_scan(text, category=strict, shop=shop):
        if hit.exempt:
            continue
        swap = "、".join(hit.replacements)
        out.append(
            Finding(
                "banned_term",
                f"“{hit.term}”{'是广告法禁用语，保存时会被拒绝' if hit.blocking else '属广告法慎用语'}：{hit.explanation}",
                f"改用“{swap}”等表述" if swap else "删去该词，或申请广告法豁免并附依据",
                level="block" if hit.blocking else "warn",
            )
        )
    return out


def _length_findings(title: str) -> list[Finding]:
    used, low, high = width(title), _conf("COPY_TITLE_MIN_WIDTH"), _conf("COPY_TITLE_MAX_WIDTH")
    if used > high:
        return [
            Finding(
                "too_long",
                f"标题 {used} 字符（汉字算 2 个），超过 {high} 字符，超出部分在搜索结果里显示不出来",
                f"控制在 {high} 字符（约 {high // 2} 个汉字）内，删去重复词和营销词",
            )
        ]
    if used < low:
        return [
            Finding(
                "too_short",
                f"标题只有 {used} 字符，少于 {low} 字符，能被搜到的词太少",
                "补上品牌、核心词和属性词（材质、款式、适用人群、场景）",
            )
        ]
    return []


def _repeat_findings(tokens: list[str]) -> list[Finding]:
    limit = _conf("COPY_TITLE_WORD_MAX_REPEAT")
    counts = Counter(w for w in tokens if len(w) >= 2)
    repeated = [(w, n) for w, n in counts.items() if n > limit]
    if not repeated:
        return []
    said = "、".join(f"“{w}”{n} 次" for w, n in repeated)
    return [
        Finding(
            "repeated_word",
            f"标题里有重复的词：{said}。重复不会让商品更容易被搜到，只占了字数",
            "每个词只写一次，把位置让给属性词（材质、风格、适用场景）",
        )
    ]


def _stuffing_findings(title: str, tokens: list[str]) -> list[Finding]:
    reasons = []
    segments = [s for s in _SEPARATORS.split(normalise(title)) if s]
    short = [s for s in segments if len(s) <= STUFFING_SEGMENT_CHARS]
    if len(segments) >= STUFFING_SEGMENTS and len(short) >= STUFFING_SEGMENTS:
        reasons.append(f"用空格隔开了 {len(segments)} 个短词，像关键词列表")
    distinct = set(tokens)
    for group in SYNONYM_GROUPS:
        hits = sorted(distinct & group)
        if len(hits) >= SYNONYM_LIMIT:
            reasons.append(f"同义词堆叠：{'、'.join(hits)}")
    hype = sorted(distinct & HYPE_WORDS)
    if len(hype) >= HYPE_LIMIT:
        reasons.append(f"营销词堆叠：{'、'.join(hype)}")
    if not reasons:
        return []
    return [
        Finding(
            "keyword_stuffing",
            f"标题疑似堆砌关键词（{'；'.join(reasons)}），平台会降权，买家也读不通",
            "写成一句通顺的话：品牌 + 核心词 + 两三个最重要的属性词，同义词只留一个",
        )
    ]


def _names_of(brand: BrandName) -> list[str]:
    return [n for n in (normalise(brand.name), normalise(brand.name_en)) if len(n) >= 2]


def _named_for_use(text: str, name: str) -> bool:
    start = text.find(name)
    before = text[max(0, start - 4) : start]
    return any(w in before for w in _FOR_WORDS)


def _other_brand_findings(title: str, *, own: BrandName | None, brands: list[BrandName]) -> list[Finding]:
    text = normalise(title)
    own_names = _names_of(own) if own else []
    found = []
    for brand in brands:
        for name in _names_of(brand):
            if name in own_names or any(name in o for o in own_names):
                continue
            if name.isascii() and not re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", text):
                continue
            if name in text and not _named_for_use(text, name):
                found.append(brand.name)
                break
    if not found:
        return []
    names = "、".join(f"“{n}”" for n in found[:3])
    return [
        Finding(
            "other_brand",
            f"标题里出现了其他品牌 {names}（商品的品牌是“{own.name if own else '未填写'}”），可能构成侵权或误导",
            "删去别人的品牌词；配件请写成“适用 某品牌”，并只在确有适配时使用",
        )
    ]


def product_title_findings(
    title: str, *, own_brand: BrandName | None = None, brands: list[BrandName] = (), shop=None, category=None
) -> list[Finding]:
    """Every rule a product title fails: length, repeated words, keyword stuffing, another brand's name and
    the 广告法 terms (`banned_term_findings`). An empty title is one finding, `empty`."""
    title = (title or "").strip()
    if not title:
        return [
            Finding("empty", "标题为空", "写上品牌 + 核心词 + 属性词，如“青禾 纯棉碎花连衣裙 夏季中长款”")
        ]
    tokens = words(title)
    return [
        *_length_findings(title),
        *_repeat_findings(tokens),
        *_stuffing_findings(title, tokens),
        *_other_brand_findings(title, own=own_brand, brands=list(brands)),
        *banned_term_findings(title, shop=shop, category=category),
    ]


def title_words(title: str) -> list[str]:
    """The words of a product title worth finding in a creative title (two characters or more)."""
    return [w for w in words(title) if len(w) >= 2]


def _example(brand_names, core_words, trust_words) -> str:
    brand = next((b for b in brand_names if b), "")
    core = next((w for w in core_words if len(normalise(w)) >= 2), "")
    trust = next((w for w in trust_words if w), "")
    return f"{brand}{core}{trust}"[:AD_TITLE_MAX_CHARS]


def ad_title_findings(
    title: str, *, brand_names: list[str], core_words: list[str], trust_words: list[str] | None = None
) -> list[Finding]:
    """What an ad creative's title lacks against the formula 品牌词 + 核心功能词 + 信任背书 in at most 20
    characters. `brand_names`: the product's brand (Chinese and Latin) and the shop's name; `core_words`: the
    category's name and the product title's words; `trust_words`: the endorsement words (default: the
    COPY_TRUST_WORDS setting)."""
    trust_words = list(_conf("COPY_TRUST_WORDS") if trust_words is None else trust_words)
    title = (title or "").strip()
    if not title:
        return [Finding("empty", "标题为空", "按 品牌词 + 核心功能词 + 信任背书 写一个 20 字内的标题")]
    text = normalise(title)
    example = _example(brand_names, core_words, trust_words)
    findings = []
    if len(title) > AD_TITLE_MAX_CHARS:
        findings.append(
            Finding(
                "too_long",
                f"标题 {len(title)} 个字，超过 {AD_TITLE_MAX_CHARS} 个字会被截断",
                f"删去修饰词，只留 品牌词 + 核心词 + 背书词{f'，如“{example}”' if example else ''}",
            )
        )
    if not any(normalise(b) and normalise(b) in text for b in brand_names):
        first = next((b for b in brand_names if b), "")
        findings.append(
            Finding(
                "no_brand",
                "标题里没有品牌词（品牌名或店铺名），买家不易认出是谁家的",
                f"在开头加上品牌词{f'“{first}”' if first else ''}",
            )
        )
    if not any(normalise(w) in text for w in core_words if len(normalise(w)) >= 2):
        some = "、".join(list(dict.fromkeys(w for w in core_words if len(normalise(w)) >= 2))[:3])
        findings.append(
            Finding(
                "no_core_word",
                "标题里没有核心功能词（类目名或商品标题里的词），买家看不出卖什么",
                f"加上说明卖什么的词{f'，如 {some}' if some else ''}",
            )
        )
    if not any(normalise(w) in text for w in trust_words if normalise(w)):
        findings.append(
            Finding(
                "no_trust_word",
                "标题里没有信任背书（如 官方、正品、包邮、质保），点击意愿会低一些",
                f"加一个背书词，如 {'、'.join(trust_words[:4])}",
            )
        )
    return findings
