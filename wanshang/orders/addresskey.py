"""The normalised key of a delivery address, so that orders sent to one place match whatever way it was typed
(全角/半角, spaces, punctuation, letter case, 号/號-style traditional forms of the commonest address characters).
The key is a hash: it matches addresses without keeping a second copy of them. After-sales' refund-risk signal
counts the accounts whose orders share a key (docs/refund-risk.md)."""

import hashlib
import unicodedata

# The traditional forms that turn up in typed addresses; anything rarer is left as typed.
_TRAD = str.maketrans("號區縣鎮樓門棟單層莊灣東廣場園鄉", "号区县镇楼门栋单层庄湾东广场园乡")
_ZH_DIGITS = str.maketrans("零〇一二三四五六七八九", "00123456789")


def normalise_address(snapshot: dict) -> str:
    """The district code and the detail line, NFKC-folded, lower-cased, traditional forms simplified, Chinese
    digits before 号/楼/栋/单元/室/层 made Arabic, and everything but letters and digits dropped."""
    detail = unicodedata.normalize("NFKC", str(snapshot.get("detail") or "")).lower().translate(_TRAD)
    out = []
    for i, ch in enumerate(detail):
        nxt = detail[i + 1] if i + 1 < len(detail) else ""
        if ch in "零〇一二三四五六七八九" and (nxt in "号楼栋单室层幢" or nxt.isdigit()):
            ch = ch.translate(_ZH_DIGITS)
        if ch.isalnum():
            out.append(ch)
    region = str(snapshot.get("district_code") or snapshot.get("city_code") or "")
    return f"{region}|{''.join(out)}"


def address_key(snapshot: dict) -> str:
    """32 hex characters of the normalised address; "" when there is no detail line (到店自提 and the like)."""
    norm = normalise_address(snapshot or {})
    if norm.endswith("|"):
        return ""
    return hashlib.blake2b(norm.encode(), digest_size=16).hexdigest()
