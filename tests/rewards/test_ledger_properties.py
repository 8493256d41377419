"""A Hypothesis state machine over the ledger: forum events, finance corrections and UTC days
interleaved at random, with the five invariants and every member's balance checked after each
step against a simple model of PRODUCT.md §2."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from forum.actions.acceptance import check_accept_answer, do_clear_acceptance
from forum.actions.boards import ensure_default_boards
from forum.actions.kudos import do_give_kudos, do_withdraw_kudos
from forum.app import create_app
from forum.errors import Conflict, Forbidden, NotFound
from forum.models import Answer, Question
from rewards.actions.adjustments import check_fraud_reversal, check_post_adjustment
from rewards.actions.transfers import ensure_system_accounts
from rewards.errors import NothingToReverse
from rewards.models import LedgerAccount
from rewards.queries import reconcile
from tests import factories
from tests.conftest import make_settings, truncate_all
from tests.factories import T0

T = TypeVar("T")
# A small cap and an odd kudos value, so that full, partial and refused kudos awards all occur.
CAP, KUDOS, ANSWERER, ASKER = 30, 7, 100, 5
MEMBERS = 4


@dataclass
class Award:
    user: int
    amount: int
    question: int
    ref: str
    day: date
    kind: str
    reversed: bool = False


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.app = create_app(make_settings(kudos_daily_cap=CAP, points_kudos=KUDOS))
        self.lifespan = self.app.router.lifespan_context(self.app)
        self.run(self.lifespan.__aenter__())
        self.run(self._setup())
        self.now = T0
        self.awards: list[Award] = []
        self.adjusted: dict[int, int] = defaultdict(int)
        self.standing: dict[int, tuple[int, str]] = {}  # question -> (answer, ref)
        self.kudos: set[tuple[int, int]] = set()  # (giver, answer)
        self.accept_events = 0

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    async def _setup(self) -> None:
        await truncate_all()
        await ensure_default_boards()
        await ensure_system_accounts()
        self.members = [await factories.make_user(f"m{i}") for i in range(MEMBERS)]
        self.staff = await factories.make_user("s", role="staff")
        self.finance = await factories.make_user("f", role="finance")
        self.questions: list[Question] = []
        self.answers: dict[int, list[Answer]] = {}
        for asker in self.members[:3]:
            q = await factories.make_question(asker, title=f"Question of {asker.username} here")
            self.questions.append(q)
            # Everyone answers, the asker too (accepting your own answer earns nothing).
            self.answers[q.id] = [await factories.make_answer(q, m) for m in self.members]
        self.answers[self.questions[0].id].append(
            await factories.make_answer(self.questions[0], self.staff)
        )
        self.role = {u.id: u.role.value for u in [*self.members, self.staff, self.finance]}

    def teardown(self) -> None:
        self.run(self.lifespan.__aexit__(None, None, None))
        self.loop.close()

    # -- the model ---------------------------------------------------------------------

    def _tick(self) -> datetime:
        self.now += timedelta(minutes=7)
        return self.now

    def _earns(self, user_id: int) -> bool:
        return self.role[user_id] == "member"

    def _reverse(
        self, ref: str | None = None, *, user: int | None = None, question: int | None = None
    ) -> int:
        n = 0
        for a in self.awards:
            if (
                a.reversed
                or (ref and a.ref != ref)
                or (user and a.user != user)
                or (question and a.question != question)
            ):
                continue
            a.reversed = True
            n += 1
        return n

    def _kudos_net(self, user: int, day: date) -> int:
        return sum(
            a.amount
            for a in self.awards
            if a.kind == "kudos" and a.user == user and a.day == day and not a.reversed
        )

    def expected(self, user_id: int) -> int:
        return self.adjusted[user_id] + sum(
            a.amount for a in self.awards if a.user == user_id and not a.reversed
        )

    # -- rules ---------------------------------------------------------------------------

    @rule(qi=st.integers(0, 2), ai=st.integers(0, MEMBERS))
    def accept(self, qi: int, ai: int) -> None:
        q = self.questions[qi]
        answer = self.answers[q.id][ai % len(self.answers[q.id])]
        now = self._tick()
        acceptance = self.run(
            check_accept_answer(
                self.app.state.settings, q, answer.id, acting_user=self.members[qi], now=now
            )
        )
        if q.id in self.standing and self.standing[q.id][0] == answer.id:
            return
        if q.id in self.standing:
            self._reverse(self.standing[q.id][1])
        ref = f"acceptance:{acceptance.id}"
        self.standing[q.id] = (answer.id, ref)
        asker, answerer = self.members[qi].id, answer.author_id  # type: ignore[attr-defined]
        if answerer != asker:
            if self._earns(answerer):
                self.awards.append(Award(answerer, ANSWERER, q.id, ref, now.date(), "accept"))
            self.awards.append(Award(asker, ASKER, q.id, ref, now.date(), "accept"))

    @rule(qi=st.integers(0, 2))
    def clear(self, qi: int) -> None:
        q = self.questions[qi]
        now = self._tick()
        self.run(do_clear_acceptance(q, acting_user=self.members[qi], now=now))
        if q.id not in self.standing:
            return  # cleared already: nothing moves (the invariants check it)
        self._reverse(self.standing.pop(q.id)[1])

    @rule(gi=st.integers(0, MEMBERS - 1), qi=st.integers(0, 2), ai=st.integers(0, MEMBERS))
    def give_kudos(self, gi: int, qi: int, ai: int) -> None:
        q = self.questions[qi]
        answer = self.answers[q.id][ai % len(self.answers[q.id])]
        giver = self.members[gi]
        now = self._tick()
        try:
            kudos = self.run(do_give_kudos(answer, acting_user=giver, now=now))
        except Forbidden:
            assert answer.author_id == giver.id  # type: ignore[attr-defined]
            return
        except Conflict:
            assert (giver.id, answer.id) in self.kudos
            return
        self.kudos.add((giver.id, answer.id))
        receiver = answer.author_id  # type: ignore[attr-defined]
        amount = min(KUDOS, CAP - self._kudos_net(receiver, now.date()))
        if self._earns(receiver) and amount > 0:
            self.awards.append(
                Award(receiver, amount, q.id, f"kudos:{kudos.id}", now.date(), "kudos")
            )

    @rule(gi=st.integers(0, MEMBERS - 1), qi=st.integers(0, 2), ai=st.integers(0, MEMBERS))
    def withdraw_kudos(self, gi: int, qi: int, ai: int) -> None:
        q = self.questions[qi]
        answer = self.answers[q.id][ai % len(self.answers[q.id])]
        giver = self.members[gi]
        try:
            self.run(do_withdraw_kudos(answer, acting_user=giver, now=self._tick()))
        except NotFound:
            assert (giver.id, answer.id) not in self.kudos
            return
        self.kudos.remove((giver.id, answer.id))
        refs = {
            a.ref
            for a in self.awards
            if a.kind == "kudos"
            and a.user == answer.author_id  # type: ignore[attr-defined]
            and a.question == q.id
            and not a.reversed
        }
        # The withdrawn kudos is the giver's: find it through the ledger's own reference.
        withdrawn = self.run(_withdrawn_refs(refs))
        for ref in withdrawn:
            self._reverse(ref)

    @rule(mi=st.integers(0, MEMBERS - 1), points=st.integers(-300, 300).filter(bool))
    def adjust(self, mi: int, points: int) -> None:
        member = self.members[mi]
        self.run(
            check_post_adjustment(
                member,
                points=points,
                reason="Model adjustment",
                acting_user=self.finance,
                now=self._tick(),
            )
        )
        self.adjusted[member.id] += points

    @rule(mi=st.integers(0, MEMBERS - 1), qi=st.integers(0, 2))
    def fraud_reversal(self, mi: int, qi: int) -> None:
        member, q = self.members[mi], self.questions[qi]
        try:
            self.run(
                check_fraud_reversal(
                    member,
                    reason="Model fraud",
                    acting_user=self.finance,
                    question_id=q.id,
                    now=self._tick(),
                )
            )
        except NothingToReverse:
            assert self._reverse(user=member.id, question=q.id) == 0
            return
        assert self._reverse(user=member.id, question=q.id) > 0

    @rule(hours=st.integers(1, 30))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def ledger_reconciles_and_matches_the_model(self) -> None:
        result = self.run(reconcile())
        assert result.ok, result.problems
        balances = dict(
            self.run(LedgerAccount.filter(user_id__isnull=False).values_list("user_id", "balance"))
        )  # type: ignore[arg-type]
        for user_id in self.role:
            assert balances.get(user_id, 0) == self.expected(user_id), user_id


async def _withdrawn_refs(candidates: set[str]) -> set[str]:
    """Of the kudos refs the model still counts, those whose kudos row no longer exists."""
    from forum.models import Kudos

    ids = {int(ref.split(":")[1]) for ref in candidates}
    alive = set(await Kudos.filter(id__in=list(ids)).values_list("id", flat=True))
    return {f"kudos:{i}" for i in ids - alive}  # type: ignore[operator]


LedgerMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_ledger_state_machine = LedgerMachine.TestCase
