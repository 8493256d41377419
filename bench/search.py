"""Benchmark of full-text search (issue #6), on SQLite and on PostgreSQL.

For each database, in a subprocess of its own, this script:

1. creates a fresh, migrated database and loads it (not timed): 5,000 members, the six default
   boards and 200,000 visible questions spread over the boards and the members, 80 % in English
   and 20 % in Dutch (`language` 'en' / 'nl'), with titles of 6-12 words and bodies of 40-120
   words drawn from a seeded Zipf-like vocabulary (5,000 English-looking words, 3,000
   Dutch-looking ones, function words first): common words are in most questions, the rarest
   in about a hundred. The text is made in Python and inserted in batches of 5,000 rows with
   executemany, so the search index of migration 0006 (SQLite: the FTS5 table `question_search`,
   filled by its trigger; PostgreSQL: the generated `search_vector` under its GIN index) is
   built the way the application builds it. Then ANALYZE and a `wal_checkpoint(TRUNCATE)`
   (SQLite, loaded with `synchronous=OFF`) or VACUUM (ANALYZE) (PostgreSQL);
2. in that one warm process, runs a seeded mix of searches through the real function
   `forum.search_queries.search_questions`: 100 warm-up calls, then 1,000 timed ones (each
   `await` timed with `time.perf_counter`): a rare word (150), one common word, two common
   words, three words, a common and a rare word, a common word in one board, page 2 of a common
   word, a question in words ("how do i ... my ...", 100 each), and hostile inputs (150: quotes,
   operators, FTS5 syntax, SQL, control characters, stop words only, 200 characters);
3. counts the matches of every distinct query (not timed); prints the plan of a search for
   "phone" (EXPLAIN QUERY PLAN; EXPLAIN (ANALYZE, BUFFERS) of the custom and of the generic
   plan on PostgreSQL, whose plan cache switches asyncpg's prepared statement to the generic
   plan after five runs, and how often it did);
4. times variants of the statement as raw SQL, interleaved query by query, on the first 40
   queries of the expensive kinds (see `_raw`: without snippets, ranking alone, counting alone,
   ranking only the newest 2,000 matches), then the whole mix again as raw SQL, the app's
   statement against the proposal (PROPOSAL), and checks that ranking the newest 2,000 matches
   gives the very same page whenever there are at most 2,000 matches.

Target: p99 under 50 ms on one warm process. Exits 0 whatever the numbers; non-zero only when
something broke.

    python bench/search.py                        # both databases, 200,000 questions
    python bench/search.py --db sqlite --questions 20000 --keep
    python bench/search.py --db postgres --reuse   # search the kept database again, no load
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.ledger import percentile, psql  # noqa: E402

PG_DSN = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "peerdesk_bench_search"
SQLITE_PATH = Path(tempfile.gettempdir()) / "peerdesk_bench_search.sqlite3"
RESULT = "SEARCH-RESULT "
TARGET_P99_MS = 50.0
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
NOW_S = int(NOW.timestamp())
YEAR_S = 365 * 86_400
SEED = 6
MEMBERS = 5_000
BATCH = 5_000
DUTCH_SHARE = 0.2
SPREAD = 7919
# Zipf-Mandelbrot: the word of rank r is drawn with weight 1 / (r + 2.7) ** 1.2.
ZIPF_S, ZIPF_Q = 1.2, 2.7
EN_WORDS, NL_WORDS = 5_000, 3_000
# "Rare" words are drawn from the last RARE_TAIL ranks of each language.
RARE_TAIL = 1_000

# ------------------------------------------------------------------------------ vocabulary

# The head of each vocabulary, in rank order: function words with the forum's commonest words
# among them, as in real support posts.
_EN_HEAD = """
the i to a and my it is phone in of for on data but not with have this sim that me can
account do at be was plan from after when how what no app so an or get now still just there
signal if they any are has number all again why payment does did will been only out up one
network bill card balance credit roaming message call wifi coverage refund month contract
update settings password login email code activation transfer bundle internet
""".split()
_EN_MORE = """
speed slow error screen battery android iphone apn mast outage tower abroad travel europe bank
direct debit fee price discount voucher points reward support chat store shop order delivery
courier address parcel tracking stolen lost blocked unlock puk pin imei handset device tablet
router hotspot tethering volte bars indoors outside city village train home work office
morning yesterday week today days hours time problem issue help working stopped shows says
loads nothing restart restarted tried checked changed reset reinstall installed new old same
twice wrong missing received sent send receive text texts contacts backup storage photos
camera bluetooth car headphones notification family kids child parental limit cap usage
allowance extra gb mb unlimited prepaid postpaid pay paid cancel cancelled renew renewal
expired date statement double overcharged complaint manager agent customer service ticket
reference reply answer letter waiting weeks cannot charged monthly invoice upgrade porting
port minutes voicemail calls sms esim topup voice dropped connection connected mobile
""".split()
_NL_HEAD = """
de het een en ik van is telefoon niet op te in mijn dat met voor maar abonnement er je wel
nog al bij naar ook heb geen saldo om dan of zijn kan wat hoe na door als was wordt toch
weer nu sinds simkaart bundel rekening internet bereik nummer betaling factuur maand
""".split()
_NL_MORE = """
maandelijks contract verlengen opzeggen instellingen wachtwoord inloggen code activeren
overzetten nummerbehoud belminuten bellen gebeld sms berichten voicemail wifi dekking storing
mast buitenland vakantie roaming bank incasso kosten prijs korting tegoed punten beloning
klantenservice winkel bestelling levering bezorging adres pakket gestolen kwijt geblokkeerd
ontgrendelen toestel apparaat tablet modem hotspot binnen buiten stad dorp trein thuis werk
kantoor ochtend gisteren week vandaag dagen uur tijd probleem vraag hulp werkt gestopt laat
zien opnieuw opgestart geprobeerd gecontroleerd veranderd resetten geïnstalleerd nieuwe oude
dezelfde twee keer dubbel fout ontbreekt ontvangen verstuurd sturen contacten opslag foto
camera kinderen limiet verbruik extra onbeperkt prepaid betalen betaald geannuleerd verlopen
datum afschrift klacht medewerker klant antwoord brief wachten weken privé opwaarderen
opgewaardeerd verbinding mobiele data app
""".split()
# Syllables for the long tail: (prefixes, onsets, vowels, codas, suffixes).
_EN_PARTS = (
    ["", "", "", "re", "un", "pre"],
    "b c d f g h l m n p r s t v w br cr dr fl gr pl pr st tr sh ch th".split(),
    "a e i o u ea oo ai".split(),
    ["", "n", "r", "s", "t", "l", "m", "nd", "st", "rk", "ck", "x", "ng"],
    ["", "", "", "er", "ing", "ed", "s", "ly", "ment", "ion", "able"],
)
_NL_PARTS = (
    ["", "", "", "ge", "ver", "be", "ont", "aan", "uit", "door", "op"],
    "b d f g h k l m n p r s t v w z sch kr gr st sl br dr tr bl kl".split(),
    "a e i o u aa ee oo uu ij ui oe ie eu ou".split(),
    ["", "n", "r", "s", "t", "l", "k", "m", "nd", "ng", "cht", "rd", "lt"],
    ["", "", "en", "heid", "lijk", "ing", "tje", "baar", "er", "te", "de"],
)
# Common words for the queries: forum words among the first 100 ranks (in 10-70 % of the
# questions of their language).
EN_COMMON = """
phone data sim account app plan signal number payment network bill card balance credit
roaming message call wifi coverage refund month contract update settings password
""".split()
NL_COMMON = "telefoon abonnement saldo simkaart bundel rekening internet bereik nummer".split()


def _synthetic(rng: random.Random, parts: tuple[list[str], ...], taken: set[str]) -> str:
    prefixes, onsets, vowels, codas, suffixes = parts
    while True:
        syllables = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.choice((1, 2, 2, 3)))
        )
        word = rng.choice(prefixes) + syllables + rng.choice(suffixes)
        if len(word) >= 5 and word not in taken:
            taken.add(word)
            return word


def vocabulary(lang: str) -> list[str]:
    """The words of a language in rank order (rank 1 the commonest), the same on every run."""
    head, more, parts, size = (
        (_EN_HEAD, _EN_MORE, _EN_PARTS, EN_WORDS)
        if lang == "en"
        else (_NL_HEAD, _NL_MORE, _NL_PARTS, NL_WORDS)
    )
    words = list(dict.fromkeys(head + more))
    taken = set(words)
    rng = random.Random(f"vocabulary-{lang}")
    while len(words) < size:
        words.append(_synthetic(rng, parts, taken))
    return words


class Writer:
    """Questions of one language: Zipf-distributed words, in sentences."""

    def __init__(self, lang: str) -> None:
        self.words = vocabulary(lang)
        self.cum = list(
            accumulate(1.0 / (r + ZIPF_Q) ** ZIPF_S for r in range(1, len(self.words) + 1))
        )

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=k)

    def title(self, rng: random.Random) -> str:
        text = " ".join(self.draw(rng, rng.randint(6, 12)))
        return text[0].upper() + text[1:] + ("?" if rng.random() < 0.4 else "")

    def body(self, rng: random.Random) -> str:
        words = self.draw(rng, rng.randint(40, 120))
        sentences, i = [], 0
        while i < len(words):
            n = rng.randint(5, 14)
            text = " ".join(words[i : i + n])
            sentences.append(text[0].upper() + text[1:] + ("?" if rng.random() < 0.15 else "."))
            i += n
        return " ".join(sentences)


# ------------------------------------------------------------------------------ load

_USERS = {
    "sqlite": (
        "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)"
        " INSERT INTO users (username, username_key, email, password_hash, display_name,"
        " role, locale, payout_method, payout_address, session_version, suspended_reason,"
        " signup_address, created_at)"
        " SELECT 's' || n, 's' || n, 's' || n || '@example.com', 'x', '', 'member',"
        " CASE WHEN n % 5 = 0 THEN 'nl' ELSE 'en' END, 'credit', '', 1, '', '',"
        " '2025-01-01 00:00:00+00:00' FROM g"
    ),
    "postgres": (
        "INSERT INTO users (username, username_key, email, password_hash, display_name,"
        " role, locale, payout_method, payout_address, session_version, suspended_reason,"
        " signup_address, created_at)"
        " SELECT 's' || n, 's' || n, 's' || n || '@example.com', 'x', '', 'member',"
        " CASE WHEN n % 5 = 0 THEN 'nl' ELSE 'en' END, 'credit', '', 1, '', '',"
        " '2025-01-01 00:00:00+00' FROM generate_series(1, $1::int) AS n"
    ),
}
_QUESTIONS = {
    "sqlite": (
        "INSERT INTO questions (board_id, author_id, title, body, body_html, tags, language,"
        " state, answer_count, other_answer_count, accepted_answer_id, locked_at, visibility,"
        " created_at, updated_at, last_activity_at)"
        " SELECT ?1, ?2, ?3, ?4, ?5, '[]', ?6, 'unanswered', 0, 0, NULL, NULL, 'visible', t, t, t"
        " FROM (SELECT datetime(?7, 'unixepoch') || '+00:00' AS t)"
    ),
    "postgres": (
        "INSERT INTO questions (board_id, author_id, title, body, body_html, tags, language,"
        " state, answer_count, other_answer_count, accepted_answer_id, locked_at, visibility,"
        " created_at, updated_at, last_activity_at)"
        " VALUES ($1, $2, $3, $4, $5, '[]', $6, 'unanswered', 0, 0, NULL, NULL, 'visible',"
        " to_timestamp($7::bigint), to_timestamp($7::bigint), to_timestamp($7::bigint))"
    ),
}
_BOARD_COUNTS = (
    "UPDATE boards SET question_count = (SELECT COUNT(*) FROM questions q"
    " WHERE q.board_id = boards.id)"
)
_INDEXED = {
    "sqlite": "SELECT COUNT(*) AS n FROM question_search",
    "postgres": (
        "SELECT COUNT(*) AS n FROM questions WHERE visibility = 'visible'"
        " AND search_vector IS NOT NULL AND search_vector <> ''::tsvector"
    ),
}


def log(message: str) -> None:
    print(message, flush=True)


async def load(db: str, questions: int) -> dict[str, Any]:
    """Members, boards and questions; what was loaded and how long it took."""
    from tortoise import Tortoise

    from forum.actions.boards import ensure_default_boards
    from forum.db import fetch_dicts

    conn = Tortoise.get_connection("default")
    started = time.perf_counter()
    await ensure_default_boards()
    if db == "sqlite":
        await conn.execute_script("PRAGMA synchronous=OFF")
    await conn.execute_query(_USERS[db], [MEMBERS])
    found = await fetch_dicts(
        "SELECT (SELECT MIN(id) FROM boards) AS board, (SELECT COUNT(*) FROM boards) AS boards,"
        " (SELECT MIN(id) FROM users) AS member"
    )
    board, boards, member = found[0]["board"], found[0]["boards"], found[0]["member"]
    writers = {"en": Writer("en"), "nl": Writer("nl")}
    rng = random.Random(SEED)
    made_s = 0.0
    dutch = 0
    for start in range(0, questions, BATCH):
        t0 = time.perf_counter()
        rows = []
        for n in range(start, min(start + BATCH, questions)):
            lang = "nl" if rng.random() < DUTCH_SHARE else "en"
            dutch += lang == "nl"
            writer = writers[lang]
            title, body = writer.title(rng), writer.body(rng)
            rows.append(
                [
                    board + (n * 5 + n // 7) % boards,
                    member + (n * SPREAD) % MEMBERS,
                    title,
                    body,
                    f"<p>{body}</p>",
                    lang,
                    NOW_S - YEAR_S + n * (YEAR_S - 3_600) // questions,
                ]
            )
        made_s += time.perf_counter() - t0
        await conn.execute_many(_QUESTIONS[db], rows)
    await conn.execute_query(_BOARD_COUNTS)
    if db == "sqlite":
        await conn.execute_script("PRAGMA synchronous=NORMAL")
        await conn.execute_script("ANALYZE")
        await conn.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        await conn.execute_script("VACUUM (ANALYZE)")
    load_s = time.perf_counter() - started
    found = await fetch_dicts(
        "SELECT COUNT(*) AS n, SUM(CASE WHEN language = 'nl' THEN 1 ELSE 0 END) AS nl"
        " FROM questions WHERE visibility = 'visible'"
    )
    indexed = (await fetch_dicts(_INDEXED[db]))[0]["n"]
    if (found[0]["n"], found[0]["nl"], indexed) != (questions, dutch, questions):
        raise SystemExit(f"load: {found[0]} questions, {indexed} indexed, expected {questions}")
    return {
        "questions": questions,
        "load_s": round(load_s, 1),
        "text_s": round(made_s, 1),
        "dutch": dutch,
        "db_mb": await _size(db),
    }


async def described(db: str) -> dict[str, Any]:
    """What a kept database holds (`--reuse`): the load is not repeated."""
    from forum.db import fetch_dicts

    found = await fetch_dicts(
        "SELECT COUNT(*) AS n, SUM(CASE WHEN language = 'nl' THEN 1 ELSE 0 END) AS nl"
        " FROM questions WHERE visibility = 'visible'"
    )
    return {
        "questions": int(found[0]["n"]),
        "load_s": None,
        "text_s": None,
        "dutch": int(found[0]["nl"]),
        "db_mb": await _size(db),
    }


async def _size(db: str) -> int:
    from forum.db import fetch_dicts

    if db == "sqlite":
        sql = "SELECT page_count * page_size AS n FROM pragma_page_count, pragma_page_size"
    else:
        sql = "SELECT pg_database_size(current_database()) AS n"
    return round(int((await fetch_dicts(sql))[0]["n"]) / 2**20)


# ------------------------------------------------------------------------------ queries

KINDS = (
    ("rare word", 150),
    ("common word", 100),
    ("two common words", 100),
    ("three words", 100),
    ("common + rare", 100),
    ("common word, one board", 100),
    ("common word, page 2", 100),
    ("natural question", 100),
    ("hostile input", 150),
)
# What members type: a question in words, function words included.
_NATURAL = {
    "en": (
        "how do i {a} my {b}",
        "why is my {a} not working",
        "{a} stopped working after the update",
        "can i get a refund for my {a}",
        "what is the {a} for {b}",
        "no {a} since this morning",
    ),
    "nl": (
        "hoe kan ik mijn {a} {b}",
        "waarom werkt mijn {a} niet",
        "geen {a} sinds vandaag",
        "wat kost een {a} met {b}",
    ),
}
_HOSTILE = (
    '"{a} {b}"',
    "{a} OR {b}",
    "-{a} {b}",
    "{a} AND NOT {b}",
    "NEAR({a} {b}, 2)",
    "title:{a} body:{r}",
    "{a}* ^{b}",
    '"{a}',
    "(((({a}",
    "'); DROP TABLE questions; --",
    "{a}' OR '1'='1",
    "* OR * OR *",
    "the and of to is",
    "de het een en van",
    "\x00{a}\t{b}\u202e",
    "{long}",
)


class Mix:
    """A seeded stream of searches: (kind, text, board, page)."""

    def __init__(self, seed: str) -> None:
        from forum.actions.boards import DEFAULT_BOARDS

        self.rng = random.Random(seed)
        self.boards = [b[0] for b in DEFAULT_BOARDS]
        self.vocab = {"en": vocabulary("en"), "nl": vocabulary("nl")}
        self.common = {"en": EN_COMMON, "nl": NL_COMMON}
        head = {"en": len(set(_EN_HEAD)), "nl": len(set(_NL_HEAD))}
        # "Three words" are drawn with the questions' own distribution, without the head.
        self.content = {
            lang: (words[head[lang] :], list(accumulate(
                1.0 / (r + ZIPF_Q) ** ZIPF_S for r in range(head[lang] + 1, len(words) + 1)
            )))
            for lang, words in self.vocab.items()
        }  # fmt: skip
        self.kinds = [k for k, _ in KINDS]
        self.weights = [w for _, w in KINDS]

    def lang(self) -> str:
        return "nl" if self.rng.random() < DUTCH_SHARE else "en"

    def rare(self, lang: str) -> str:
        return self.rng.choice(self.vocab[lang][-RARE_TAIL:])

    def some(self, lang: str, k: int) -> list[str]:
        words, cum = self.content[lang]
        return self.rng.choices(words, cum_weights=cum, k=k)

    def draw(self, n: int, weighted: bool) -> list[tuple[str, str, str | None, int]]:
        if weighted:
            kinds = [k for k, w in KINDS for _ in range(w * n // 1000)]
            kinds += self.rng.choices(self.kinds, self.weights, k=n - len(kinds))
            self.rng.shuffle(kinds)
        else:
            kinds = self.rng.choices(self.kinds, self.weights, k=n)
        return [self.one(kind) for kind in kinds]

    def one(self, kind: str) -> tuple[str, str, str | None, int]:
        lang = self.lang()
        a, b = self.rng.sample(self.common[lang], 2)
        board, page = None, 1
        if kind == "rare word":
            text = self.rare(lang)
        elif kind == "common word":
            text = a
        elif kind == "two common words":
            text = f"{a} {b}"
        elif kind == "three words":
            text = " ".join(self.some(lang, 3))
        elif kind == "common + rare":
            text = f"{a} {self.rare(lang)}"
        elif kind == "common word, one board":
            text, board = a, self.rng.choice(self.boards)
        elif kind == "common word, page 2":
            text, page = a, 2
        elif kind == "natural question":
            text = self.rng.choice(_NATURAL[lang]).format(a=a, b=b)
        else:
            long = " ".join(self.some(lang, 40))[:200]
            template = self.rng.choice(_HOSTILE)
            text = template.format(a=a, b=b, r=self.rare(lang), long=long)
        return kind, text, board, page


# ------------------------------------------------------------------------------ measure


def _words(text: str) -> tuple[str, list[str]]:
    """What search_questions makes of a text: the cleaned query and its words."""
    from forum.search_queries import _WORDS

    query = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return query, [w.lower() for w in _WORDS.findall(query)][:12]


RECENT = 2_000
# The Snowball stop words PostgreSQL's english and dutch configurations drop (its
# tsearch_data/english.stop and dutch.stop), for the SQLite variant that drops them too.
_STOP_EN = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
""".split()
_STOP_NL = """
de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem
dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb
hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel
meer doen toen moet ben zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt
wezen kunnen ons zelf tegen na reeds wil kon niets uw iemand geweest andere
""".split()
STOP_WORDS = frozenset(_STOP_EN + _STOP_NL)
# PostgreSQL: the statement run with SET LOCAL plan_cache_mode = force_custom_plan (a plan for
# the words searched, as on the first five runs of a prepared statement), not the generic plan
# PostgreSQL switches asyncpg's cached statement to afterwards.
CUSTOM = ", custom plans"
# The same, with parallel query off too (SET LOCAL max_parallel_workers_per_gather = 0): a
# worker costs about 10 ms to start on this machine, more than a selective search itself.
SERIAL = ", custom serial plans"
VARIANTS = {
    "sqlite": (
        "as is",
        "no snippets",
        "rank without the join",
        "newest 2,000 ranked",
        "newest 2,000 ranked, no stop words",
        "find only",
    ),
    "postgres": (
        "as is",
        "as is" + CUSTOM,
        "no snippets" + CUSTOM,
        "rank only" + CUSTOM,
        "newest 2,000 ranked",
        "newest 2,000 ranked" + SERIAL,
        "find only" + CUSTOM,
    ),
}
# The variants are timed on the first VARIANT_RUNS queries of these kinds in the mix.
VARIANT_KINDS = (
    "rare word",
    "common word",
    "two common words",
    "common word, one board",
    "natural question",
)
VARIANT_RUNS = 40


