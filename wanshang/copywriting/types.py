"""What every copy check answers: one finding per failed rule."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    """A failed rule: its reason code, the explanation in Chinese and what to do instead. Never a refusal."""

    code: str
    message: str
    suggestion: str = ""
    level: str = (
        "warn"  # warn: shown, not blocking (a future "block" is for the 广告法 terms' caller to decide)
    )

    def as_dict(self) -> dict:
        return asdict(self)
