"""Button copy check (docs/copywriting.md): weak call-to-action phrases (立即购买, 点击这里, 提交) found in a
text, each with stronger phrases that say what the buyer gets and why now. Pure functions.

A "phrase" is matched on the normalised text (full-width → half-width, spaces dropped), longest first, so
立即购买 is one finding, not also 购买."""

from dataclasses import dataclass

from wanshang.copywriting.text import normalise

# weak phrase → what kind of button it is (picks the suggestions)
WEAK_PHRASES = {
    "立即购买": "buy",
    "马上购买": "buy",
    "立即下单": "buy",
    "去购买": "buy",
    "购买": "buy",
    "下单": "buy",
    "加入购物车": "cart",
    "点击这里": "click",
    "点击此处": "click",
    "点我": "click",
    "点击": "click",
    "提交": "form",
    "确定": "form",
    "确认": "form",
    "了解更多": "more",
    "查看详情": "more",
    "查看更多": "more",
}
SUGGESTIONS = {
    "buy": ["限量抢购", "今日下单赠配件", "领券立减 马上抢"],
    "cart": ["加购享满减", "加购锁定今日价"],
    "click": ["领取专属优惠", "抢先看新品", "免费领试用装"],
    "form": ["立即领取", "免费预约", "提交即送优惠券"],
    "more": ["看看买家怎么说", "查看尺码与真人实拍", "了解三重保障"],
}
# phrases that already work: a benefit, urgency or scarcity in the words themselves
STRONG_MARKERS = (
    "限量",
    "限时",
    "抢",
    "赠",
    "送",
    "领券",
    "立减",
    "今日",
    "仅剩",
    "前",
    "免费",
    "秒杀",
    "专享",
)


@dataclass(frozen=True)
class ButtonFinding:
    phrase: str  # the weak phrase found
    line: int  # 1-based line of the text it is on
    text: str  # that line, trimmed
    suggestions: tuple[str, ...]

    @property
    def code(self) -> str:
        return "weak_button"

    @property
    def message(self) -> str:
        return f"“{self.phrase}”是弱动词按钮，只叫买家行动，没说买家得到什么、为什么现在"

    @property
    def suggestion(self) -> str:
        return "换成：" + "、".join(self.suggestions)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "phrase": self.phrase,
            "line": self.line,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
            "suggestions": list(self.suggestions),
        }


def _is_strong(line: str) -> bool:
    return any(m in line for m in STRONG_MARKERS)


BUTTON_MAX_CHARS = 16  # a longer line is body copy: only the unmistakable phrases (4+ characters) count there
LONG_LINE_MIN_PHRASE = 4


def _weak_in(line: str) -> list[str]:
    """The weak phrases in one normalised line, longest first, each span used once."""
    taken = [False] * len(line)
    found = []
    least = LONG_LINE_MIN_PHRASE if len(line) > BUTTON_MAX_CHARS else 1
    for phrase in sorted((p for p in WEAK_PHRASES if len(p) >= least), key=len, reverse=True):
        start = line.find(phrase)
        while start != -1:
            span = range(start, start + len(phrase))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                found.append((start, phrase))
            start = line.find(phrase, start + 1)
    return [p for _, p in sorted(found)]


def button_findings(text: str) -> list[ButtonFinding]:
    """Every weak button phrase in `text`, line by line (each line a candidate button; in a line longer than
    16 characters only phrases of 4+ characters count, so 购买前请咨询 is not a button). A line that already carries a benefit or urgency
    (限量, 赠, 领券 …) is left alone: 今日下单赠配件 contains 下单 and is exactly what we want."""
    findings = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = normalise(raw).replace(" ", "")
        if not line or _is_strong(line):
            continue
        for phrase in _weak_in(line):
            findings.append(
                ButtonFinding(
                    phrase=phrase,
                    line=number,
                    text=raw.strip()[:60],
                    suggestions=tuple(SUGGESTIONS[WEAK_PHRASES[phrase]]),
                )
            )
    return findings
