"""Value types other apps receive from adlaw's selectors and services."""

from dataclasses import asdict, dataclass
from datetime import datetime


@dataclass(frozen=True)
class Hit:
    """One term found in a text. `start`/`end` are offsets into the ORIGINAL text (what the merchant typed),
    so a page can highlight text[start:end]. `severity` is the effective one: a warn term in one of its strict
    categories is "block". `exempt` hits are covered by the shop's approved claim `claim_id`."""

    term: str
    family: str
    severity: str
    start: int
    end: int
    snippet: str
    explanation: str
    replacements: tuple[str, ...]
    exempt: bool = False
    claim_id: int | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == "block" and not self.exempt

    def as_dict(self) -> dict:
        data = asdict(self)
        data["replacements"] = list(self.replacements)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Hit":
        return cls(**{**data, "replacements": tuple(data.get("replacements") or ())})


@dataclass(frozen=True)
class TextHits:
    """A recorded text of a shop with its open (not exempt) hits, for the seller's list and the 体检中心."""

    id: int
    shop_id: int
    source: str
    source_id: int
    field: str
    text: str
    hits: tuple[Hit, ...]
    scanned_at: datetime
    hits_since: datetime | None
    new_terms: tuple[str, ...]
