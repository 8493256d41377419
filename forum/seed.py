"""Demo data: a believable community for `run.py seed`, and a bulk path for benchmarks.

The demo plays the hand-written threads of `forum.demo_corpus` through the real actions (so
every later rule, such as points, holds for it) at moments over the last 90 days: each asked on
its board by a member of its language, answered, given kudos and accepted; escalated and worked
by staff within their first-response time, but for one late answer and one item that waited
overnight, leaving a handful of recent items in the queue. Then the payout periods close and
finance works them: the earlier ones paid, the last one in review with a held line and one of
its two approvals. The bulk path writes rows directly in large batches and is only for load
tests.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise import Tortoise

from forum.actions.acceptance import do_accept_answer
from forum.actions.accounts import do_create_user
from forum.actions.answers import do_create_answer
from forum.actions.escalations import (
    check_ask_staff,
    check_claim,
    check_resolve,
    is_urgent,
    open_key,
)
from forum.actions.follows import follow_all_participants
from forum.actions.kudos import do_give_kudos
from forum.actions.profile import check_update_profile
from forum.actions.questions import do_create_question
from forum.auth import Auth
from forum.clock import utcnow
from forum.demo_corpus import THREADS, Thread
from forum.errors import ForumError
from forum.jobs import award_badges, sweep_escalations
from forum.markdown import render_markdown
from forum.models import (
    Answer,
    Board,
    Escalation,
    EscalationReason,
    EscalationState,
    Notification,
    Question,
    QuestionState,
    Resolution,
    Role,
    User,
)
from forum.settings import get_settings
from rewards.actions.adjustments import check_post_adjustment
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import check_decide_line
from rewards.actions.payout_payments import check_mark_paid
from rewards.jobs import close_finished_periods
from rewards.models import BatchState, LineState, PayoutBatch, PayoutLine, Transfer
from rewards.periods import Period, finished_periods, period_of, previous

DEMO_PASSWORD = "peerdesk-demo"  # printed on the console with the demo logins

_FIRST = [
    "anna", "bram", "chloe", "daan", "emma", "finn", "grace", "hugo", "iris", "jesse",
    "kim", "lars", "maya", "noah", "olivia", "pim", "quinn", "ruby", "sem", "tess",
]  # fmt: skip
# Who plays what. The guru answers in both languages and wrote most of the accepted answers
# (50 make a guru), the expert a good few (10); the newcomer asks but never answers.
_GURU, _GURU_ACCEPTED = "maya12", 52
_EXPERT, _EXPERT_ACCEPTED = "finn5", 11
_NEWCOMER = "anna0"
# A brand-new account whose answers were accepted within a minute (last finished period), and a
# member whose second account, signed up from the same address, accepted his answers (the
# period before): the closes hold both lines; finance forfeited the second one.
_SUSPECT_THREADS = 6
_RING_THREADS = 3
# Hours since the board's SLA ran out for the unanswered threads, in corpus order (urgent boards
# aside): one item waited overnight and breached, three are fresh in the queue, the rest are still
# within their SLA. Threads past the end of the list were asked half their SLA ago.
_UNANSWERED_PAST_SLA = (
    10.0, 3.0, 1.0, 0.5, -2.0, -5.0, -8.0, -30.0, -3.5, -10.5, -1.5, -7.0, -50.0, -20.0,
)  # fmt: skip
_URGENT_WAITING = timedelta(hours=1, minutes=30)
# Payback for recruits (SIMs a member sent that were activated) is posted by finance at the end of
# each period: with it, the batches pass the four-eyes amount as a real operator's would.
_RECRUITS = (34, 28, 24, 21, 18, 16, 14, 12, 11, 10, 9, 8, 7, 6, 5, 3)
_POINTS_PER_RECRUIT = 500


@dataclass
class _Plan:
    """One thread as it will be played: who asks and answers it (staff for staff answers), who
    works its queue items, and when it is asked."""

    thread: Thread
    asker: User
    asked: datetime
    handler: User
    authors: list[User | None] = field(default_factory=list)
    fast_accept: bool = False  # accepted 40 seconds after the answer was posted
    late: bool = False  # staff answered after the first-response time


class _Demo:
    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        *,
        boards: list[Board],
        staff: list[User],
        members: list[User],
    ) -> None:
        self.rng, self.now, self.staff, self.members = rng, now, staff, members
        self.boards = {b.slug: b for b in boards}
        self.latest = now - timedelta(minutes=1)
        self.askers: dict[str, list[User]] = {}  # by language: every member but the guru
        self.turns: dict[str, list[User]] = {}  # by language: who has yet to ask this round
        self.quiet: set[int] = set()  # the suspects' answers get no kudos

    def at(self, moment: datetime) -> datetime:
        """No event after the seed's `now`: recent threads' late steps happen just before it."""
        return min(moment, self.latest)

    def minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randint(low, high))

    def between(self, low: datetime, high: datetime) -> datetime:
        return low + timedelta(seconds=self.rng.randrange(int((high - low).total_seconds())))

    def urgent(self, thread: Thread) -> bool:
        return self.boards[thread.board].urgent or is_urgent(thread.title, thread.body)

    def plan(self, *, suspect: User, ring: tuple[User, User], earlier: Period) -> list[_Plan]:
        """Every thread of the corpus with its asker, its moment and its authors."""
        named = {m.username: m for m in self.members}
        guru = named[_GURU]
        for lang in ("en", "nl"):
            self.askers[lang] = [m for m in self.members if m.locale == lang and m != guru]

        def plain(thread: Thread, lang: str) -> bool:
            simple = thread.accepted == 0 and thread.staff is None
            return thread.language == lang and simple and not self.urgent(thread)

        rng = self.rng
        suspected = rng.sample([t for t in THREADS if plain(t, "en")], _SUSPECT_THREADS)
        ringed = rng.sample(
            [t for t in THREADS if plain(t, "nl") and t not in suspected], _RING_THREADS
        )
        plans: list[_Plan] = []
        for k, thread in enumerate(suspected):
            asked = suspect.created_at + timedelta(days=k + 1, hours=rng.randrange(8, 20))
            plans.append(self._new(thread, self.next_asker("en"), asked, author=suspect))
            plans[-1].fast_accept = True
        ring_start = earlier.cutoff - timedelta(days=20)
        for k, thread in enumerate(ringed):
            asked = ring_start + timedelta(days=3 * k + 1, hours=rng.randrange(8, 20))
            plans.append(self._new(thread, ring[1], asked, author=ring[0]))
        self.quiet = {suspect.id, ring[0].id}
        others = [t for t in THREADS if t not in suspected and t not in ringed]
        plans += self._community(others)
        self._cast(plans, guru=guru, expert=named[_EXPERT], newcomer=named[_NEWCOMER])
        return plans

    def next_asker(self, lang: str) -> User:
        """Askers take turns (in shuffled rounds), so every member of a language asks."""
        if not self.turns.get(lang):
            self.turns[lang] = self.rng.sample(self.askers[lang], len(self.askers[lang]))
        return self.turns[lang].pop()

    def _new(
        self, thread: Thread, asker: User, asked: datetime, *, author: User | None = None
    ) -> _Plan:
        authors: list[User | None] = [None] * len(thread.answers)
        if author is not None:
            authors[thread.accepted or 0] = author
        return _Plan(thread, asker, asked, self.rng.choice(self.staff), authors)

    def _community(self, threads: list[Thread]) -> list[_Plan]:
        """Answered threads over the last 90 days (those staff stepped into at least 5 days
        ago); unanswered ones recent, as `_UNANSWERED_PAST_SLA` says."""
        now, plans, requested = self.now, [], []
        start, unanswered = now - timedelta(days=90), 0
        for thread in threads:
            board = self.boards[thread.board]
            if not thread.answers and board.urgent:
                asked = now - _URGENT_WAITING
            elif not thread.answers:
                past = _UNANSWERED_PAST_SLA[unanswered : unanswered + 1]
                hours = board.sla_hours + past[0] if past else board.sla_hours / 2
                asked, unanswered = now - timedelta(hours=max(hours, 0.5)), unanswered + 1
            elif thread.staff is not None and not self.urgent(thread):
                asked = self.between(start + timedelta(days=1), now - timedelta(days=5))
            else:
                asked = self.between(start + timedelta(hours=2), now - timedelta(hours=18))
            plans.append(self._new(thread, self.next_asker(thread.language), asked))
            if thread.staff and not self.urgent(thread):
                requested.append(plans[-1])
        # The newest "Ask staff" was answered late: the one recent breach besides the item that
        # waits in the queue now.
        newest = max(requested, key=lambda p: p.asked)
        newest.asked, newest.late = now - timedelta(days=3, hours=6), True
        return plans

    def _cast(self, plans: list[_Plan], *, guru: User, expert: User, newcomer: User) -> None:
        """Who wrote each answer: the guru's and the expert's accepted answers first, the other
        accepted ones by the rest of the helpers, and never two answers by one member."""
        rng = self.rng

        def open_slots() -> list[tuple[_Plan, int]]:
            return [
                (p, p.thread.accepted)
                for p in plans
                if p.thread.accepted is not None
                and not p.thread.accepted_by_staff
                and p.authors[p.thread.accepted] is None
            ]

        for p, k in rng.sample(open_slots(), _GURU_ACCEPTED):
            p.authors[k] = guru
        for p, k in rng.sample([s for s in open_slots() if s[0].asker != expert], _EXPERT_ACCEPTED):
            p.authors[k] = expert
        stars = {guru.id, expert.id}
        for p in plans:
            taken = {p.asker.id, newcomer.id} | {a.id for a in p.authors if a is not None}
            for k, author in enumerate(p.authors):
                if author is not None:
                    continue
                if k == p.thread.staff:
                    p.authors[k] = p.handler
                    continue
                pool = [
                    m
                    for m in self.members
                    if m.locale == p.thread.language
                    and m.id not in taken
                    and (k != p.thread.accepted or m.id not in stars)
                ]
                chosen = rng.choice(pool)
                p.authors[k] = chosen
                taken.add(chosen.id)

    async def play(self, p: _Plan) -> None:
        """Ask, answer, escalate, give kudos and accept, each at its moment."""
        thread, board = p.thread, self.boards[p.thread.board]
        question = await do_create_question(
            acting_user=p.asker,
            board=board,
            title=thread.title,
            body=thread.body,
            tags=list(thread.tags),
            language=thread.language,
            now=p.asked,
        )
        if not thread.answers:
            return
        clock = p.asked
        item = await Escalation.get_or_none(open_key=open_key(question.id, EscalationReason.URGENT))
        urgent = item is not None
        if item is not None:
            clock += self.minutes(3, 15)
            await check_claim(item, acting_user=p.handler, now=clock)
        elif thread.staff == 0:
            # Nobody answered within the board's SLA: the sweep handed the question to staff.
            clock += timedelta(hours=board.sla_hours) + self.minutes(1, 10)
            await sweep_escalations(clock)
            key = open_key(question.id, EscalationReason.UNANSWERED)
            item = await Escalation.get(open_key=key)
            clock += self.minutes(5, 30)
            await check_claim(item, acting_user=p.handler, now=clock)
        answers: list[Answer] = []
        for k, (body, author) in enumerate(zip(thread.answers, p.authors, strict=True)):
            assert author is not None
            if k == thread.staff:
                if item is None:
                    # No solution after a day: the asker pressed "Ask staff".
                    clock = max(clock, p.asked + timedelta(hours=24)) + self.minutes(30, 360)
                    item_id, _created = await check_ask_staff(
                        question, acting_user=p.asker, now=clock
                    )
                    item = await Escalation.get(id=item_id)
                    clock += self.minutes(10, 40)
                    await check_claim(item, acting_user=p.handler, now=clock)
                clock += timedelta(hours=5, minutes=30) if p.late else self.minutes(15, 90)
            elif p.fast_accept and k == thread.accepted:
                clock += timedelta(minutes=7)
            elif urgent:
                clock += self.minutes(5, 45)
            else:
                clock += self.minutes(15, 300) if k == 0 else self.minutes(30, 900)
            answer = await do_create_answer(
                question.id, acting_user=author, body=body, now=self.at(clock)
            )
            answers.append(answer)
            if p.fast_accept and k == thread.accepted:
                moment = answer.created_at + timedelta(seconds=40)
                await do_accept_answer(question, answer, acting_user=p.asker, now=moment)
        await self._kudos(p, answers)
        clock += self.minutes(30, 1200)
        if thread.accepted is not None and not p.fast_accept:
            chosen = answers[thread.accepted]
            await do_accept_answer(question, chosen, acting_user=p.asker, now=self.at(clock))
        elif thread.accepted is None and item is not None:
            await check_resolve(
                item,
                resolution=Resolution.ANSWERED_BY_STAFF.value,
                note="Answered; passed on to the team." if board.slug == "ideas" else "Answered.",
                acting_user=p.handler,
                now=self.at(clock),
            )

    async def _kudos(self, p: _Plan, answers: list[Answer]) -> None:
        """Kudos mostly on the answer that solved it, often from the asker too."""
        rng = self.rng
        for k, answer in enumerate(answers):
            if answer.author_id in self.quiet:  # type: ignore[attr-defined]
                continue
            solved = k == p.thread.accepted
            count = rng.randint(1, 4) if solved else rng.choice((0, 0, 1, 2))
            givers = rng.sample(self.members, count)
            if solved and rng.random() < 0.6:
                givers.append(p.asker)
            for giver in givers:
                moment = self.at(answer.created_at + self.minutes(20, 2880))
                try:
                    await do_give_kudos(answer, acting_user=giver, now=moment)
                except ForumError:
                    continue  # own answer or already given: a real member would skip it too

    async def queue_today(self, unanswered: list[_Plan]) -> None:
        """The sweep runs every minute: replay the runs that escalated the recent unanswered
        questions and counted the breach, then a staff member claims the newest item."""
        hours = get_settings().first_response_hours
        moments = {self.now}
        for p in unanswered:
            board = self.boards[p.thread.board]
            opened = p.asked if board.urgent else p.asked + timedelta(hours=board.sla_hours)
            opened += timedelta(minutes=1)
            due = opened + timedelta(hours=hours)
            moments.update(m for m in (opened, due) if m <= self.now)
        for moment in sorted(moments):
            await sweep_escalations(moment)
        newest = await Escalation.filter(state=EscalationState.OPEN).order_by("-opened_at").first()
        if newest is not None:
            moment = min(newest.opened_at + timedelta(minutes=10), self.now)
            await check_claim(newest, acting_user=self.staff[0], now=moment)


async def seed_demo(
    auth: Auth, *, now: datetime | None = None, seed: int = 7
) -> list[tuple[str, str]]:
    """Fill an empty database with the demo community. Returns the logins to print: (username,
    role), where a member's "role" says what to look at: their rank (guru, expert, helper,
    new), "forfeit" (finance forfeited a payout line) or "held" (a line waits for review)."""
    rng = random.Random(seed)
    now = now or utcnow()
    kind = get_settings().payout_period
    last = previous(period_of(now, kind), kind)
    earlier = previous(last, kind)
    founded = min(now - timedelta(days=90), earlier.cutoff - timedelta(days=60))
    founded -= timedelta(days=30)
    password_hash = await auth.hash_password(DEMO_PASSWORD)

    async def make(
        name: str, role: Role, locale: str = "en", *, address: str = "", at: datetime = founded
    ) -> User:
        return await do_create_user(
            auth,
            username=name,
            email=f"{name}@example.com",
            password="",
            role=role,
            locale=locale,
            address=address,
            password_hash=password_hash,
            confirmed=True,
            now=at,
        )

    admin = await make("admin", Role.ADMIN)
    staff = [await make(n, Role.STAFF) for n in ("sam.staff", "noor.staff")]
    finance = [await make(n, Role.FINANCE) for n in ("fiona.finance", "frank.finance")]
    members = [
        await make(f"{n}{i}", Role.MEMBER, "nl" if i % 2 == 0 else "en")
        for i, n in enumerate(_FIRST * 2)
    ]
    joined = last.cutoff - timedelta(days=12)
    suspect = await make("zoe.newbie", Role.MEMBER, address="198.51.100.23", at=joined)
    kevin, second = [
        await make(name, Role.MEMBER, "nl", address="203.0.113.77", at=founded + timedelta(days=d))
        for name, d in (("kevin.v", 3), ("kev.vos", 5))
    ]
    demo = _Demo(rng, now, boards=await Board.all(), staff=staff, members=members)
    plans = demo.plan(suspect=suspect, ring=(kevin, second), earlier=earlier)
    for plan in sorted(plans, key=lambda p: p.asked):
        await demo.play(plan)
    await demo.queue_today([p for p in plans if not p.thread.answers])
    await _demo_payouts(rng, members, finance, forfeit=kevin, now=now)
    await award_badges(now)
    # The demo's history is not mailed to its made-up addresses; what happens from now on is.
    await Notification.filter(mailed_at=None).update(mailed_at=now)
    named = {m.username: m for m in members}
    helpers = Counter(
        p.authors[p.thread.accepted].username  # type: ignore[union-attr]
        for p in plans
        if p.thread.accepted is not None and p.authors[p.thread.accepted] in members
    )
    helper = next(n for n, _ in helpers.most_common() if n not in (_GURU, _EXPERT))
    logins = [(u, u.role.value) for u in [admin, *staff, *finance]] + [
        (named[_GURU], "guru"),
        (named[_EXPERT], "expert"),
        (named[helper], "helper"),
        (named[_NEWCOMER], "new"),
        (kevin, "forfeit"),
        (suspect, "held"),
    ]
    return [(u.username, label) for u, label in logins]


_DEMO_PAYOUT_CHOICES = [
    ("cash", "NL91 ABNA 0417 1643 00"),
    ("charity", "Red Cross"),
    ("charity", "KWF Kankerbestrijding"),
]


async def _demo_payouts(
    rng: random.Random, members: list[User], finance: list[User], *, forfeit: User, now: datetime
) -> None:
    """Some members paid in cash or to a charity; each finished period gets its recruits'
    Payback, closes the night after its cut-off and (but the newest) is reviewed, approved by
    both finance officers and paid within the week. The newest waits for its second approver."""
    settings = get_settings()
    for member, (method, address) in zip(members[1::4], _DEMO_PAYOUT_CHOICES * 4, strict=False):
        await check_update_profile(settings, member, payout_method=method, payout_address=address)
    first = await Transfer.all().order_by("created_at").first()
    if first is None:
        return
    periods = finished_periods(now, settings.payout_period, since=first.created_at)
    maker, checker = finance
    for period in periods:
        for member, recruits in zip(rng.sample(members, len(_RECRUITS)), _RECRUITS, strict=True):
            await check_post_adjustment(
                member,
                points=recruits * _POINTS_PER_RECRUIT,
                reason=f"Payback for recruits: {recruits} SIMs you sent were activated "
                f"({period.label}).",
                acting_user=maker,
                key=f"recruits:{period.label}:{member.id}",
                now=period.cutoff - timedelta(days=3),
            )
    for period in periods:
        await close_finished_periods(min(period.cutoff + timedelta(hours=1), now))
        batch = await PayoutBatch.get(period=period.label)
        reviewed = min(period.cutoff + timedelta(days=2), now)
        if period == periods[-1]:
            await check_approve_batch(batch, acting_user=maker, now=reviewed)
            continue
        for line in await PayoutLine.filter(batch_id=batch.id, state=LineState.HELD):
            if line.member_id == forfeit.id:  # type: ignore[attr-defined]
                action, reason = "forfeit", "His second account accepted his answers."
            else:
                action, reason = "release", "Checked: nothing wrong."
            await check_decide_line(
                batch, line, action, reason=reason, acting_user=maker, now=reviewed
            )
        await batch.refresh_from_db()
        for officer in finance:
            if batch.state == BatchState.REVIEW:
                moment = reviewed + timedelta(hours=2)
                batch = await check_approve_batch(batch, acting_user=officer, now=moment)
        await check_mark_paid(
            batch,
            reference=f"DEMO-{batch.period}",
            acting_user=checker,
            now=min(period.cutoff + timedelta(days=5), now),
        )


def _progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _chunks(total: int, size: int) -> Iterator[range]:
    for lo in range(0, total, size):
        yield range(lo, min(lo + size, total))


async def seed_bulk(
    auth: Auth, *, members: int, questions: int, answers: int, now: datetime | None = None
) -> None:
    """Rows for load tests, written in batches with a progress bar; not through the actions."""
    rng = random.Random(11)
    now = now or utcnow()
    password_hash = await auth.hash_password(DEMO_PASSWORD)
    boards = await Board.all().order_by("position")
    base = await User.all().count()
    for chunk in _chunks(members, 1000):
        await User.bulk_create(
            [
                User(
                    username=f"bulk{base + i}",
                    username_key=f"bulk{base + i}",
                    email=f"bulk{base + i}@example.com",
                    password_hash=password_hash,
                    email_confirmed_at=now - timedelta(days=200),
                    created_at=now - timedelta(days=200),
                )
                for i in chunk
            ]
        )
        _progress("members", chunk.stop, members)
    user_ids = list(await User.filter(username__startswith="bulk").values_list("id", flat=True))
    body = "Bulk question body with **some** markdown to render and a bit more text."
    html = render_markdown(body)
    span = 365 * 24 * 3600
    first_q = await Question.all().order_by("-id").first()
    q_base = first_q.id if first_q else 0
    for chunk in _chunks(questions, 2000):
        rows = []
        for i in chunk:
            at = now - timedelta(seconds=span * (questions - i) // questions)
            rows.append(
                Question(
                    board=boards[i % len(boards)],
                    author_id=rng.choice(user_ids),
                    title=f"Bulk question number {i} about data and coverage",
                    body=body,
                    body_html=html,
                    tags=["bulk"],
                    state=QuestionState.UNANSWERED,
                    created_at=at,
                    updated_at=at,
                    last_activity_at=at,
                )
            )
        await Question.bulk_create(rows)
        _progress("questions", chunk.stop, questions)
    q_ids = list(await Question.filter(id__gt=q_base).values_list("id", "created_at"))
    per_question: dict[int, int] = {}
    for chunk in _chunks(answers, 2000):
        rows_a = []
        for _ in chunk:
            qid, asked = rng.choice(q_ids)
            per_question[qid] = per_question.get(qid, 0) + 1
            at = asked + timedelta(minutes=5 * per_question[qid])
            rows_a.append(
                Answer(
                    question_id=qid,
                    author_id=rng.choice(user_ids),
                    body="A bulk answer.",
                    body_html="<p>A bulk answer.</p>",
                    created_at=at,
                    updated_at=at,
                )
            )
        await Answer.bulk_create(rows_a)
        _progress("answers", chunk.stop, answers)
    # Counters in one statement per value, so list pages show the right numbers.
    by_count: dict[int, list[int]] = {}
    for qid, n in per_question.items():
        by_count.setdefault(n, []).append(qid)
    for n, ids in by_count.items():
        for lo in range(0, len(ids), 500):
            await Question.filter(id__in=ids[lo : lo + 500]).update(
                answer_count=n, other_answer_count=n, state=QuestionState.ANSWERED
            )
    for board in boards:
        await Board.filter(id=board.id).update(
            question_count=await Question.filter(board_id=board.id).count()
        )
    await follow_all_participants()  # askers and answerers follow, as through the actions
    # Fresh statistics, so the planner uses the list indexes right away (autovacuum may be off).
    await Tortoise.get_connection("default").execute_script("ANALYZE")
