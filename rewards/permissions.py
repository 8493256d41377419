"""Who may touch the ledger: finance and admin post adjustments, reversals and reconcile."""

from __future__ import annotations

from forum.models import Role, User

LEDGER_ROLES = (Role.FINANCE, Role.ADMIN)


def earns_points(user: User) -> bool:
    """Only members earn; staff, finance and admin never do. Suspended members still earn
    (their payout lines are held instead)."""
    return user.role == Role.MEMBER


def can_manage_ledger(user: User | None) -> bool:
    return user is not None and user.role in LEDGER_ROLES and user.suspended_at is None


def can_adjust(actor: User | None, member: User) -> bool:
    """Finance adjusts members' points, never their own nor a non-earning account's."""
    return can_manage_ledger(actor) and earns_points(member) and member.id != actor.id  # type: ignore[union-attr]


def can_see_points(viewer: User | None, member: User) -> bool:
    return viewer is not None and (viewer.id == member.id or can_manage_ledger(viewer))
