"""Full-text search over the visible questions (PRODUCT.md §1), ranked by the database's own
engine: SQLite FTS5 with bm25, PostgreSQL tsvector with ts_rank, each in a table
`question_search` kept in step by triggers (migrations 0006 and 0009).

Whatever the member types is never handed to the engine's query syntax: the words are taken out
of it (quotes and operators are not phrases or exclusions). On SQLite stop words are dropped and
each word is quoted, with its Dutch plural and diminutive forms (so "abonnement" finds
"abonnementen"); on PostgreSQL the words go through websearch_to_tsquery, in English and in
Dutch, whichever matches. Titles weigh more than bodies. Snippets come back with the matches
marked, HTML-escaped.

Bounded work: the search ranks the newest CANDIDATES (1,000) matches, not all of them, so a
common word costs about what a rare one does. With at most 1,000 matches that is every match;
with more, the best of the newest 1,000, which is as many as a member can page through (50
pages of 20). SQLite's FTS5 reads matches newest first and stops; on PostgreSQL the plan is
chosen by how dense the matches are among the newest questions (see `_postgres_candidates`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from forum.db import as_datetime, fetch_dicts, is_postgres
from forum.errors import NamesNothing, ValidationFailed
from forum.i18n import gettext as _
from forum.models import Board
from forum.validation import is_number

PAGE_SIZE = 20
MAX_PAGE = 50
MAX_QUERY = 200
CANDIDATES = 1000
_WORDS = re.compile(r"\w+", re.UNICODE)
# Match markers: control characters, which no post contains (validation refuses them).
START, STOP = "\x02", "\x03"
# The Snowball stop words of PostgreSQL's english and dutch configurations (tsearch_data), which
# SQLite drops too: as FTS5 prefixes they match nearly every question and find nothing useful.
STOP_WORDS = frozenset(
    """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
de en van ik te dat die een hij het niet zijn op aan met als voor had er maar om hem dan zou wat
mijn men dit zo door ze zich bij ook tot je mij uit der daar haar naar heb hoe heeft hebben deze
u want nog zal zij nu ge geen omdat iets worden toch al waren veel meer doen toen moet ben zonder
kan hun dus alles onder ja eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen na
reeds wil kon niets uw iemand geweest andere
""".split()
)

# The newest CANDIDATES matches (FTS5 walks them newest first and stops), ranked, one page.
_SQLITE = """
SELECT q.id AS id, q.title AS title, q.state AS state, q.answer_count AS answer_count,
       q.created_at AS created_at, b.slug AS board_slug, b.name AS board_name,
       b.name_nl AS board_name_nl,
       highlight(question_search, 0, char(2), char(3)) AS title_marked,
       snippet(question_search, 1, char(2), char(3), '…', 24) AS snippet
FROM question_search
JOIN questions q ON q.id = question_search.rowid
JOIN boards b ON b.id = q.board_id
WHERE question_search MATCH ? AND question_search.rowid >= (
    SELECT COALESCE(MIN(id), 0) FROM (
        SELECT rowid AS id FROM question_search WHERE question_search MATCH ?
        ORDER BY rowid DESC LIMIT ?
    )
)
ORDER BY bm25(question_search, 10.0, 1.0, 0.0), q.id DESC
LIMIT ? OFFSET ?
"""
_TSQUERY = "(websearch_to_tsquery('english', ?) || websearch_to_tsquery('dutch', ?))"
# Plans for these words (not the generic plan of a prepared statement), on one core (a parallel
# worker costs more to start than a search takes), through an index; and, in the same round trip,
# the newest visible question (of a board) and the FIRST_WINDOW-th newest, where the first window
# starts. set_config(..., true) is SET LOCAL: it ends with the transaction.
_START = """
SELECT set_config('plan_cache_mode', 'force_custom_plan', true) AS plans,
       set_config('max_parallel_workers_per_gather', '0', true) AS workers,
       set_config('enable_seqscan', 'off', true) AS seqscan,
       (SELECT question_id FROM question_search {board}
        ORDER BY question_id DESC LIMIT 1) AS top,
       (SELECT question_id FROM question_search {board}
        ORDER BY question_id DESC LIMIT 1 OFFSET ?) AS floor
