"""Ranks: a member's step on the ladder from the points they earned over their lifetime and
the answers of theirs that were accepted (PEERDESK_RANKS). Staff, finance and admins hold none:
their posts carry their role instead."""

from __future__ import annotations

from forum.models import Role
from forum.settings import get_settings

NEW_MEMBER = "new"


def rank_of(role: Role | str, points_earned: int, accepted_answers: int) -> str | None:
    """The highest rank whose points and accepted answers the member reached; None for staff."""
    if Role(role) != Role.MEMBER:
        return None
    reached = NEW_MEMBER
    for name, points, accepted in get_settings().ranks:
        if points_earned >= points and accepted_answers >= accepted:
            reached = name
    return reached


def top_rank() -> str:
    """The highest rank of the ladder: its members may close questions as duplicates."""
    ladder = get_settings().ranks
    return ladder[-1][0] if ladder else "none"  # no ladder: no member is of the top rank
