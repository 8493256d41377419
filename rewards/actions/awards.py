"""Awards: the points that forum events earn, written inside the forum action's transaction.

Rules (PRODUCT.md §2, amounts are settings): an accepted answer earns its author
`points_accept_answerer` and the asker who accepted `points_accept_asker`; a kudos earns the
answer's author `points_kudos`, at most `kudos_daily_cap` kudos points per UTC day (a withdrawn
kudos frees its room again). Nobody earns for accepting their own answer; staff, finance and
admin never earn. Undoing the event (clear, change, withdraw) writes reversing entries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from forum.models import Acceptance, Answer, Kudos, Question, User
from forum.settings import get_settings
from rewards.actions.payout_holds import hold_for_reversals
from rewards.actions.transfers import (
    Award,
    lock_ledger,
    member_account,
    members_with_accounts,
    post_awards,
    reverse_transfer,
    share_ledger,
    unreversed,
)
from rewards.labels import (
    ACCEPT_HIDDEN,
    CAPPED,
    KUDOS_WITHDRAWN,
    POST_REMOVED,
)
from rewards.models import Transfer, TransferKind
from rewards.permissions import earns_points


async def acceptance_awards(
    acceptance: Acceptance, question: Question, answer: Answer
) -> list[Award]:
    """What an accept earns, read before any ledger lock (for `award_acceptance`)."""
    rules = get_settings()
    asker_id: int = question.author_id  # type: ignore[attr-defined]
    answerer_id: int = answer.author_id  # type: ignore[attr-defined]
    if answerer_id == asker_id:
        return []  # accepting your own answer earns nothing
    ref = acceptance_ref(acceptance)
    awards: list[Award] = []
    members = await members_with_accounts([answerer_id, asker_id])
    (answerer, answerer_account), (asker, asker_account) = members[answerer_id], members[asker_id]
    if earns_points(answerer) and rules.points_accept_answerer > 0:
        awards.append(
            Award(answerer_account, answerer, rules.points_accept_answerer,
                  TransferKind.ACCEPT_ANSWERER, key=f"{ref}:answerer")
        )  # fmt: skip
    accepted_by_asker = acceptance.accepted_by_id == asker_id  # type: ignore[attr-defined]
    if accepted_by_asker and earns_points(asker) and rules.points_accept_asker > 0:
        awards.append(
            Award(asker_account, asker, rules.points_accept_asker, TransferKind.ACCEPT_ASKER,
                  key=f"{ref}:asker")
        )  # fmt: skip
    return awards


async def award_acceptance(
    acceptance: Acceptance, awards: list[Award], *, now: datetime
) -> list[Transfer]:
    """Write the `acceptance_awards`: the members' accounts stay locked to the commit, so this is
    the accept's last write."""
    return await post_awards(
        awards,
        ref=acceptance_ref(acceptance),
        now=now,
        question_id=acceptance.question_id,  # type: ignore[attr-defined]
        answer_id=acceptance.answer_id,  # type: ignore[attr-defined]
    )


def acceptance_ref(acceptance: Acceptance) -> str:
    return f"acceptance:{acceptance.id}"


async def reverse_acceptance(
    acceptance: Acceptance, *, reason: str, actor: User | None, now: datetime
) -> list[Transfer]:
    return await _reverse_ref(acceptance_ref(acceptance), reason=reason, actor=actor, now=now)


async def award_kudos(kudos: Kudos, answer: Answer, *, now: datetime) -> Transfer | None:
    """Award the kudos within what is left of the receiver's daily cap (possibly nothing)."""
    rules = get_settings()
    receiver = await User.get(id=answer.author_id)  # type: ignore[attr-defined]
    if not earns_points(receiver) or rules.points_kudos <= 0:
        return None
    account = await member_account(receiver)
    # The cap is read under the receiver's account lock, so their concurrent kudos queue here.
    await share_ledger([account])
    room = rules.kudos_daily_cap - await kudos_points_on_day(receiver, now)
    amount = min(rules.points_kudos, room)
    if amount <= 0:
        return None
    ref = f"kudos:{kudos.id}"
    reason = "" if amount == rules.points_kudos else CAPPED
    [transfer] = await post_awards(
        [Award(account, receiver, amount, TransferKind.KUDOS, key=ref, reason=reason)],
        ref=ref,
        now=now,
        question_id=answer.question_id,  # type: ignore[attr-defined]
        answer_id=answer.id,
    )
    return transfer


