"""Per-period figures for finance and staff (issue 13): does "customers help customers" answer
customers, how fast, and at what cost, period by period (monthly or semiannual, as configured),
for the whole forum or one board. Reads only.

For the questions asked in a period (removed ones left out): time to first answer (median and
p90, over those answered by someone other than the asker with a visible answer), the shares
answered within 24 h and 72 h (of those asked at least that long ago), the escalation rate
(questions with any staff queue item) and the community-solved rate (forum.community_solved, as
it stands now). For the period itself: the community-solved questions accepted in it, the points
earned in it for answers and acceptances (awards not reversed), and the cost per solved question,
those points' value over those questions.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from forum import validation as v
from forum.community_solved import SOLVED_BY_COMMUNITY
from forum.db import as_datetime, fetch_dicts
from forum.errors import NamesNothing, ValidationFailed
from forum.i18n import gettext as _
from forum.models import Board
from forum.settings import get_settings
from rewards.models import AWARD_KINDS
from rewards.periods import Period, period_of, previous

MAX_PERIODS = 24
_BOARD = " AND b.slug = ?"
_QUESTIONS = f"""
SELECT q.created_at AS asked_at,
       (SELECT MIN(a.created_at) FROM answers a
        WHERE a.question_id = q.id AND a.author_id <> q.author_id
          AND a.visibility = 'visible') AS first_answer_at,
       (SELECT COUNT(*) FROM escalations e WHERE e.question_id = q.id) AS escalations,
       CASE WHEN q.id IN (SELECT s.question_id FROM ({SOLVED_BY_COMMUNITY}) s) THEN 1 ELSE 0 END
           AS community_solved
FROM questions q JOIN boards b ON b.id = q.board_id
WHERE q.created_at >= ? AND q.created_at < ? AND q.visibility <> 'removed'
"""  # noqa: S608 - fixed fragments
_SOLVED_IN = f"""
SELECT s.accepted_at AS at
FROM ({SOLVED_BY_COMMUNITY}) s
JOIN questions sq ON sq.id = s.question_id JOIN boards b ON b.id = sq.board_id
WHERE s.accepted_at >= ? AND s.accepted_at < ?
"""  # noqa: S608 - fixed fragments
_AWARDS = ", ".join(f"'{k.value}'" for k in AWARD_KINDS)
_EARNED = f"""
SELECT t.created_at AS at, t.amount AS points
FROM ledger_transfers t
JOIN questions q ON q.id = t.question_id JOIN boards b ON b.id = q.board_id
WHERE t.kind IN ({_AWARDS}) AND t.created_at >= ? AND t.created_at < ?
  AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.reverses_id = t.id)
"""  # noqa: S608 - fixed fragments


@dataclass
class PeriodKpis:
    period: str
    starts_at: datetime
    cutoff: datetime
    questions: int = 0
    median_first_answer_minutes: float | None = None
    p90_first_answer_minutes: float | None = None
    answered_within_24h_share: float | None = None
    answered_within_72h_share: float | None = None
    escalation_rate: float | None = None
    community_solved_rate: float | None = None
    community_solved: int = 0
    earned_points: int = 0
    cost_per_solved_question: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def p90(values: list[float]) -> float | None:
    """The nearest-rank 90th percentile: the smallest value at least 90 % of them do not exceed."""
    if not values:
        return None
    return round(sorted(values)[math.ceil(0.9 * len(values)) - 1], 1)


def parse_periods(value: Any) -> int:
    if value in (None, ""):
        return 12
    errors = v.Errors()
    count = v.integer(errors, "periods", value, low=1, high=MAX_PERIODS, label=_("periods"))
    errors.raise_if_any()
    return count


async def parse_kpi_query(params: Mapping[str, str]) -> tuple[int, str | None]:
    """`periods` and `board` of a page's or the API's query: (how many periods, board slug)."""
    return parse_periods(params.get("periods")), await parse_board(params.get("board"))


async def parse_board(value: Any) -> str | None:
    """A board's slug, or None for every board; a board that does not exist is a 404."""
    if value in (None, ""):
        return None
    if not (isinstance(value, str) and v.SLUG_RE.fullmatch(value)):
        raise ValidationFailed({"board": _("board must be the slug of a board.")})
    if not await Board.exists(slug=value):
        raise NamesNothing({"board": _("There is no board %(slug)s.") % {"slug": repr(value)}})
    return value


