"""Full-text backends: the part of search that differs between databases.

Everything else (documents, filters, facets, sorts, synonyms, suggestions) is plain SQL over `SearchDoc` and
runs on both. A backend knows how to

- `install` its structures (a migration calls it; the other database's structures are never created),
- `write` the full text of some documents from their `*_words` columns (after `SearchDoc` rows are saved),
- `match(groups)` : a FROM clause, a WHERE fragment and a score expression for "documents holding, for each
  group, at least one of its words" — groups are the query's words, each with its synonyms.

Field weights, highest first: title, pinyin (of title, brand and category words), brand, category,
attributes, detail. SQLite FTS5 weighs each column on its own (bm25 column weights); PostgreSQL has four
weight classes, so the rank is `ts_rank(head)`, where `head` holds every field but the detail and `document`
(the one with the GIN index, which matches) holds them all: a product found only by its detail ranks after
every product found by another field (then by popularity).
"""

from dataclasses import dataclass

from django.db import connection

from wanshang.search.backends.base import Backend, Match
from wanshang.search.backends.postgres import PostgresBackend
from wanshang.search.backends.sqlite import SqliteBackend

__all__ = ["Backend", "Match", "backend", "for_vendor"]


@dataclass(frozen=True)
class _Choice:
    sqlite: Backend
    postgresql: Backend


_BACKENDS = _Choice(sqlite=SqliteBackend(), postgresql=PostgresBackend())


def for_vendor(vendor: str) -> Backend:
    try:
        return getattr(_BACKENDS, vendor)
    except AttributeError:
        raise NotImplementedError(
            f"no search backend for the {vendor} database (SQLite and PostgreSQL are supported)"
        ) from None


def backend() -> Backend:
    return for_vendor(connection.vendor)
