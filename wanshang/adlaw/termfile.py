"""Reading the repository's term list (wanshang/adlaw/terms.json): families give defaults, a term may
override them. Pure: returns plain dicts, used by the seed migration and by `services.terms_import`."""

import json
from pathlib import Path

TERM_FILE = Path(__file__).with_name("terms.json")


def read_terms(path: Path | str | None = None) -> list[dict]:
    """Every term of the file as {text, family, severity, strict_categories, explanation, replacements,
    allowed_words}. Raises ValueError on a malformed file (unknown keys, a family without terms)."""
    data = json.loads(Path(path or TERM_FILE).read_text(encoding="utf-8"))
    families = data.get("families")
    if not isinstance(families, dict) or not families:
        raise ValueError("术语文件缺少 families")
    out: list[dict] = []
    for family, spec in families.items():
        for item in spec.get("terms") or []:
            entry = {"text": item} if isinstance(item, str) else dict(item)
            unknown = set(entry) - {"text", "severity", "strict", "explanation", "replacements", "allowed"}
            if unknown or not str(entry.get("text", "")).strip():
                raise ValueError(f"术语文件中“{family}”下有无法识别的条目：{item!r}")
            out.append(
                {
                    "text": str(entry["text"]).strip(),
                    "family": family,
                    "severity": entry.get("severity", spec.get("severity", "warn")),
                    "strict_categories": list(entry.get("strict", spec.get("strict", []))),
                    "explanation": entry.get("explanation", spec.get("explanation", "")),
                    "replacements": list(entry.get("replacements", spec.get("replacements", []))),
                    "allowed_words": list(entry.get("allowed", [])),
                }
            )
    return out
