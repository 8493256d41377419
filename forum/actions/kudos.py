"""Kudos: one per member per answer (a UNIQUE key), never on your own answer, can be withdrawn."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum.actions.notifications import note, notify
from forum.clock import resolve
from forum.errors import Conflict, NotFound
from forum.i18n import gettext as _
from forum.models import Answer, Kudos, NotificationKind, User, Visibility
from forum.permissions import can_give_kudos, can_post, require
from forum.ratelimits import limit_member
from rewards.actions.awards import award_kudos, reverse_kudos


async def check_give_kudos(
    answer: Answer, *, acting_user: User, now: datetime | None = None
) -> Kudos:
    """A member's kudos, within flood control (the seed and the tests call do_give_kudos)."""
    require(can_post(acting_user), _("Your account cannot give kudos."))
    await limit_member("kudos", acting_user, "answer")
    return await do_give_kudos(answer, acting_user=acting_user, now=now)


async def do_give_kudos(answer: Answer, *, acting_user: User, now: datetime | None = None) -> Kudos:
    require(can_post(acting_user), _("Your account cannot give kudos."))
    require(
        can_give_kudos(acting_user, answer.author_id),  # type: ignore[attr-defined]
        _("You cannot give kudos to your own answer."),
    )
    now = resolve(now)
    try:
        async with in_transaction():
            # Conditional on the answer being visible when counted (a hide at the same moment
            # waits for it, or it for the hide).
            counted = await Answer.filter(id=answer.id, visibility=Visibility.VISIBLE).update(
                kudos_count=F("kudos_count") + 1
            )
            if counted != 1:
                raise Conflict(_("This answer is hidden: it takes no kudos."))
            kudos = await Kudos.create(answer=answer, giver=acting_user, created_at=now)
            awarded = await award_kudos(kudos, answer, now=now)
            if awarded is not None:
                points = note(
                    int(answer.author_id),  # type: ignore[attr-defined]
                    NotificationKind.POINTS,
                    f"kudos:{kudos.id}",
                    question_id=int(answer.question_id),  # type: ignore[attr-defined]
                    answer_id=answer.id,
                    points=awarded.amount,
                )
                await notify([points], now=now)
    except IntegrityError as exc:
        raise Conflict(_("You already gave kudos to this answer.")) from exc
    return kudos


async def do_withdraw_kudos(
    answer: Answer, *, acting_user: User, now: datetime | None = None
) -> None:
    """Deleting the kudos row is conditional, so two withdrawals reverse the points once."""
    require(can_post(acting_user), _("Your account cannot withdraw kudos."))
    now = resolve(now)
    async with in_transaction():
        kudos = await Kudos.get_or_none(answer_id=answer.id, giver_id=acting_user.id)
        deleted = await Kudos.filter(id=kudos.id).delete() if kudos else 0
        if kudos is None or deleted == 0:
            raise NotFound(_("You have not given kudos to this answer."))
        await Answer.filter(id=answer.id).update(kudos_count=F("kudos_count") - 1)
        await reverse_kudos(kudos, actor=acting_user, now=now)
