"""Kudos: one per member per answer (a UNIQUE key), never on your own answer, can be withdrawn."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum.clock import resolve
from forum.errors import Conflict, NotFound
from forum.models import Answer, Kudos, User
from forum.permissions import can_give_kudos, can_post, require


async def do_give_kudos(answer: Answer, *, acting_user: User, now: datetime | None = None) -> Kudos:
    require(can_post(acting_user), "Your account cannot give kudos.")
    require(
        can_give_kudos(acting_user, answer.author_id),  # type: ignore[attr-defined]
        "You cannot give kudos to your own answer.",
    )
    try:
        async with in_transaction():
            kudos = await Kudos.create(answer=answer, giver=acting_user, created_at=resolve(now))
            await Answer.filter(id=answer.id).update(kudos_count=F("kudos_count") + 1)
    except IntegrityError as exc:
        raise Conflict("You already gave kudos to this answer.") from exc
    return kudos


async def do_withdraw_kudos(answer: Answer, *, acting_user: User) -> None:
    require(can_post(acting_user), "Your account cannot withdraw kudos.")
    async with in_transaction():
        deleted = await Kudos.filter(answer_id=answer.id, giver_id=acting_user.id).delete()
        if deleted == 0:
            raise NotFound("You have not given kudos to this answer.")
        await Answer.filter(id=answer.id).update(kudos_count=F("kudos_count") - 1)
