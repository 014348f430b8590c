"""FAQ matching with jieba (docs/helpdesk.md, "How a question is matched").

Words: jieba's search mode (`cut_for_search`, which adds the dictionary words inside a long one) plus every
two-character piece of a word of three or more characters (so 顺丰 is found inside 发顺丰, which jieba keeps
whole), lower-cased, with punctuation, spaces and the stop words below dropped. Each FAQ keeps the words of its
question and of each similar phrasing (`terms`). A buyer's text Q is scored against one FAQ:

    w(t)      = ln(1 + N / df(t)) for a word the shop's FAQ knows (N enabled texts: questions and phrasings,
                df: how many contain t); ½ ln(1 + N) for a word it has never seen
    precision = w(Q ∩ U) / w(Q)          U: the words of all the FAQ's texts (how much of Q this FAQ explains)
    recall    = max over its texts D of w(Q ∩ D) / w(D)   (how much of its closest phrasing Q says)
    score     = 2PR / (P + R) × weight   weight 1.0 when that closest text is the question, 0.9 a phrasing

Rare words count more than common ones; an unknown word (a name, 昨天) counts half, so a question about
something else that shares one common word (退款多久到账 vs 多久发货) stays low. 1.0 is an exact match.
"""

import math
import re
import threading
from dataclasses import dataclass

import jieba

QUESTION_WEIGHT = 1.0
PHRASING_WEIGHT = 0.9
SUGGEST_FLOOR = 0.2  # a suggestion to the agent needs at least this

STOP_WORDS = frozenset(
    """的 了 吗 呢 啊 吧 呀 哦 嘛 么 哈 啦 嗯 噢 我 你 您 他 她 它 我们 你们 他们 是 在 有 和 与 及 就 都 也 还
    要 想 请问 请 一下 下 这个 那个 这 那 个 能 可以 可 会 怎么 怎么样 怎样 如何 什么 为什么 亲 好 你好 您好
    谢谢 麻烦 问 问下 问一下 一个 吗 呐 哪 哪个 给 让 把 被 到 从 对 上 又 再 得 地 着 过 没 没有 不 能不能
    可不可以 是不是 有没有""".split()
)
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")

_lock = threading.Lock()
_tokenizer = None


def _cutter():
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(60)
                made = jieba.Tokenizer()
                made.initialize()
                _tokenizer = made
    return _tokenizer


def words(text: str) -> list[str]:
    """The distinct match words of a text, in order of appearance."""
    seen: dict[str, None] = {}
    for raw in _cutter().cut_for_search((text or "").lower()):
        w = raw.strip()
        if not w or w in STOP_WORDS or _PUNCT.match(w):
            continue
        seen.setdefault(w, None)
        if len(w) >= 3 and _CJK.match(w):
            for i in range(len(w) - 1):
                piece = w[i : i + 2]
                if piece not in STOP_WORDS:
                    seen.setdefault(piece, None)
    return list(seen)


def faq_terms(question: str, phrasings: list[str]) -> list[list[str]]:
    """What an FAQ stores in `terms`: the question's words first, then each phrasing's."""
    return [words(question)] + [words(p) for p in phrasings]


@dataclass(frozen=True)
class Scored:
    faq_id: int
    score: float


def rank(text: str, faqs: list[tuple[int, list[list[str]]]]) -> list[Scored]:
    """Every FAQ (id, terms) with a score above 0, best first (ties: the lower id)."""
    query = set(words(text))
    if not query or not faqs:
        return []
    df: dict[str, int] = {}
    n = 0
    for _id, texts in faqs:
        for t in texts:
            n += 1
            for w in set(t):
                df[w] = df.get(w, 0) + 1

    unknown = 0.5 * math.log(1 + n)

    def weight(ws) -> float:
        return sum(math.log(1 + n / df[w]) if w in df else unknown for w in ws)

    whole = weight(query)
    out = []
    for faq_id, texts in faqs:
        union = set().union(*texts) & query
        if not union:
            continue
        precision = weight(union) / whole
        recall, closest = 0.0, 0
        for i, t in enumerate(texts):
            doc = set(t)
            if doc and (r := weight(query & doc) / weight(doc)) > recall:
                recall, closest = r, i
        if recall:
            score = 2 * precision * recall / (precision + recall)
            score *= QUESTION_WEIGHT if closest == 0 else PHRASING_WEIGHT
            out.append(Scored(faq_id, round(score, 4)))
    out.sort(key=lambda s: (-s.score, s.faq_id))
    return out
