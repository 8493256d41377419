"""Ledger errors, answered by the same handler as the forum's (status + message)."""

from __future__ import annotations

from forum.errors import Conflict, NotFound


class RewardsError(Conflict):
    code = "ledger_conflict"


class KeyReused(RewardsError):
    """The same idempotency key was posted again with a different transfer."""

    code = "idempotency_key_reused"


class AlreadyReversed(RewardsError):
    code = "already_reversed"


class NothingToReverse(NotFound):
    code = "nothing_to_reverse"