def last_periods(now: datetime, count: int) -> list[Period]:
    """The `count` periods up to the current one (still running), oldest first."""
    kind = get_settings().payout_period
    periods = [period_of(now, kind)]
    while len(periods) < count:
        periods.append(previous(periods[-1], kind))
    return periods[::-1]


async def list_kpis(
    *, now: datetime, periods: int = 12, board: str | None = None
) -> list[PeriodKpis]:
    """Three statements over the whole span, whatever the number of periods; the rows are
    sorted into their periods here."""
    settings = get_settings()
    spans = last_periods(now, periods)
    extra = [board] if board else []
    where = _BOARD if board else ""
    window = [spans[0].starts_at, now, *extra]
    asked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in await fetch_dicts(_QUESTIONS + where, window):
        asked[_period(row["asked_at"])].append(row)
    solved: dict[str, int] = defaultdict(int)
    for row in await fetch_dicts(_SOLVED_IN + where, window):
        solved[_period(row["at"])] += 1
    earned: dict[str, int] = defaultdict(int)
    for row in await fetch_dicts(_EARNED + where, window):
        earned[_period(row["at"])] += int(row["points"])
    result = []
    for span in spans:
        kpis = PeriodKpis(period=span.label, starts_at=span.starts_at, cutoff=span.cutoff)
        _question_figures(kpis, asked[span.label], now)
        kpis.community_solved, kpis.earned_points = solved[span.label], earned[span.label]
        if kpis.community_solved:
            cost = Decimal(kpis.earned_points) * settings.point_value / kpis.community_solved
            kpis.cost_per_solved_question = str(cost.quantize(Decimal("0.01"), ROUND_HALF_UP))
        result.append(kpis)
    return result


def _period(moment: Any) -> str:
    return period_of(as_datetime(moment), get_settings().payout_period).label


def _question_figures(kpis: PeriodKpis, rows: list[dict[str, Any]], now: datetime) -> None:
    waits: list[float] = []
    asked_24 = asked_72 = within_24 = within_72 = escalated = solved = 0
    for row in rows:
        asked = as_datetime(row["asked_at"])
        old_24, old_72 = asked <= now - timedelta(hours=24), asked <= now - timedelta(hours=72)
        asked_24 += old_24
        asked_72 += old_72
        escalated += 1 if int(row["escalations"]) else 0
        solved += int(row["community_solved"])
        if row["first_answer_at"] is not None:
            waited = (as_datetime(row["first_answer_at"]) - asked).total_seconds() / 60
            waits.append(waited)
            within_24 += old_24 and waited <= 24 * 60
            within_72 += old_72 and waited <= 72 * 60
    kpis.questions = len(rows)
    kpis.median_first_answer_minutes = round(statistics.median(waits), 1) if waits else None
    kpis.p90_first_answer_minutes = p90(waits)
    kpis.answered_within_24h_share = rate(within_24, asked_24)
    kpis.answered_within_72h_share = rate(within_72, asked_72)
    kpis.escalation_rate = rate(escalated, len(rows))
    kpis.community_solved_rate = rate(solved, len(rows))


CSV_COLUMNS = (
    "period", "questions", "median_first_answer_minutes", "p90_first_answer_minutes",
    "answered_within_24h_share", "answered_within_72h_share", "escalation_rate",
    "community_solved_rate", "community_solved", "earned_points", "cost_per_solved_question",
)  # fmt: skip


def kpis_csv(rows: list[PeriodKpis]) -> str:
    lines = [",".join(CSV_COLUMNS)]
    for kpis in rows:
        values = kpis.as_dict()
        lines.append(",".join("" if values[c] is None else str(values[c]) for c in CSV_COLUMNS))
    return "\r\n".join(lines) + "\r\n"