def _raw(db: str, text: str, board: str | None, page: int, variant: str) -> tuple[str, list]:
    """The statement search_questions sends (variant "as is") or a variant of it, with its
    parameters. The variants exist only here, to see where the time goes:

    - "no snippets": the same without highlight / snippet (ts_headline);
    - "rank without the join" (SQLite): the page's ids ranked by bm25 inside the FTS table alone,
      no join to `questions` and `boards` for every match (the board filter still joins);
    - "rank only" (PostgreSQL): the page's ids ranked, no headline, no join to `boards`;
    - "newest 2,000 ranked": what search_questions would return if it ranked only the newest
      RECENT matches (all of them when there are fewer): the same columns and snippets;
    - "newest 2,000 ranked, no stop words" (SQLite): the same without the words PostgreSQL's
      english and dutch configurations drop (FTS5 has no stop words): more matches, not fewer;
    - "find only": COUNT(*) of the matches, no ranking, no snippets.
    """
    from forum.search_queries import (
        _BODY_HEADLINE,
        _CONFIG,
        _POSTGRES,
        _SQLITE,
        _TITLE_HEADLINE,
        PAGE_SIZE,
        _fts_query,
    )

    query, words = _words(text)
    where = "AND b.slug = ?" if board else ""
    tail = [board] if board else []
    limit = [PAGE_SIZE + 1, (page - 1) * PAGE_SIZE]
    if db == "sqlite":
        match = _fts_query(words, False)
        if variant == "as is":
            return _SQLITE.format(board=where), [match, *tail, *limit]
        if variant == "no snippets":
            sql = _SQLITE.format(board=where)
            sql = sql.replace("highlight(question_search, 0, char(2), char(3))", "NULL")
            sql = sql.replace("snippet(question_search, 1, char(2), char(3), '…', 24)", "NULL")
            return sql, [match, *tail, *limit]
        if variant == "rank without the join":
            sql = _SQLITE_BOARD_RANK if board else _SQLITE_RANK
            return sql, [match, *tail, *limit]
        if variant == "newest 2,000 ranked":
            sql = _SQLITE_RECENT.format(board=where)
            return sql, [match, *tail, match, *tail, RECENT, *limit]
        if variant == "newest 2,000 ranked, no stop words":
            kept = [w for w in words if w not in STOP_WORDS]
            if not kept:
                return "SELECT NULL AS id WHERE 0", []
            match = _fts_query(kept, False)
            sql = _SQLITE_RECENT.format(board=where)
            return sql, [match, *tail, match, *tail, RECENT, *limit]
        if variant == "find only":
            return _SQLITE_COUNT.format(board=where), [match, *tail]
    else:
        headlines = [_TITLE_HEADLINE, _BODY_HEADLINE]
        if variant == "as is":
            return _POSTGRES.format(board=where), [query, query, *headlines, *tail, *limit]
        if variant == "no snippets":
            sql = _POSTGRES.format(board=where)
            for column in ("title", "body"):
                sql = sql.replace(f"ts_headline({_CONFIG}, q.{column}, query.tsq, ?)", "NULL")
            return sql, [query, query, *tail, *limit]
        if variant == "rank only":
            sql = _POSTGRES_BOARD_RANK if board else _POSTGRES_RANK
            return sql, [query, query, *tail, *limit]
        if variant == "newest 2,000 ranked":
            sql = _POSTGRES_RECENT.format(board=where)
            return sql, [query, query, *tail, RECENT, query, query, *headlines, *limit]
        if variant == "find only":
            return _POSTGRES_COUNT.format(board=where), [query, query, *tail]
    raise ValueError(variant)


