"""PostgreSQL: two tsvector columns on the document table, the full one with a GIN index.

The vectors are built from jieba's words with `array_to_tsvector` (no text-search parser runs, so Chinese is
never re-split and nothing depends on the server's locale), and queries are tsquery literals of quoted words.
"""

from wanshang.search.backends.base import Backend, Match


def _vector(column: str, weight: str) -> str:
    return f"setweight(array_to_tsvector(string_to_array(NULLIF({column}, ''), ' ')), '{weight}')"


# title A; pinyin and brand B; category C; attributes D. The detail only in `document` (D), see __init__.
HEAD_PARTS = [
    _vector(c, w)
    for c, w in (
        ("title_words", "A"),
        ("pinyin_words", "B"),
        ("brand_words", "B"),
        ("category_words", "C"),
        ("attribute_words", "D"),
    )
]
DETAIL = _vector("detail_words", "D")


def _lexeme(word: str) -> str:
    return "'" + word.replace("'", "").replace("\\", "") + "'"


def tsquery_text(groups: list[list[str]]) -> str:
    return " & ".join("(" + " | ".join(_lexeme(w) for w in group) + ")" for group in groups)


class PostgresBackend(Backend):
    vendor = "postgresql"

    def install(self, cursor) -> None:
        cursor.execute(
            "ALTER TABLE search_searchdoc ADD COLUMN IF NOT EXISTS head tsvector, "
            "ADD COLUMN IF NOT EXISTS document tsvector"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS search_doc_document_gin ON search_searchdoc USING gin (document) "
            "WHERE visible"
        )
        # category pages filter `category_path LIKE '/1/5/%'`: a prefix match needs pattern ops under a
        # non-C collation
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS search_doc_cat_prefix ON search_searchdoc "
            "(category_path varchar_pattern_ops) WHERE visible"
        )
        # keep the heap narrow: the words and vectors go to TOAST, so scans over the facts (facets, counts of a
        # category) read a few hundred bytes per product, not kilobytes
        cursor.execute("ALTER TABLE search_searchdoc SET (toast_tuple_target = 256)")
        # ... except the attributes the facets read: each `attributes ->> name` of a row moved to TOAST is a
        # separate TOAST fetch (4 attribute facets: 33 ms → 3 ms of a 4,464-row match at 1M SKUs). MAIN keeps
        # them in the row (compressed if need be).
        cursor.execute("ALTER TABLE search_searchdoc ALTER COLUMN attributes SET STORAGE MAIN")

    def uninstall(self, cursor) -> None:
        cursor.execute("DROP INDEX IF EXISTS search_doc_cat_prefix")
        cursor.execute("DROP INDEX IF EXISTS search_doc_document_gin")
        cursor.execute(
            "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS head, DROP COLUMN IF EXISTS document"
        )

    def delete(self, cursor, product_ids: list[int]) -> None:
        return None  # the vectors live on the document row: deleting the row deletes them

    def compact(self, cursor) -> None:
        # a rebuild inserts each row and then sets its vectors: two versions per row, half of them dead
        cursor.execute("VACUUM (ANALYZE) search_searchdoc")

    def write(self, cursor, product_ids: list[int]) -> None:
        # the COALESCE: array_to_tsvector of an empty field is NULL, and NULL || anything is NULL
        head = " || ".join(f"COALESCE({part}, ''::tsvector)" for part in HEAD_PARTS)
        cursor.execute(
            f"UPDATE search_searchdoc SET head = {head}, "  # noqa: S608 - fixed SQL and %s placeholders; user text only in params
            f"document = {head} || COALESCE({DETAIL}, ''::tsvector) WHERE product_id = ANY(%s)",
            [list(product_ids)],
        )

    def match(self, groups: list[list[str]]) -> Match:
        query = tsquery_text(groups)
        return Match(
            from_sql="search_searchdoc d",
            # the head only: ranking reads each candidate's vector from TOAST, and the document's doubled the
            # cost of 综合 at 1M SKUs (a detail-only match ranks after every head match, by popularity)
            score_sql="ts_rank(d.head, %s::tsquery)",
            score_params=[query],
            where_sql="d.document @@ %s::tsquery",
            where_params=[query],
        )

    def json_text(self, column: str) -> str:
        return f"({column} ->> %s)"
