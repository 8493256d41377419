"""Who may touch the ledger and payouts. Separation of duties: only finance writes to the ledger
(adjustments, fraud reversals) and decides payouts; admins read the ledger and reconcile it."""

from __future__ import annotations

from forum.errors import NotFound
from forum.i18n import gettext as _
from forum.models import Role, User
from forum.permissions import require
from forum.validation import is_id
from rewards.models import PayoutAppeal, PayoutBatch, PayoutLine

LEDGER_ROLES = (Role.FINANCE, Role.ADMIN)


def earns_points(user: User) -> bool:
    """Only members earn; staff, finance and admin never do, nor an erased account (its kept
    posts earn nothing). Suspended members still earn (their payout lines are held instead)."""
    return user.role == Role.MEMBER and user.erased_at is None


def can_manage_ledger(user: User | None) -> bool:
    """Read the ledger: any member's points, and the reconciliation (finance and admins)."""
    return user is not None and user.role in LEDGER_ROLES and user.suspended_at is None


def can_write_ledger(user: User | None) -> bool:
    """Post adjustments and fraud reversals: finance only, never an admin."""
    return user is not None and user.role == Role.FINANCE and user.suspended_at is None


def require_ledger_writer(user: User | None) -> User:
    require(can_write_ledger(user), _("Only finance can adjust points or reverse awards."))
    return user  # type: ignore[return-value]


def can_adjust(actor: User | None, member: User) -> bool:
    """Finance adjusts members' points, never their own nor a non-earning account's."""
    return can_write_ledger(actor) and earns_points(member) and member.id != actor.id  # type: ignore[union-attr]


def can_see_points(viewer: User | None, member: User) -> bool:
    return viewer is not None and (viewer.id == member.id or can_manage_ledger(viewer))


def can_manage_payouts(user: User | None) -> bool:
    """Payout batches are finance's alone: review, approve, export, mark paid, report."""
    return user is not None and user.role == Role.FINANCE and user.suspended_at is None


def can_decide_line(user: User | None, line: PayoutLine) -> bool:
    """Finance decides lines, never their own (a member promoted to finance after earning)."""
    return can_manage_payouts(user) and line.member_id != user.id  # type: ignore[union-attr, attr-defined]


def can_approve(user: User | None, *, is_payee: bool) -> bool:
    """Maker-checker: finance approves a batch, but not one that pays them."""
    return can_manage_payouts(user) and not is_payee


def require_payouts(user: User | None) -> User:
    require(can_manage_payouts(user), _("Only finance can work on payouts."))
    return user  # type: ignore[return-value]


KPI_ROLES = (Role.STAFF, Role.FINANCE, Role.ADMIN)


def can_read_kpis(user: User | None) -> bool:
    """The per-period figures are for finance and staff (and admins)."""
    return user is not None and user.role in KPI_ROLES and user.suspended_at is None


def require_kpis(user: User | None) -> User:
    require(can_read_kpis(user), _("Only staff and finance read the per-period figures."))
    return user  # type: ignore[return-value]


async def access_batch(batch_id: object) -> PayoutBatch:
    batch = await PayoutBatch.get_or_none(id=batch_id) if is_id(batch_id) else None
    if batch is None:
        raise NotFound(_("Payout batch %(id)s does not exist.") % {"id": batch_id})
    return batch


async def access_line(batch: PayoutBatch, line_id: object) -> PayoutLine:
    line = await PayoutLine.get_or_none(id=line_id, batch_id=batch.id) if is_id(line_id) else None
    if line is None:
        raise NotFound(
            _("Line %(line)s is not in payout batch %(batch)s.")
            % {"line": line_id, "batch": batch.id}
        )
    return line


def can_answer_appeal(user: User | None, appeal: PayoutAppeal) -> bool:
    """Finance answers appeals, never about their own line."""
    return can_manage_payouts(user) and appeal.member_id != user.id  # type: ignore[union-attr, attr-defined]


async def access_appeal(batch: PayoutBatch, appeal_id: object) -> PayoutAppeal:
    appeal = (
        await PayoutAppeal.get_or_none(id=appeal_id, line__batch_id=batch.id)
        if is_id(appeal_id)
        else None
    )
    if appeal is None:
        raise NotFound(
            _("Appeal %(appeal)s is not about payout batch %(batch)s.")
            % {"appeal": appeal_id, "batch": batch.id}
        )
    return appeal


async def access_own_line(member: User, line_id: object) -> PayoutLine:
    line = await PayoutLine.get_or_none(id=line_id, member_id=member.id) if is_id(line_id) else None
    if line is None:
        raise NotFound(_("You have no payout line %(id)s.") % {"id": line_id})
    return line
