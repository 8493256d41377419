"""Managing other users: an admin sets roles and addresses, staff suspend and unsuspend members.
All audited."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.accounts import email_value
from forum.actions.email_change import do_move_address
from forum.clock import resolve
from forum.errors import Conflict, NotFound
from forum.i18n import gettext as _
from forum.models import AuditEntry, Role, User
from forum.permissions import can_set_address, can_set_roles, can_suspend, require
from rewards.actions.payout_holds import SUSPENDED_AFTER_CLOSE, hold_open_lines


async def check_set_role(
    target: User, role: object, *, acting_user: User, now: datetime | None = None
) -> User:
    require(can_set_roles(acting_user), _("Only an admin can change roles."))
    errors = v.Errors()
    new_role = v.choice(errors, "role", role, tuple(r.value for r in Role), _("Role"))
    errors.raise_if_any()
    async with in_transaction():
        if new_role != Role.ADMIN.value:
            # Counted under the admins' row locks (taken in id order): two admins demoting
            # each other at once cannot leave the forum with none.
            admins = await User.filter(role=Role.ADMIN).order_by("id").select_for_update()
            if [a.id for a in admins] == [target.id]:
                raise Conflict(_("The last admin keeps the role: make another admin first."))
        await User.filter(id=target.id).update(role=Role(new_role))
        await AuditEntry.create(
            actor=acting_user,
            action="set_role",
            target_user=target,
            detail=f"{target.role.value} -> {new_role}",
            created_at=resolve(now),
        )
    await target.refresh_from_db()
    return target


async def check_set_email(
    target: User, email: object, *, acting_user: User, now: datetime | None = None
) -> User:
    """An admin sets a member's address, confirmed, once support has made sure off Peerdesk
    that it is theirs: the way back in for a member locked out behind a mistyped address. As
    with a change by the member, links mailed before stop working and a confirmed old address
    is told."""
    require(
        can_set_address(acting_user, target),
        _(
            "Only an admin can set another member's e-mail address; change your own on your "
            "account page."
        ),
    )
    errors = v.Errors()
    email_text = email_value(errors, "email", email)
    errors.raise_if_any()
    now = resolve(now)
    async with in_transaction():
        locked = await User.filter(id=target.id).select_for_update().first()
        if locked is None:
            raise NotFound(_("User %(id)s does not exist.") % {"id": target.id})
        entry = await AuditEntry.create(
            actor=acting_user,
            action="set_email",
            target_user=target,
            detail=f"{locked.email} -> {email_text}",
            created_at=now,
        )
        await do_move_address(locked, email_text, f"email_set:{entry.id}", now=now)
    await target.refresh_from_db()
    return target


async def check_suspend_user(
    target: User, reason: object, *, acting_user: User, now: datetime | None = None
) -> User:
    """A suspended member can read but not post; their sessions and tokens stop working."""
    require(can_suspend(acting_user, target), _("Only staff can suspend, and only members."))
    errors = v.Errors()
    reason_text = v.text(errors, "reason", reason, min_len=3, max_len=500, label=_("Reason"))
    errors.raise_if_any()
    now = resolve(now)
    async with in_transaction():
        await User.filter(id=target.id).update(
            suspended_at=now,
            suspended_reason=reason_text,
            session_version=F("session_version") + 1,
        )
        await AuditEntry.create(
            actor=acting_user,
            action="suspend",
            target_user=target,
            detail=reason_text,
            created_at=now,
        )
        # Lines of an earlier close are held: nothing is paid to a suspended member.
        await hold_open_lines(
            target.id,
            code=SUSPENDED_AFTER_CLOSE,
            params={"reason": reason_text},
            now=now,
        )
    await target.refresh_from_db()
    return target


async def check_unsuspend_user(
    target: User, *, acting_user: User, now: datetime | None = None
) -> User:
    """The member may post again; sessions ended by the suspension stay ended."""
    require(can_suspend(acting_user, target), _("Only staff can unsuspend, and only members."))
    now = resolve(now)
    async with in_transaction():
        changed = await User.filter(id=target.id, suspended_at__not_isnull=True).update(
            suspended_at=None, suspended_reason=""
        )
        if changed != 1:
            raise Conflict(_("This member is not suspended."))
        await AuditEntry.create(
            actor=acting_user, action="unsuspend", target_user=target, detail="", created_at=now
        )
    await target.refresh_from_db()
    return target
