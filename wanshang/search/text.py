"""Chinese text for the index and for queries: jieba words, pinyin, normalisation.

The index stores each field as words separated by spaces, so both backends (SQLite FTS5's unicode61 tokenizer
and PostgreSQL's tsvector built from a word array) see exactly jieba's words and never split Chinese again:

- index side: `index_words` cuts in jieba's *search* mode, which adds the shorter words inside a long one
  (连衣裙 → 连衣 衣裙 连衣裙), so a query for a part still finds the whole;
- query side: `query_words` cuts in *precise* mode (纯棉连衣裙 → 纯棉 连衣裙), every word of which the search
  mode also produced at index time;
- pinyin: every Chinese word of a title, brand or category is also indexed as its full pinyin and its initials
  (连衣裙 → lianyiqun, lyq), so a buyer typing either finds it.

One jieba `Tokenizer` for the process, with the bundled dictionary of product words (`userdict.txt`) and the
platform's brand and category names added as they are indexed (`learn`).
"""

import functools
import re
import threading
import unicodedata
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin

MAX_QUERY_CHARS = 50
MAX_QUERY_WORDS = 8
_USER_DICT = Path(__file__).with_name("userdict.txt")
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[\w\u3400-\u9fff]+")  # what counts as a word at all (drops punctuation and spaces)
STOP_WORDS = frozenset("的 了 和 与 及 或 是 在 款 个 件 新款 正品 包邮".split())

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_learned: set[str] = set()


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(60)  # its "Building prefix dict" lines are noise in logs and tests
                made = jieba.Tokenizer()
                made.load_userdict(str(_USER_DICT))
                _tokenizer = made
    return _tokenizer


def learn(words) -> None:
    """Teach the segmenter names it must keep whole (brands, categories): 花西子 stays one word."""
    tk = tokenizer()
    for word in words:
        word = normalise(word)
        if word and word not in _learned and _HAN.search(word) and len(word) <= 12:
            tk.add_word(word, freq=1000)
            _learned.add(word)
            _short_index_words.cache_clear()
            _block_words.cache_clear()


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, single spaces (ＴＥＥ → tee)."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def _clean(words) -> list[str]:
    out = []
    for w in words:
        w = w.strip()
        if w and _WORD.fullmatch(w) and w not in STOP_WORDS:
            out.append(w[:40])
    return out


def index_words(text: str, *, chars: bool = False) -> list[str]:
    """Words of a field for the index (search mode, with the shorter words inside long ones).

    `chars` adds each Chinese character of the longer words too (titles and categories): buyers type a single
    character (裙, 鞋, 包) and expect every 连衣裙 and 半身裙.
    """
    if len(text or "") <= 40:  # names (categories, brands, attribute values) repeat across products: cut once
        return list(_short_index_words(text or "", chars))
    return _index_words(text, chars)


@functools.lru_cache(maxsize=50_000)
def _short_index_words(text: str, chars: bool) -> tuple[str, ...]:
    return tuple(_index_words(text, chars))


def _index_words(text: str, chars: bool) -> list[str]:
    words = [w for block in jieba.re_han_default.split(normalise(text)) if block for w in _block_words(block)]
    if chars:
        singles = [c for w in words if len(w) > 1 for c in w if _HAN.match(c) and c not in STOP_WORDS]
        words += [c for c in dict.fromkeys(singles) if c not in words]
    return words


@functools.lru_cache(maxsize=200_000)
def _block_words(block: str) -> tuple[str, ...]:
    """Index words of one run of text between punctuation: jieba cuts each such run on its own, so cutting
    run by run gives exactly its words for the whole text, and runs repeat across products (a detail's
    洗涤说明, 尺码表 and 发货须知 lines): each is cut once per process."""
    return tuple(_clean(tokenizer().cut_for_search(block)))


def query_words(text: str) -> list[str]:
    """Words of a buyer's query (precise mode), at most MAX_QUERY_WORDS, duplicates dropped."""
    seen: list[str] = []
    for w in _clean(tokenizer().cut(normalise(text)[:MAX_QUERY_CHARS])):
        if w not in seen:
            seen.append(w)
    return seen[:MAX_QUERY_WORDS]


@functools.lru_cache(maxsize=100_000)
def pinyin_of(word: str) -> tuple[str, str]:
    """('lianyiqun', 'lyq') for 连衣裙; ('', '') for a word without Chinese characters."""
    if not _HAN.search(word):
        return "", ""
    syllables = [s for s in lazy_pinyin(word, errors="ignore") if s.isascii() and s.isalpha()]
    initials = [s for s in lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore") if s.isalpha()]
    return "".join(syllables), "".join(initials)


def pinyin_words(words) -> list[str]:
    """Full pinyin and initials of the Chinese words among `words` (two letters or more)."""
    out: list[str] = []
    for w in words:
        full, initials = pinyin_of(w)
        for p in (full, initials):
            if len(p) >= 2 and p not in out:
                out.append(p)
    return out


def is_pinyin_like(word: str) -> bool:
    return word.isascii() and word.isalpha() and len(word) >= 2


def has_han(text: str) -> bool:
    return bool(_HAN.search(text or ""))
