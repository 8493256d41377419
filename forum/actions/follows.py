"""Following a question: its followers hear of its new answers and of its acceptance.

Asking a question or answering it follows it (`follow_as_participant`); a member follows or
unfollows any question they can see (`check_set_following`). An unfollow is a row with
`following` false, so that answering again does not follow the question once more.

The notifications are written by the statement or transaction of the event, one INSERT for all
followers however many there are, under keys that name the event and the follower
(forum.actions.notifications): an event that runs twice notifies once.
"""

from __future__ import annotations

from datetime import datetime

from forum.clock import resolve
from forum.db import execute
from forum.i18n import gettext as _
from forum.models import Question, User
from forum.permissions import can_follow, require

# $1 question, $2 member, $3 following, $4 now.
_SET_FOLLOWING = """
INSERT INTO question_follows (question_id, user_id, following, created_at, updated_at)
VALUES ($1, $2, $3, $4, $4)
ON CONFLICT (question_id, user_id) DO UPDATE
    SET following = excluded.following, updated_at = excluded.updated_at
    WHERE question_follows.following <> excluded.following
"""


def follow_sql(rows: str) -> str:
    """The INSERT by which participants follow a question, unless they unfollowed it before:
    `rows` gives (question_id, user_id, following, created_at, updated_at)."""
    return f"""
INSERT INTO question_follows (question_id, user_id, following, created_at, updated_at)
{rows}
ON CONFLICT (question_id, user_id) DO NOTHING
"""


# $1 question, $2 member, $3 now.
FOLLOW_AS_PARTICIPANT = follow_sql("VALUES ($1, $2, TRUE, $3, $3)")
# Everyone who took part in a question follows it: for questions written without the actions
# (the bulk seed).
_FOLLOW_ALL_PARTICIPANTS = follow_sql("""
SELECT question_id, user_id, TRUE, MIN(at), MIN(at) FROM (
    SELECT id AS question_id, author_id AS user_id, created_at AS at FROM questions
    UNION ALL
    SELECT question_id, author_id, created_at FROM answers
) AS participants
WHERE TRUE
GROUP BY question_id, user_id
""")
# The followers of the accepted answer's visible question hear of it once per answer (an
# accept, clear and accept again is no news), but for whoever accepted it and the answer's
# author (who hears "your answer was accepted"). $1 the key's prefix, $2 question,
# $3 answer, $4 now, $5 accepted by, $6 the answer's author.
_NOTIFY_ACCEPTED = """
INSERT INTO notifications (user_id, kind, key, question_id, answer_id, points, period, created_at)
SELECT f.user_id, 'follow_accepted', $1 || f.user_id, $2, $3, 0, '', $4
FROM question_follows f JOIN questions q ON q.id = f.question_id
WHERE f.question_id = $2 AND f.following AND f.user_id <> $5 AND f.user_id <> $6
  AND q.visibility = 'visible'
ON CONFLICT (key) DO NOTHING
"""


async def check_set_following(
    question: Question, *, acting_user: User, following: bool, now: datetime | None = None
) -> bool:
    """Follow or unfollow `question` (one the member may see): whether they follow it now.
    Anyone signed in may unfollow; following needs an account that can take part."""
    if following:
        require(can_follow(acting_user), _("Your account cannot follow questions."))
    await execute(_SET_FOLLOWING, [question.id, acting_user.id, following, resolve(now)])
    return following


async def follow_as_participant(question_id: int, user_id: int, *, now: datetime) -> None:
    """In the caller's transaction: the asker or an answerer follows the question."""
    await execute(FOLLOW_AS_PARTICIPANT, [question_id, user_id, now])


async def follow_all_participants() -> None:
    await execute(_FOLLOW_ALL_PARTICIPANTS)


async def notify_accepted(
    question_id: int,
    answer_id: int,
    *,
    accepted_by: int,
    answer_author: int,
    now: datetime,
) -> None:
    """In the acceptance's transaction: tell the question's followers."""
    await execute(
        _NOTIFY_ACCEPTED,
        [f"follow_accepted:{answer_id}:", question_id, answer_id, now, accepted_by,
         answer_author],
    )  # fmt: skip