"""
# For the second window: backwards along an index, or through the GIN index (the statement
# after this one is planned with it).
_DENSE_PLAN = "SELECT set_config('enable_bitmapscan', 'off', true) AS bitmapscan"
_SPARSE_PLAN = "SELECT set_config('enable_indexscan', 'off', true) AS indexscan"
_BITMAPS_ON = "set_config('enable_bitmapscan', 'on', true) AS bitmapscan"
# Ranked once taken (only those: a bitmap scan would rank every match it reads).
_CANDIDATES = f"""
SELECT c.id AS id, ts_rank(c.vector, {_TSQUERY}) AS rank FROM (
    SELECT question_id AS id, vector FROM question_search
    WHERE vector @@ {_TSQUERY} AND question_id >= ? AND question_id < ? {{board}}
    ORDER BY question_id DESC LIMIT ?
) c
"""
_CONFIG = "CASE WHEN q.language = 'nl' THEN 'dutch'::regconfig ELSE 'english'::regconfig END"
# One page of ranked candidates, with the matches marked.
_POSTGRES = f"""
WITH query AS (SELECT {_TSQUERY} AS tsq)
SELECT q.id AS id, q.title AS title, q.state AS state, q.answer_count AS answer_count,
       q.created_at AS created_at, b.slug AS board_slug, b.name AS board_name,
       b.name_nl AS board_name_nl,
       ts_headline({_CONFIG}, q.title, query.tsq, ?) AS title_marked,
       ts_headline({_CONFIG}, q.body, query.tsq, ?) AS snippet
