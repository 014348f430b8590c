"""SQLite: an FTS5 table beside the documents, ranked by bm25 with a weight per column.

The words are stored already cut by jieba and separated by spaces; FTS5's unicode61 tokenizer splits on the
spaces only (a run of Chinese characters is one token to it), so it indexes exactly jieba's words.
"""

from wanshang.search.backends.base import Backend, Match

COLUMNS = ("title_words", "pinyin_words", "brand_words", "category_words", "attribute_words", "detail_words")
WEIGHTS = (10.0, 6.0, 5.0, 3.0, 2.0, 1.0)  # bm25 column weights, in COLUMNS order


def _quote(word: str) -> str:
    return '"' + word.replace('"', "") + '"'


def match_expression(groups: list[list[str]]) -> str:
    """FTS5 MATCH text: each group an OR of quoted words, groups joined by AND."""
    return " AND ".join("(" + " OR ".join(_quote(w) for w in group) + ")" for group in groups)


class SqliteBackend(Backend):
    vendor = "sqlite"

    def install(self, cursor) -> None:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5({', '.join(COLUMNS)}, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )

    def uninstall(self, cursor) -> None:
        cursor.execute("DROP TABLE IF EXISTS search_fts")

    def delete(self, cursor, product_ids: list[int]) -> None:
        for chunk in _chunks(product_ids):
            cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({', '.join('%s' for _ in chunk)})", chunk)  # noqa: S608 - fixed SQL and %s placeholders; user text only in params

    def write(self, cursor, product_ids: list[int]) -> None:
        self.delete(cursor, product_ids)
        for chunk in _chunks(product_ids):
            marks = ", ".join("%s" for _ in chunk)
            cursor.execute(
                f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) "  # noqa: S608 - fixed SQL and %s placeholders; user text only in params
                f"SELECT product_id, {', '.join(COLUMNS)} FROM search_searchdoc WHERE product_id IN ({marks})",
                chunk,
            )

    def match(self, groups: list[list[str]]) -> Match:
        weights = ", ".join(str(w) for w in WEIGHTS)
        return Match(
            from_sql=(
                "search_searchdoc d JOIN (SELECT rowid AS pid, -bm25(search_fts, "  # noqa: S608 - fixed SQL and %s placeholders; user text only in params
                f"{weights}) AS score FROM search_fts WHERE search_fts MATCH %s) m ON m.pid = d.product_id"
            ),
            from_params=[match_expression(groups)],
            score_sql="m.score",
        )

    def json_text(self, column: str) -> str:
        return f"json_extract({column}, '$.\"' || %s || '\"')"


def _chunks(ids: list[int], size: int = 500):
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])
