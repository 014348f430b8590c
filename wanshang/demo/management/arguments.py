"""Argument types shared by the demo's management commands (load_demo, simulate_market)."""


def bounded_int(name: str, low: int, high: int):
    """An argparse `type`: a whole number from `low` to `high`. argparse refuses anything else as
    "invalid <name> value", hence the parser's __name__."""

    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"{name} must be {low}–{high}")
        return value

    parse.__name__ = name
    return parse
