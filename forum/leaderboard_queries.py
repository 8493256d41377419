"""The leaderboard: the members who helped most in a payout period (or of all time), by points
earned (awards less their reversals) and by accepted answers, on every board or on one.

Staff never appear, nor suspended members, nor a member whose payout line of the period is held
or forfeited (while the period is still open: of the last period closed) — the board celebrates
help that stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from forum.clock import resolve
from forum.db import fetch_dicts, in_list
from forum.member_queries import EARNED_POINTS, EARNED_TRANSFERS
from forum.models import Board
from forum.queries import get_board
from forum.settings import get_settings
from rewards.periods import Period, parse_period, period_of, previous

ALL_TIME = "all"
TOP = 20

# {window} and {board} are fixed fragments chosen below; every value is a parameter.
_LEFT_OUT = """
  AND u.role = 'member' AND u.suspended_at IS NULL
  AND u.id NOT IN (
      SELECT l.member_id FROM payout_lines l JOIN payout_batches b ON b.id = l.batch_id
      WHERE l.state IN ('held', 'forfeited') {periods}
  )
"""
_BY_POINTS = f"""
SELECT u.id AS member_id, u.username AS username, u.display_name AS display_name,
       CAST({EARNED_POINTS} AS BIGINT) AS points
FROM ledger_transfers t JOIN users u ON u.id = t.member_id
LEFT JOIN ledger_transfers o ON o.id = t.reverses_id
{{board}}
WHERE {EARNED_TRANSFERS}
  {{window}} {_LEFT_OUT}
GROUP BY u.id, u.username, u.display_name
HAVING {EARNED_POINTS} > 0
ORDER BY points DESC, u.username LIMIT {TOP}
"""  # noqa: S608 - fixed fragments; every value is a parameter
_BY_ACCEPTED = f"""
SELECT u.id AS member_id, u.username AS username, u.display_name AS display_name,
       COUNT(*) AS accepted
FROM acceptances a JOIN answers an ON an.id = a.answer_id JOIN questions q ON q.id = a.question_id
JOIN users u ON u.id = an.author_id
WHERE a.cleared_at IS NULL AND an.visibility = 'visible' AND q.visibility = 'visible'
  AND an.author_id <> a.accepted_by_id {{board}} {{window}} {_LEFT_OUT}
GROUP BY u.id, u.username, u.display_name
ORDER BY accepted DESC, u.username LIMIT {TOP}
"""  # noqa: S608 - fixed fragments; every value is a parameter


_ON_BOARD_POINTS = "JOIN questions q ON q.id = t.question_id AND q.board_id = ?"
_ON_BOARD_ACCEPTED = "AND q.board_id = ?"


@dataclass(frozen=True)
class Leaderboard:
    period: Period | None  # None: all time
    board: Board | None
    by_points: list[dict[str, Any]] = field(default_factory=list)
    by_accepted: list[dict[str, Any]] = field(default_factory=list)


def current_period() -> Period:
    return period_of(resolve(None), get_settings().payout_period)


async def get_leaderboard(period: str | None = None, board: str | None = None) -> Leaderboard:
    """`period`: a period label, "all", or nothing for the current one; `board`: a slug or
    nothing. A 400 names a bad period, a 404 an unknown board."""
    kind = get_settings().payout_period
    shown: Period | None = None
    if not period:
        shown = current_period()
    elif period != ALL_TIME:
        shown = parse_period(period, kind)
    chosen = await get_board(board) if board else None

    async def top(template: str, board_fragment: str, moment: str) -> list[dict[str, Any]]:
        values: list[Any] = []
        window = periods = ""
        if chosen is not None:
            values.append(chosen.id)
        if shown is not None:
            window = f"AND {moment} >= ? AND {moment} < ?"
            values += [shown.starts_at, shown.cutoff]
            # While the period is open its batch does not exist: the last one closed stands in.
            labels = [shown.label]
            if not shown.finished(resolve(None)):
                labels.append(previous(shown, kind).label)
            periods = "AND b.period IN " + in_list(len(labels))
            values += labels
        sql = template.format(
            board=board_fragment if chosen else "", window=window, periods=periods
        )
        return await fetch_dicts(sql, values)

    return Leaderboard(
        period=shown,
        board=chosen,
        by_points=await top(_BY_POINTS, _ON_BOARD_POINTS, "t.created_at"),
        by_accepted=await top(_BY_ACCEPTED, _ON_BOARD_ACCEPTED, "a.created_at"),
    )
