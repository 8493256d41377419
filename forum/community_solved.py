"""The one definition of "community-solved" (PRODUCT.md §3), which finance's report, its
deflection estimate and the staff dashboard all count: a standing acceptance of a visible answer
to a question that was not removed, written by a member (not staff, finance or admin, and not an
answer marked "Staff") who is not the asker. Asking and answering your own question solves it
for you, not for the community.

`SOLVED_BY_COMMUNITY` selects one row per such question (a question has at most one standing
acceptance): its id and when it was accepted. Reads only.
"""

from __future__ import annotations

from datetime import datetime

from forum.db import fetch_dicts

# An acceptance `a` of answer `an` (by `u`) to question `q` counts for the community (once it
# stands) when COMMUNITY_ANSWER holds, over COMMUNITY_JOINS.
COMMUNITY_JOINS = """
JOIN answers an ON an.id = a.answer_id
JOIN questions q ON q.id = a.question_id
JOIN users u ON u.id = an.author_id
"""
COMMUNITY_ANSWER = """
q.visibility <> 'removed'
AND an.author_id <> q.author_id AND NOT an.is_staff AND u.role = 'member'
"""
SOLVED_BY_COMMUNITY = f"""
SELECT a.question_id AS question_id, a.created_at AS accepted_at
FROM acceptances a {COMMUNITY_JOINS}
WHERE {COMMUNITY_ANSWER} AND a.active_question_id IS NOT NULL AND an.visibility = 'visible'
"""  # noqa: S608 - fixed fragments


async def count_community_solved(since: datetime, until: datetime) -> int:
    """Questions the community solved by an acceptance made in [since, until)."""
    rows = await fetch_dicts(
        f"SELECT COUNT(*) AS n FROM ({SOLVED_BY_COMMUNITY}) s"  # noqa: S608 - a fixed fragment
        " WHERE s.accepted_at >= ? AND s.accepted_at < ?",
        [since, until],
    )
    return int(rows[0]["n"])