_SQLITE_COUNT = """
SELECT COUNT(*) AS n FROM question_search
JOIN questions q ON q.id = question_search.rowid
JOIN boards b ON b.id = q.board_id
WHERE question_search MATCH ? {board}
"""
_SQLITE_RANK = """
SELECT rowid AS id FROM question_search
WHERE question_search MATCH ?
ORDER BY bm25(question_search, 10.0, 1.0), rowid DESC
LIMIT ? OFFSET ?
"""
_SQLITE_BOARD_RANK = """
SELECT question_search.rowid AS id FROM question_search
JOIN questions q ON q.id = question_search.rowid
JOIN boards b ON b.id = q.board_id
WHERE question_search MATCH ? AND b.slug = ?
ORDER BY bm25(question_search, 10.0, 1.0), question_search.rowid DESC
LIMIT ? OFFSET ?
"""
# The app's statement with one more condition: the rowid at least that of the RECENT-th newest
# match (FTS5 reads the rowid range, and returns matches in rowid order from the newest).
_SQLITE_RECENT = """
SELECT q.id AS id, q.title AS title, q.state AS state, q.answer_count AS answer_count,
       q.created_at AS created_at, b.slug AS board_slug, b.name AS board_name,
       highlight(question_search, 0, char(2), char(3)) AS title_marked,
       snippet(question_search, 1, char(2), char(3), '…', 24) AS snippet
FROM question_search
JOIN questions q ON q.id = question_search.rowid
JOIN boards b ON b.id = q.board_id
WHERE question_search MATCH ? {board} AND question_search.rowid >= (
    SELECT COALESCE(MIN(id), 0) FROM (
        SELECT question_search.rowid AS id FROM question_search
        JOIN questions q ON q.id = question_search.rowid
        JOIN boards b ON b.id = q.board_id
        WHERE question_search MATCH ? {board}
        ORDER BY question_search.rowid DESC
        LIMIT ?
    )
)
ORDER BY bm25(question_search, 10.0, 1.0), q.id DESC
LIMIT ? OFFSET ?
"""
_POSTGRES_COUNT = """
WITH query AS (
    SELECT websearch_to_tsquery('english', ?) || websearch_to_tsquery('dutch', ?) AS tsq
)
SELECT COUNT(*) AS n FROM questions q JOIN boards b ON b.id = q.board_id CROSS JOIN query
WHERE q.visibility = 'visible' AND q.search_vector @@ query.tsq {board}
"""
_POSTGRES_RANK = """
WITH query AS (
    SELECT websearch_to_tsquery('english', ?) || websearch_to_tsquery('dutch', ?) AS tsq
)
SELECT q.id AS id FROM questions q CROSS JOIN query
WHERE q.visibility = 'visible' AND q.search_vector @@ query.tsq
ORDER BY ts_rank_cd(q.search_vector, query.tsq) DESC, q.id DESC
LIMIT ? OFFSET ?
"""
_POSTGRES_BOARD_RANK = """
WITH query AS (
    SELECT websearch_to_tsquery('english', ?) || websearch_to_tsquery('dutch', ?) AS tsq
)
SELECT q.id AS id FROM questions q JOIN boards b ON b.id = q.board_id CROSS JOIN query
WHERE q.visibility = 'visible' AND q.search_vector @@ query.tsq AND b.slug = ?
ORDER BY ts_rank_cd(q.search_vector, query.tsq) DESC, q.id DESC
LIMIT ? OFFSET ?
"""
# The newest RECENT matches by primary key (a backward scan of questions_pkey that stops early
# when the words are common, the GIN index when they are rare), then the app's ranking and
# headlines over those only. The query is written out twice: a CTE used twice would be
# materialised, and its tsquery would no longer be a constant to the planner.
_POSTGRES_RECENT = """
WITH recent AS (
    SELECT q.id FROM questions q JOIN boards b ON b.id = q.board_id
    WHERE q.visibility = 'visible' AND q.search_vector @@ (
        websearch_to_tsquery('english', ?) || websearch_to_tsquery('dutch', ?)
    ) {board}
    ORDER BY q.id DESC
    LIMIT ?
), query AS (
    SELECT websearch_to_tsquery('english', ?) || websearch_to_tsquery('dutch', ?) AS tsq
)
SELECT q.id AS id, q.title AS title, q.state AS state, q.answer_count AS answer_count,
       q.created_at AS created_at, b.slug AS board_slug, b.name AS board_name,
       ts_headline(
           CASE WHEN q.language = 'nl' THEN 'dutch'::regconfig ELSE 'english'::regconfig END,
           q.title, query.tsq, ?
       ) AS title_marked,
       ts_headline(
           CASE WHEN q.language = 'nl' THEN 'dutch'::regconfig ELSE 'english'::regconfig END,
           q.body, query.tsq, ?
       ) AS snippet
FROM recent
JOIN questions q ON q.id = recent.id
JOIN boards b ON b.id = q.board_id
CROSS JOIN query
ORDER BY ts_rank_cd(q.search_vector, query.tsq) DESC, q.id DESC
LIMIT ? OFFSET ?
"""


