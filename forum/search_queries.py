"""Full-text search over the visible questions (PRODUCT.md §1), ranked by the database's own
engine: SQLite FTS5 with bm25, PostgreSQL tsvector with ts_rank_cd (migration 0006).

Whatever the member types is never handed to the engine's query syntax: on SQLite the words are
taken out of it and each is quoted (a prefix match, so "abonnement" finds "abonnementen"); on
PostgreSQL it goes through websearch_to_tsquery, in English and in Dutch, whichever matches.
Titles weigh more than bodies. Snippets come back with the matches marked, HTML-escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from tortoise import Tortoise

from forum.db import as_datetime, fetch_dicts, is_postgres
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.models import Board

PAGE_SIZE = 20
MAX_PAGE = 50
MAX_QUERY = 200
_WORDS = re.compile(r"\w+", re.UNICODE)
# Match markers: control characters, which no post contains (validation refuses them).
START, STOP = "\x02", "\x03"

_SQLITE = """
SELECT q.id AS id, q.title AS title, q.state AS state, q.answer_count AS answer_count,
       q.created_at AS created_at, b.slug AS board_slug, b.name AS board_name,
       highlight(question_search, 0, char(2), char(3)) AS title_marked,
       snippet(question_search, 1, char(2), char(3), '…', 24) AS snippet
FROM question_search
JOIN questions q ON q.id = question_search.rowid
JOIN boards b ON b.id = q.board_id
WHERE question_search MATCH ? {board}
ORDER BY bm25(question_search, 10.0, 1.0), q.id DESC
LIMIT ? OFFSET ?
"""
_CONFIG = "CASE WHEN q.language = 'nl' THEN 'dutch'::regconfig ELSE 'english'::regconfig END"
_POSTGRES = f"""
WITH query AS (
    SELECT websearch_to_tsquery('english', ?) || websearch_to_tsquery('dutch', ?) AS tsq
)
SELECT q.id AS id, q.title AS title, q.state AS state, q.answer_count AS answer_count,
       q.created_at AS created_at, b.slug AS board_slug, b.name AS board_name,
       ts_headline({_CONFIG}, q.title, query.tsq, ?) AS title_marked,
       ts_headline({_CONFIG}, q.body, query.tsq, ?) AS snippet
FROM questions q
JOIN boards b ON b.id = q.board_id
CROSS JOIN query
WHERE q.visibility = 'visible' AND q.search_vector @@ query.tsq {{board}}
ORDER BY ts_rank_cd(q.search_vector, query.tsq) DESC, q.id DESC
LIMIT ? OFFSET ?
"""
_TITLE_HEADLINE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
_BODY_HEADLINE = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=1"


@dataclass(frozen=True)
class SearchPage:
    query: str
    items: list[dict[str, Any]]
    page: int
    next_page: int | None


def marked(text: str | None) -> Markup:
    """Engine output with its match markers as <mark>, everything else escaped."""
    safe = str(escape(text or ""))
    return Markup(safe.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704


def _fts_query(words: list[str], any_word: bool) -> str:
    terms = [f'"{w}"*' if len(w) >= 3 else f'"{w}"' for w in words]
    return (" OR " if any_word else " ").join(terms)


def parse_page(value: Any) -> int:
    if value in (None, ""):
        return 1
    text = str(value)
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise ValidationFailed({"page": _("page must be a whole number from 1 to %(max)s.")
                                % {"max": MAX_PAGE}})  # fmt: skip
    return int(text)


async def search_questions(
    text: Any,
    *,
    board: str | None = None,
    page: int = 1,
    limit: int = PAGE_SIZE,
    any_word: bool = False,
) -> SearchPage:
    """The visible questions matching every word of `text` (any word, with `any_word`), best
    first. No words at all find nothing; so do only stop words on PostgreSQL (SQLite has no
    stop words: "the" matches everything, slowly)."""
    if not isinstance(text, str) or len(text) > MAX_QUERY:
        raise ValidationFailed(
            {"q": _("q must be a search text of at most %(max)s characters.") % {"max": MAX_QUERY}}
        )
    if board is not None and not await Board.exists(slug=board):
        raise ValidationFailed({"board": _("Choose one of the boards.")})
    # Control characters (NUL included, which PostgreSQL refuses in text) become spaces.
    query = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    words = [w.lower() for w in _WORDS.findall(query)][:12]
    if not words:
        return SearchPage(query=query, items=[], page=page, next_page=None)
    offset = (page - 1) * limit
    conn = Tortoise.get_connection("default")
    params: list[Any]
    if is_postgres(conn):
        searched = " or ".join(words) if any_word else query
        sql = _POSTGRES.format(board="AND b.slug = ?" if board else "")
        params = [searched, searched, _TITLE_HEADLINE, _BODY_HEADLINE]
    else:
        sql = _SQLITE.format(board="AND b.slug = ?" if board else "")
        params = [_fts_query(words, any_word)]
    params += [board] if board else []
    rows = await fetch_dicts(sql, [*params, limit + 1, offset])
    items = [
        {
            **row,
            "created_at": as_datetime(row["created_at"]),
            "title_marked": marked(row["title_marked"]),
            "snippet": marked(row["snippet"]),
        }
        for row in rows[:limit]
    ]
    next_page = page + 1 if len(rows) > limit and page < MAX_PAGE else None
    return SearchPage(query=query, items=items, page=page, next_page=next_page)


async def similar_questions(title: str, limit: int = 5) -> list[dict[str, Any]]:
    """Questions that share words with a title being written: any word, best first."""
    if not isinstance(title, str) or not title.strip():
        return []
    found = await search_questions(title[:MAX_QUERY], limit=limit, any_word=True)
    return found.items