async def reverse_kudos(kudos: Kudos, *, actor: User, now: datetime) -> list[Transfer]:
    return await _reverse_ref(f"kudos:{kudos.id}", reason=KUDOS_WITHDRAWN, actor=actor, now=now)


async def kudos_points_on_day(receiver: User, moment: datetime) -> int:
    """Net kudos points the receiver was awarded on moment's UTC day (withdrawn ones excluded)."""
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    window = {
        "member_id": receiver.id,
        "kind": TransferKind.KUDOS,
        "created_at__gte": start,
        "created_at__lt": end,
    }
    # Both reads are small: a member gets at most a few dozen kudos transfers a day.
    awarded = await Transfer.filter(**window).values_list("id", "amount")
    ids = [row[0] for row in awarded]
    withdrawn = await Transfer.filter(reverses_id__in=ids).values_list("amount", flat=True)
    return sum(int(row[1]) for row in awarded) - sum(int(a) for a in withdrawn)  # type: ignore[call-overload]


async def _reverse_ref(
    ref: str, *, reason: str, actor: User | None, now: datetime
) -> list[Transfer]:
    await hold_for_reversals(await unreversed(ref=ref, reverses_id=None), event=reason, now=now)
    await lock_ledger()
    return [
        await reverse_transfer(t, kind=TransferKind.REVERSAL, reason=reason, actor=actor, now=now)
        for t in await unreversed(ref=ref, reverses_id=None)
    ]


async def reverse_post_awards(
    post: Question | Answer, *, actor: User, now: datetime
) -> list[Transfer]:
    """Staff removed the post: take back what its author earned for it (for an answer, its
    accept award and kudos; for a question, the asker's accept bonus). Already reversed awards
    stay as they are."""
    author_id = post.author_id  # type: ignore[union-attr]
    if isinstance(post, Answer):
        kinds = [TransferKind.ACCEPT_ANSWERER, TransferKind.KUDOS]
        found = await unreversed(member_id=author_id, answer_id=post.id, kind__in=kinds)
    else:
        kinds = [TransferKind.ACCEPT_ASKER]
        found = await unreversed(member_id=author_id, question_id=post.id, kind__in=kinds)
    if not found:
        return []
    await hold_for_reversals(found, event=POST_REMOVED, now=now)
    await lock_ledger()
    return [
        await reverse_transfer(
            t, kind=TransferKind.REVERSAL, reason=POST_REMOVED, actor=actor, now=now
        )
        for t in await unreversed(id__in=[t.id for t in found])
    ]


async def hold_for_moderation(answer: Answer, *, removing: bool, now: datetime) -> None:
    """`answer` is being hidden or removed: hold the payout lines that count what that will
    reverse (its standing acceptance's awards; removing, also its kudos), all at once and before
    the ledger lock, which the reversals that follow take one after the other."""
    standing = await Acceptance.get_or_none(answer_id=answer.id, active_question_id__isnull=False)
    found = await unreversed(ref=f"acceptance:{standing.id}") if standing else []
    if removing:
        found += await unreversed(
            member_id=answer.author_id,  # type: ignore[attr-defined]
            answer_id=answer.id,
            kind__in=[TransferKind.ACCEPT_ANSWERER, TransferKind.KUDOS],
        )
    event = POST_REMOVED if removing else ACCEPT_HIDDEN
    await hold_for_reversals(found, event=event, now=now)
