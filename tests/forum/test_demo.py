"""The demo community (`run.py` on an empty database): the corpus' threads on their boards,
answered and accepted as written, a staff queue in the state a real team leaves it, finance
with paid periods and a batch in review, and printed logins that show every rank."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from forum.auth import Auth
from forum.demo_corpus import DUTCH, ENGLISH, TAGS, THREADS
from forum.jobs import sweep_escalations
from forum.member_queries import Record, records
from forum.models import Answer, Escalation, EscalationState, Kudos, Question, Role, User
from forum.ranks import rank_of
from forum.seed import seed_demo
from forum.settings import get_settings
from rewards.actions.payout_approvals import payable_cents, required_approvals, valid_approvers
from rewards.models import BatchState, LineState, PayoutBatch, PayoutLine, PayoutSignal, Transfer
from tests.conftest import make_settings, running_app

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


def test_the_corpus_has_sixty_threads_a_language_with_unique_titles_and_board_tags() -> None:
    assert len(ENGLISH) >= 60 and len(DUTCH) >= 60
    assert {t.language for t in ENGLISH} == {"en"} and {t.language for t in DUTCH} == {"nl"}
    assert len({t.title for t in THREADS}) == len(THREADS)
    for thread in THREADS:
        assert set(thread.tags) <= set(TAGS[thread.board]) and len(thread.tags) <= 3
        assert len(thread.answers) <= 3
        if thread.answers:
            assert thread.accepted is None or 0 <= thread.accepted < len(thread.answers)
            assert thread.staff is None or 0 <= thread.staff < len(thread.answers)
        else:
            assert thread.accepted is None and thread.staff is None


async def test_demo_plays_every_thread_on_its_board_with_the_marked_answer_accepted(
    auth: Auth,
) -> None:
    await seed_demo(auth, now=NOW)
    corpus = {t.title: t for t in THREADS}
    questions = await Question.all().prefetch_related("board", "author")
    assert Counter(q.language for q in questions) == {"en": len(ENGLISH), "nl": len(DUTCH)}
    assert sorted(q.title for q in questions) == sorted(corpus)  # each once, no other
    answers: dict[int, list[Answer]] = {}
    for answer in await Answer.all().order_by("created_at", "id"):
        answers.setdefault(answer.question_id, []).append(answer)  # type: ignore[attr-defined]
    for question in questions:
        thread = corpus[question.title]
        assert question.board.slug == thread.board, question.title
        assert question.author.locale == thread.language, question.title
        assert question.tags == list(thread.tags)
        written = answers.get(question.id, [])
        assert [a.body for a in written] == list(thread.answers), question.title
        assert [a.is_staff for a in written] == [k == thread.staff for k in range(len(written))]
        assert question.author_id not in {a.author_id for a in written}  # type: ignore[attr-defined]
        if thread.accepted is None:
            assert question.accepted_answer_id is None, question.title
        else:
            assert question.accepted_answer_id == written[thread.accepted].id, question.title
    # Spread over the last 90 days, nothing after the seed's moment; good answers got kudos.
    assert min(q.created_at for q in questions) >= NOW - timedelta(days=90)
    assert max(q.created_at for q in questions) <= NOW
    for model in (Answer, Kudos, Transfer):
        assert all(at <= NOW for at in await model.all().values_list("created_at", flat=True))
    assert all(at <= NOW for at in await Escalation.all().values_list("opened_at", flat=True))
    assert await Kudos.all().count() > len(THREADS)


async def test_after_the_demo_the_sweep_leaves_a_handful_of_items_and_two_recent_breaches(
    auth: Auth,
) -> None:
    await seed_demo(auth, now=NOW)
    await sweep_escalations(NOW)
    items = await Escalation.all()

    def kinds(found: list[Escalation]) -> list[tuple[str, str]]:
        return sorted((e.reason.value, e.state.value) for e in found)

    waiting = [e for e in items if e.state != EscalationState.RESOLVED]
    # Five open, one of them claimed, all opened within the last day: nothing old left.
    assert kinds(waiting) == [
        ("unanswered", "claimed"), ("unanswered", "open"), ("unanswered", "open"),
        ("unanswered", "open"), ("urgent", "open"),
    ]  # fmt: skip
    assert all(e.opened_at > NOW - timedelta(days=1) for e in waiting)
    # Two breaches, both recent: a question that waited overnight, and an "Ask staff" answered
    # an hour and a half late (resolved since).
    breached = [e for e in items if e.breached]
    assert kinds(breached) == [("requested", "resolved"), ("unanswered", "open")]
    assert all(e.breached_at and e.breached_at > NOW - timedelta(days=4) for e in breached)
    resolved = [e for e in items if e.state == EscalationState.RESOLVED]
    assert len(resolved) == 27
    assert len([e for e in resolved if e.breached]) == 1  # the rest within their time


async def test_demo_finance_paid_earlier_periods_and_one_waits_for_its_second_approver(
    auth: Auth,
) -> None:
    logins = dict(await seed_demo(auth, now=NOW))
    *earlier, newest = await PayoutBatch.all().order_by("cutoff")
    assert earlier and all(b.state == BatchState.PAID for b in earlier)
    assert newest.state == BatchState.REVIEW
    held = await PayoutLine.filter(batch_id=newest.id, state=LineState.HELD)
    assert held and await PayoutSignal.filter(line_id__in=[line.id for line in held]).exists()
    assert await payable_cents(newest) > get_settings().two_approver_cents
    assert await required_approvals(newest) == 2
    assert len(await valid_approvers(newest)) == 1
    forfeited = await PayoutLine.filter(state=LineState.FORFEITED).prefetch_related("member")
    assert [line.member.username for line in forfeited] == [
        name for name, label in logins.items() if label == "forfeit"
    ]
    assert forfeited[0].batch_id in {b.id for b in earlier}  # type: ignore[attr-defined]


async def test_demo_logins_show_a_member_of_every_rank(auth: Auth) -> None:
    logins = await seed_demo(auth, now=NOW)
    printed = await User.filter(username__in=[name for name, _ in logins], role=Role.MEMBER)
    found = await records([m.id for m in printed])
    ranks = {
        m.username: rank_of(
            m.role,
            found.get(m.id, Record()).points_earned,
            found.get(m.id, Record()).accepted_answers,
        )
        for m in printed
    }
    assert {"new", "helper", "expert", "guru"} <= set(ranks.values())
    for name, label in logins:
        if label in ("new", "helper", "expert", "guru"):
            assert ranks[name] == label


async def test_with_semiannual_periods_the_demo_has_a_paid_period_and_one_in_review() -> None:
    async with running_app(make_settings(payout_period="semiannual")) as app:
        await seed_demo(app.state.auth, now=NOW)
        states = [b.state for b in await PayoutBatch.all().order_by("cutoff")]
        assert states[-1] == BatchState.REVIEW and BatchState.PAID in states[:-1]
