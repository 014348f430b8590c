from dataclasses import dataclass, field


@dataclass(frozen=True)
class Match:
    """SQL pieces a backend returns for a query: `FROM {from_sql} WHERE {where_sql}`, scored by `score_sql`.

    The document table is always aliased `d`. Params are in the order the pieces appear in the final
    statement: from, then score, then where (selectors.py assembles them in that order).
    """

    from_sql: str
    from_params: list = field(default_factory=list)
    score_sql: str = "1.0"
    score_params: list = field(default_factory=list)
    where_sql: str = "1=1"
    where_params: list = field(default_factory=list)


class Backend:
    vendor = ""

    def install(self, cursor) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def uninstall(self, cursor) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def write(self, cursor, product_ids: list[int]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def delete(self, cursor, product_ids: list[int]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def match(self, groups: list[list[str]]) -> Match:  # pragma: no cover - interface
        raise NotImplementedError

    def json_text(self, column: str) -> str:
        """SQL for the text value of one key (a %s param) of a JSON column."""
        raise NotImplementedError  # pragma: no cover - interface

    def everything(self) -> Match:
        return Match(from_sql="search_searchdoc d")

    def compact(self, cursor) -> None:
        """After a whole rebuild (every row written again): give the space of the old rows back. Runs only
        outside a transaction."""
