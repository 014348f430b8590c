"""Text helpers shared by the checks: normalising, width in 字符, words by jieba."""

import re
import threading
import unicodedata

import jieba

_SPACES = re.compile(r"\s+")
_lock = threading.Lock()
_tokenizer = None


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, whitespace collapsed to one space, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().lower()


def width(text: str) -> int:
    """Taobao's 字符: a wide character (汉字, full-width punctuation) counts 2, anything else 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text or "")


def _cutter():
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(60)  # its "Building prefix dict" lines are noise in logs and tests
                made = jieba.Tokenizer()
                made.initialize()
                _tokenizer = made
    return _tokenizer


def words(text: str) -> list[str]:
    """jieba's precise-mode words of the normalised text, spaces and punctuation dropped, in order."""
    return [w for w in (x.strip() for x in _cutter().lcut(normalise(text))) if w and not _is_punct(w)]


def _is_punct(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZ" for ch in word)