FROM questions q
JOIN boards b ON b.id = q.board_id
CROSS JOIN query
WHERE q.id = ANY(?::int[])
"""
# Rows of the first window: the newest questions, where a common word has its CANDIDATES. A
# board's rows are scattered over the table and cost 3.5 times as much to read, so its first
# window is smaller: it only has to measure how dense the matches are.
FIRST_WINDOW = 3000
BOARD_WINDOW = 1000
# Below this share of matches in the first window, the GIN index finds the rest faster than a
# backward scan, which reads every row of its range: about 1 µs a row along the primary key, 3.5
# along a board's index (its rows are scattered over the table), against about 0.15 µs per entry
# of the words' posting lists and 3 µs per match for the GIN index (measured, 200,000 questions).
_SPARSE = {False: 0.2, True: 0.33}
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


def _forms(word: str) -> list[str]:
    """The word with its Dutch plural and diminutive endings. The index's porter stemmer takes
    care of English endings and of any final "s" (so "+s" forms would only read the same
    postings twice). Whole words only: an FTS5 prefix query merges the postings of every word it
    starts, and costs three times as much."""
    if len(word) < 4:
        return [word]
    forms = {word, word + "en", word + "je", word + "tje"}
    if word.endswith("e"):
        forms.add(word + "n")
    if word.endswith("en") and len(word) >= 5:
        forms.add(word[:-2])
    return sorted(forms)


def _fts_query(words: list[str], any_word: bool, board_id: int | None) -> str:
    """Each word in any of its forms, in the title or the body (and the board, when given)."""
    terms = ["(" + " OR ".join(f'"{f}"' for f in _forms(w)) + ")" for w in words]
    match = "{title body} : (" + (" OR " if any_word else " AND ").join(terms) + ")"
    return f'board : "b{board_id}" AND {match}' if board_id else match


async def _postgres_candidates(
    conn: BaseDBAsyncClient, searched: str, board_id: int | None
) -> list[tuple[int, float]]:
    """(id, rank) of the newest CANDIDATES matches, newest first.

    First the newest FIRST_WINDOW questions (BOARD_WINDOW of the board): a common word has its
    candidates there, in a few milliseconds, whichever index the planner reads them by, as the
    window bounds the work. When it has fewer, the window that should hold them is estimated from
    their density, and searched backwards along the primary key (or the board's index) while
    matches are dense, or through the GIN index when they are sparse, where the backward scan
    would read most of the table to find a few. That plan is set, not left to the planner: it
    assumes the words of a query independent and the matches spread evenly, and a wrong guess
    costs a hundred times more here.
    """
    board = "AND board_id = ?" if board_id else ""
    extra = [board_id] if board_id else []
    where = "WHERE board_id = ?" if board_id else ""
    window = BOARD_WINDOW if board_id else FIRST_WINDOW
    start = await fetch_dicts(_START.format(board=where), [*extra, *extra, window - 1], conn)
    top, floor = start[0]["top"], start[0]["floor"]
    sql = _CANDIDATES.format(board=board)
    # Fewer questions than the window: the whole table is small, and read backwards.
    params = [searched, searched, searched, searched]
    end = int(top or 0) + 1
    rows = await fetch_dicts(sql, [*params, floor or 0, end, *extra, CANDIDATES], conn)
    if len(rows) >= CANDIDATES or floor is None:
        return [(int(r["id"]), float(r["rank"])) for r in rows]
    density = len(rows) / window
    sparse = density < _SPARSE[board_id is not None]
    await fetch_dicts(_SPARSE_PLAN if sparse else _DENSE_PLAN, [], conn)
    # Ids per question in this window, and the span that should hold 1.5 x CANDIDATES matches.
    span = (int(top) - int(floor) + 1) * 1.5 * CANDIDATES / max(len(rows), 1)
    wider = max(0, int(int(top) - span)) if len(rows) else 0
    rows = await fetch_dicts(sql, [*params, wider, end, *extra, CANDIDATES], conn)
    if len(rows) < CANDIDATES and wider > 0:
        # Fewer than the density promised (the word is rarer in older questions): the rest of
        # the table, through the GIN index, for the ones still missing.
        if not sparse:
            await fetch_dicts(_SPARSE_PLAN + ", " + _BITMAPS_ON, [], conn)
        older = [*params, 0, wider, *extra, CANDIDATES - len(rows)]
        rows += await fetch_dicts(sql, older, conn)
    return [(int(r["id"]), float(r["rank"])) for r in rows]


def parse_page(value: Any, field: str = "page") -> int:
    """A page number from `field` (the API's search also takes it as its cursor)."""
    if value in (None, ""):
        return 1
    text = str(value)
    if not is_number(text) or len(text) > 6 or not 1 <= int(text) <= MAX_PAGE:
        raise ValidationFailed({field: _("%(field)s must be a whole number from 1 to %(max)s.")
                                % {"field": field, "max": MAX_PAGE}})  # fmt: skip
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
    first. No words at all find nothing, and neither do stop words alone."""
    if not isinstance(text, str) or len(text) > MAX_QUERY:
        raise ValidationFailed(
            {"q": _("q must be a search text of at most %(max)s characters.") % {"max": MAX_QUERY}}
        )
    board_id: int | None = None
    if board is not None:
        found: list[Any] = await Board.filter(slug=board).values_list("id", flat=True)
        if not found:
            raise NamesNothing({"board": _("Choose one of the boards.")})
        board_id = int(found[0])
    # Control characters (NUL included, which PostgreSQL refuses in text) become spaces.
    query = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    # Stop words find nothing on either database (PostgreSQL's configurations drop them too, and
    # would read "or" as an operator).
    words = [w for w in (w.lower() for w in _WORDS.findall(query)) if w not in STOP_WORDS][:12]
    if not words:
        return SearchPage(query=query, items=[], page=page, next_page=None)
    offset = (page - 1) * limit
    async with in_transaction() as conn:
        if is_postgres(conn):
            # The words alone, as on SQLite: no phrases or exclusions, which the GIN index cannot
            # answer without reading every question that holds the words.
            searched = (" or " if any_word else " ").join(words)
            ranked = await _postgres_candidates(conn, searched, board_id)
            ranked.sort(key=lambda c: (-c[1], -c[0]))
            ids = [i for i, _rank in ranked[offset : offset + limit + 1]]
            marked_rows = await fetch_dicts(
                _POSTGRES, [searched, searched, _TITLE_HEADLINE, _BODY_HEADLINE, ids], conn
            )
            by_id = {int(r["id"]): r for r in marked_rows}
            rows = [by_id[i] for i in ids if i in by_id]
        else:
            fts = _fts_query(words, any_word, board_id)
            rows = await fetch_dicts(_SQLITE, [fts, fts, CANDIDATES, limit + 1, offset], conn)
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


RELATED = 5


async def related_questions(question_id: int, title: str) -> list[dict[str, Any]]:
    """Up to RELATED questions like this one: the similar-questions search, without itself."""
    found = await similar_questions(title, limit=RELATED + 1)
    return [r for r in found if r["id"] != question_id][:RELATED]


async def similar_questions(title: str, limit: int = 5) -> list[dict[str, Any]]:
    """Questions that share words with a title being written: any word, best first."""
    if not isinstance(title, str) or not title.strip():
        return []
    found = await search_questions(title[:MAX_QUERY], limit=limit, any_word=True)
    return found.items