async def timed_mix(mix: list[tuple[str, str, str | None, int]]) -> list[dict[str, Any]]:
    from forum.search_queries import search_questions

    runs = []
    for kind, text, board, page in mix:
        t0 = time.perf_counter()
        found = await search_questions(text, board=board, page=page)
        ms = (time.perf_counter() - t0) * 1000
        runs.append(
            {
                "kind": kind,
                "text": text,
                "board": board,
                "page": page,
                "ms": ms,
                "items": len(found.items),
                "more": found.next_page is not None,
                "ids": [item["id"] for item in found.items],
            }
        )
    return runs


async def count_matches(db: str, runs: list[dict[str, Any]]) -> None:
    """Each run's number of matching questions (all pages), by a COUNT of the same match."""
    from forum.db import fetch_dicts

    counted: dict[tuple[str, str | None], int] = {}
    for run in runs:
        key = (run["text"], run["board"])
        if key not in counted:
            if not _words(run["text"])[1]:
                counted[key] = 0
            else:
                sql, params = _raw(db, run["text"], run["board"], 1, "find only")
                counted[key] = int((await fetch_dicts(sql, params))[0]["n"])
        run["matches"] = counted[key]


async def explain(db: str, word: str, variant: str = "as is") -> list[str]:
    """SQLite: EXPLAIN QUERY PLAN. PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) of the plan for these
    words, or (variant ending in ", generic plan") of the generic plan, the one PostgreSQL's plan
    cache runs for a prepared statement after its first five runs."""
    from tortoise.transactions import in_transaction

    from forum.db import bind, fetch_dicts

    generic = variant.endswith(", generic plan")
    sql, params = _raw(db, word, None, 1, variant.removesuffix(", generic plan"))
    if db == "sqlite":
        rows = await fetch_dicts("EXPLAIN QUERY PLAN " + sql, params)
        return [str(r["detail"]) for r in rows]
    if not generic:
        rows = await fetch_dicts("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [str(r["QUERY PLAN"]) for r in rows]
    args = ", ".join(str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'"
                     for v in params)  # fmt: skip
    async with in_transaction() as conn:
        await conn.execute_script("SET LOCAL plan_cache_mode = force_generic_plan")
        await conn.execute_script("PREPARE bench_generic AS " + bind(conn, sql))
        rows = await conn.execute_query_dict(
            f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_generic({args})"
        )
        await conn.execute_script("DEALLOCATE bench_generic")
    return [str(r["QUERY PLAN"]) for r in rows]


def _split(variant: str) -> tuple[str, str]:
    """(the statement's variant, the planner settings: "", CUSTOM or SERIAL)."""
    for mode in (CUSTOM, SERIAL):
        if variant.endswith(mode):
            return variant.removesuffix(mode), mode
    return variant, ""


async def _timed_sql(sql: str, params: list[Any], mode: str) -> tuple[list[dict], float]:
    """Rows and milliseconds of one statement; with a planner `mode`, in a transaction of its own
    after SET LOCAL (not timed)."""
    from tortoise.transactions import in_transaction

    from forum.db import fetch_dicts

    if not mode:
        t0 = time.perf_counter()
        rows = await fetch_dicts(sql, params)
        return rows, (time.perf_counter() - t0) * 1000
    async with in_transaction() as conn:
        await conn.execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
        if mode == SERIAL:
            await conn.execute_script("SET LOCAL max_parallel_workers_per_gather = 0")
        t0 = time.perf_counter()
        rows = await fetch_dicts(sql, params, conn)
        ms = (time.perf_counter() - t0) * 1000
    return rows, ms


async def variants(db: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Raw SQL timings of the variants on the same queries, interleaved query by query; and
    how many of each page's ids "newest 2,000 ranked" gives back."""
    from forum.search_queries import PAGE_SIZE

    chosen = [r for kind in VARIANT_KINDS for r in runs if r["kind"] == kind]
    chosen = [r for r in chosen if sum(x["kind"] == r["kind"] for x in chosen[:chosen.index(r)])
              < VARIANT_RUNS]  # fmt: skip
    chosen.sort(key=runs.index)
    times: dict[tuple[str, str], list[float]] = {}
    same: dict[str, list[int]] = {"narrow": [0, 0], "broad": [0, 0]}
    for run in chosen:
        for variant in VARIANTS[db]:
            base, mode = _split(variant)
            sql, params = _raw(db, run["text"], run["board"], run["page"], base)
            rows, ms = await _timed_sql(sql, params, mode)
            times.setdefault((run["kind"], variant), []).append(ms)
            if base == "newest 2,000 ranked":
                ids = [row["id"] for row in rows[:PAGE_SIZE]]
                if run["matches"] <= RECENT and ids != run["ids"]:
                    raise SystemExit(f"{variant} differs on {run['text']!r}: {ids} {run['ids']}")
                if mode or db == "sqlite":
                    tally = same["narrow" if run["matches"] <= RECENT else "broad"]
                    tally[0] += len(set(ids) & set(run["ids"]))
                    tally[1] += len(run["ids"])
    out: dict[str, Any] = {"kinds": {}, "same_ids": same}
    for (kind, variant), ms in times.items():
        out["kinds"].setdefault(kind, {})[variant] = {
            "n": len(ms),
            "p50": round(percentile(ms, 50), 2),
            "p99": round(percentile(ms, 99), 2),
        }
    every = {v: [m for (_, w), ms in times.items() if w == v for m in ms] for v in VARIANTS[db]}
    out["kinds"]["all of these"] = {
        v: {"n": len(ms), "p50": round(percentile(ms, 50), 2), "p99": round(percentile(ms, 99), 2)}
        for v, ms in every.items()
    }
    return out


PROPOSAL = {
    "sqlite": "newest 2,000 ranked, no stop words",
    "postgres": "newest 2,000 ranked" + SERIAL,
}


async def proposal_mix(db: str, runs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The whole timed mix once more as raw SQL, query by query: the app's statement, then the
    proposal (PROPOSAL); each summarised like the main table."""
    both: dict[str, list[dict[str, Any]]] = {"as is": [], "proposal": []}
    for run in runs:
        for name, variant in (("as is", "as is"), ("proposal", PROPOSAL[db])):
            if not _words(run["text"])[1]:
                ms, items = 0.0, 0  # search_questions sends nothing
            else:
                base, mode = _split(variant)
                sql, params = _raw(db, run["text"], run["board"], run["page"], base)
                rows, ms = await _timed_sql(sql, params, mode)
                items = min(len(rows), 20)
            both[name].append({**run, "ms": ms, "items": items})
    return {name: summarise(mine) for name, mine in both.items()}


def summarise(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for kind in [k for k, _ in KINDS] + ["all"]:
        mine = [r for r in runs if kind in ("all", r["kind"])]
        if not mine:
            continue
        ms = [r["ms"] for r in mine]
        matches = [r["matches"] for r in mine]
        rows.append(
            {
                "kind": kind,
                "n": len(mine),
                "matches_median": int(statistics.median(matches)),
                "matches_max": max(matches),
                "empty": sum(1 for r in mine if r["items"] == 0),
                "p50": round(percentile(ms, 50), 2),
                "p95": round(percentile(ms, 95), 2),
                "p99": round(percentile(ms, 99), 2),
                "max": round(max(ms), 2),
            }
        )
    return rows


async def plan_cache() -> list[dict[str, Any]]:
    """PostgreSQL: how the session's prepared search statements were planned (asyncpg prepares
    every statement; after five runs PostgreSQL may switch one to a generic plan)."""
    from forum.db import fetch_dicts

    rows = await fetch_dicts(
        "SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements"
        " WHERE statement LIKE '%search_vector @@%'"
    )
    return [
        {
            "generic": r["generic_plans"],
            "custom": r["custom_plans"],
            "statement": " ".join(r["statement"].split())[:90],
        }
        for r in rows
    ]


async def measure(
    db: str, url: str, questions: int, queries: int, warmup: int, reuse: bool
) -> dict[str, Any]:
    from forum.db import connected
    from forum.settings import configure, load_settings, tortoise_config

    configure(load_settings(database_url=url, secret_key="bench"))  # noqa: S106
    async with connected(tortoise_config(url)):
        loaded = await (described(db) if reuse else load(db, questions))
        await timed_mix(Mix(f"warm-up-{SEED}").draw(warmup, weighted=False))
        mix = Mix(f"queries-{SEED}").draw(queries, weighted=True)
        gc.collect()
        started = time.perf_counter()
        runs = await timed_mix(mix)
        mix_s = time.perf_counter() - started
        cache = await plan_cache() if db == "postgres" else []
        await count_matches(db, runs)
        slowest = sorted(runs, key=lambda r: r["ms"], reverse=True)[:8]
        names = ["as is", "newest 2,000 ranked"]
        if db == "postgres":
            names = ["as is, generic plan", "as is", "newest 2,000 ranked, generic plan",
                     "newest 2,000 ranked"]  # fmt: skip
        plans = {name: await explain(db, EN_COMMON[0], name) for name in names}
        alternatives = await variants(db, runs)
        proposal = await proposal_mix(db, runs)
    return {
        "db": db,
        **loaded,
        "queries": queries,
        "warmup": warmup,
        "mix_s": round(mix_s, 1),
        "rows": summarise(runs),
        "slowest": [
            {k: round(v, 2) if k == "ms" else v for k, v in r.items() if k != "ids"}
            for r in slowest
        ],
        "plan_word": EN_COMMON[0],
        "plans": plans,
        "plan_cache": cache,
        "variants": alternatives,
        "proposal": proposal,
    }


# ------------------------------------------------------------------------------ parent


def fresh(db: str, reuse: bool) -> str:
    if db == "sqlite":
        if reuse:
            if not SQLITE_PATH.exists():
                raise SystemExit(f"--reuse: no {SQLITE_PATH}")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return f"sqlite://{SQLITE_PATH}"
    if not reuse:
        psql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        psql(f"CREATE DATABASE {PG_NAME}")
    return f"{PG_DSN}/{PG_NAME}"


def drop(db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        psql(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def child(
    db: str, url: str, questions: int, queries: int, warmup: int, reuse: bool
) -> dict[str, Any]:
    args = [db, url, str(questions), str(queries), str(warmup), "reuse" if reuse else "load"]
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PEERDESK_SCHEDULER": "0"},
    )
    for line in out.stdout.splitlines():
        if line.startswith(RESULT):
            result: dict[str, Any] = json.loads(line.removeprefix(RESULT))
            return result
    raise SystemExit(f"{db} child failed:\n{out.stdout}\n{out.stderr}")


def report(results: list[dict[str, Any]]) -> None:
    log("")
    log(
        "| database | queries | matches (median / max) | no result | p50 ms | p95 ms | p99 ms"
        " | max ms | target p99 < 50 ms |"
    )
    log("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        for row in r["rows"]:
            every = row["kind"] == "all"
            kind = f"**all ({row['n']:,})**" if every else f"{row['kind']} ({row['n']})"
            met = "met" if row["p99"] < TARGET_P99_MS else "**not met**"
            log(
                f"| {r['db']} | {kind} | {row['matches_median']:,} / {row['matches_max']:,}"
                f" | {row['empty']} | {row['p50']:,.2f} | {row['p95']:,.2f} | {row['p99']:,.2f}"
                f" | {row['max']:,.2f} | {met if every else ''} |"
            )
    for r in results:
        log("")
        log(f"Raw SQL variants on {r['db']} (p50 / p99 ms, the same queries, interleaved):")
        log("")
        names = VARIANTS[r["db"]]
        log("| queries | " + " | ".join(names) + " |")
        log("|---|" + "---:|" * len(names))
        for kind, by in r["variants"]["kinds"].items():
            n = next(iter(by.values()))["n"]
            cells = " | ".join(f"{by[v]['p50']:,.2f} / {by[v]['p99']:,.2f}" for v in names)
            log(f"| {kind} ({n}) | {cells} |")
        narrow, broad = r["variants"]["same_ids"]["narrow"], r["variants"]["same_ids"]["broad"]
        log("")
        log(
            f"newest {RECENT:,} ranked: the same page as search_questions on every query with at"
            f" most {RECENT:,} matches ({narrow[0]:,} of {narrow[1]:,} ids); {broad[0]:,} of"
            f" {broad[1]:,} ids of the broader queries' pages in common."
        )
    for r in results:
        log("")
        log(
            f"The mix again as raw SQL on {r['db']}, query by query: the app's statement, then"
            f" {PROPOSAL[r['db']]!r} (ms):"
        )
        log("")
        log("| queries | as is p50 | p95 | p99 | proposal p50 | p95 | p99 | no result |")
        log("|---|---:|---:|---:|---:|---:|---:|---:|")
        for a, b in zip(r["proposal"]["as is"], r["proposal"]["proposal"], strict=True):
            log(
                f"| {a['kind']} ({a['n']}) | {a['p50']:,.2f} | {a['p95']:,.2f} | {a['p99']:,.2f}"
                f" | {b['p50']:,.2f} | {b['p95']:,.2f} | {b['p99']:,.2f} | {b['empty']} |"
            )
    for r in results:
        log("")
        log(f"Slowest searches on {r['db']}:")
        for s in r["slowest"]:
            log(
                f"  {s['ms']:8.2f} ms  {s['kind']}: {s['text']!r} board={s['board']}"
                f" page={s['page']} -> {s['matches']:,} matches"
            )
        for name, lines in r["plans"].items():
            log("")
            log(f"Plan of a search for {r['plan_word']!r} on {r['db']}, {name}:")
            for line in lines:
                log(f"    {line}")
        if r["plan_cache"]:
            log("")
            log("Prepared search statements of the session (PostgreSQL's plan cache):")
            for c in r["plan_cache"]:
                log(f"  generic {c['generic']}, custom {c['custom']}: {c['statement']} ...")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--questions", type=int, default=200_000)
    p.add_argument("--queries", type=int, default=1_000)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument(
        "--keep", action="store_true", help=f"keep the databases ({PG_NAME}, {SQLITE_PATH})"
    )
    p.add_argument("--reuse", action="store_true", help="search the kept databases, no load")
    p.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        db, url, questions, queries, warmup, reuse = args.child
        result = asyncio.run(
            measure(db, url, int(questions), int(queries), int(warmup), reuse == "reuse")
        )
        print(RESULT + json.dumps(result))
        return 0
    if args.questions < 1_000 or args.queries < 100:
        p.error("--questions must be at least 1,000 and --queries at least 100")
    dbs = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = []
    started = time.perf_counter()
    for db in dbs:
        log(f"{db}: {args.questions:,} questions, {args.queries:,} searches ...")
        t0 = time.perf_counter()
        try:
            url = fresh(db, args.reuse)
            results.append(child(db, url, args.questions, args.queries, args.warmup, args.reuse))
        finally:
            if not (args.keep or args.reuse):
                drop(db)
        r = results[-1]
        log(
            f"  {r['questions']:,} questions ({r['dutch']:,} in Dutch, {r['db_mb']:,} MB),"
            f" load {r['load_s']} s (text {r['text_s']} s), mix {r['mix_s']} s,"
            f" {time.perf_counter() - t0:.0f} s in all"
        )
    log(f"\nTotal {time.perf_counter() - started:.0f} s.")
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
