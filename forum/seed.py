"""Demo data: a small, believable community for `run.py seed`, and a bulk path for benchmarks.

The demo goes through the real actions (so every later rule, such as points, holds for it);
the bulk path writes rows directly in large batches and is only for load tests.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta

from tortoise import Tortoise

from forum.actions.acceptance import do_accept_answer
from forum.actions.accounts import do_create_user
from forum.actions.answers import do_create_answer
from forum.actions.kudos import do_give_kudos
from forum.actions.profile import check_update_profile
from forum.actions.questions import do_create_question
from forum.auth import Auth
from forum.clock import utcnow
from forum.errors import ForumError
from forum.jobs import award_badges
from forum.markdown import render_markdown
from forum.models import Answer, Board, Notification, Question, QuestionState, Role, User
from forum.settings import get_settings
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_payments import check_mark_paid
from rewards.jobs import close_finished_periods
from rewards.models import BatchState, PayoutBatch
from rewards.periods import period_of, previous

DEMO_PASSWORD = "peerdesk-demo"  # printed on the console with the demo logins

_EN_TOPICS = [
    (
        "My data stopped working after the update",
        "Since this morning mobile data says connected "
        "but nothing loads. I restarted twice and checked the APN settings. What else can I try?",
    ),
    (
        "How do I move my number to a new SIM?",
        "I am getting a new phone that takes an eSIM. "
        "How do I keep my number, and will my plan carry over?",
    ),
    (
        "Charged twice for my monthly plan",
        "My bank statement shows the plan fee twice this month. "
        "Is this a known problem and how do I get one of them back?",
    ),
    (
        "No signal indoors in the city centre",
        "Outside I have 4 bars, inside my flat it drops to "
        "nothing. Does wifi calling help and how do I switch it on?",
    ),
    (
        "Roaming in Spain: does my allowance work?",
        "Travelling next week. Will my data and minutes "
        "work the same as at home, or do I need an add-on?",
    ),
    (
        "Voicemail keeps saying my box is full",
        "I deleted everything but callers still hear that "
        "my mailbox is full. Any idea how to reset it?",
    ),
    (
        "Can I use my allowance as a hotspot?",
        "I want to share data with my laptop on the train. Is tethering allowed on all plans?",
    ),
    (
        "Top-up not showing on my account",
        "I topped up twenty euros an hour ago, the money left "
        "my account but the balance has not changed.",
    ),
]
_NL_TOPICS = [
    (
        "Mijn simkaart wordt niet herkend",
        "Na het wisselen van telefoon zegt hij 'geen simkaart'. "
        "De kaart zit goed. Moet ik een nieuwe aanvragen?",
    ),
    (
        "Hoe zet ik bellen via wifi aan?",
        "Thuis heb ik slecht bereik. Ik hoorde dat bellen via "
        "wifi helpt, maar ik kan de instelling niet vinden.",
    ),
    (
        "Dubbel afgeschreven deze maand",
        "Op mijn afschrift staat het abonnement twee keer. Hoe krijg ik het geld terug?",
    ),
    (
        "Telefoon gestolen, wat nu?",
        "Mijn telefoon is gisteren gestolen in de trein. Hoe blokkeer "
        "ik mijn sim en houd ik mijn nummer?",
    ),
    (
        "Bundel op in het buitenland",
        "Ik ben in Frankrijk en mijn data is al op. Kan ik een extra bundel kopen vanuit de app?",
    ),
    (
        "Nummer meenemen van een andere provider",
        "Ik wil overstappen en mijn nummer houden. Hoe lang duurt het overzetten?",
    ),
]
_EN_ANSWERS = [
    "Try switching airplane mode on and off, then reset the network settings under "
    "**Settings → General → Reset**. That fixed it for me.",
    "This happens when the APN is wrong. Set it to `internet` and restart.",
    "You can request a replacement SIM from your account page; your number stays the same.",
    "Wifi calling is under *Settings → Phone*. Make sure your plan is active first.",
    "The double charge usually disappears within 3 days: it is a pending authorisation.",
    "Yes, roaming in the EU uses your normal allowance, no add-on needed.",
]
_NL_ANSWERS = [
    "Zet de vliegtuigmodus even aan en weer uit en herstart de telefoon. Bij mij werkte dat.",
    "Je kunt een nieuwe sim aanvragen via je account; je nummer blijft hetzelfde.",
    "Bellen via wifi staat onder *Instellingen → Telefoon*.",
    "Dat is meestal een reservering die na een paar dagen verdwijnt.",
]
_DEVICES = [
    "iPhone 15",
    "Pixel 8",
    "Galaxy A54",
    "Fairphone 5",
    "Moto G84",
    "iPhone SE",
    "Galaxy S24",
    "Nokia G42",
    "Xperia 10",
    "OnePlus 12",
]
_TAGS = ["data", "esim", "billing", "coverage", "roaming", "voicemail", "hotspot", "top-up"]


async def seed_demo(
    auth: Auth, *, now: datetime | None = None, seed: int = 7
) -> list[tuple[str, str]]:
    """Fill an empty database with the demo community; returns (username, role) logins."""
    rng = random.Random(seed)
    now = now or utcnow()
    start = now - timedelta(days=90)
    password_hash = await auth.hash_password(DEMO_PASSWORD)

    async def make(name: str, role: Role, locale: str = "en") -> User:
        return await do_create_user(
            auth,
            username=name,
            email=f"{name}@example.com",
            password="",
            role=role,
            locale=locale,
            password_hash=password_hash,
            confirmed=True,
            now=start - timedelta(days=30),
        )

    admin = await make("admin", Role.ADMIN)
    staff = [await make(n, Role.STAFF) for n in ("sam.staff", "noor.staff")]
    finance = [await make(n, Role.FINANCE) for n in ("fiona.finance", "frank.finance")]
    first = [
        "anna",
        "bram",
        "chloe",
        "daan",
        "emma",
        "finn",
        "grace",
        "hugo",
        "iris",
        "jesse",
        "kim",
        "lars",
        "maya",
        "noah",
        "olivia",
        "pim",
        "quinn",
        "ruby",
        "sem",
        "tess",
    ]
    members = [
        await make(f"{n}{i}", Role.MEMBER, "nl" if i % 3 == 0 else "en")
        for i, n in enumerate(first * 2)
    ]
    boards = await Board.all().order_by("position")

    for i in range(150):
        dutch = i % 4 == 0
        title, body = rng.choice(_NL_TOPICS if dutch else _EN_TOPICS)
        asker = rng.choice(members)
        asked_at = start + timedelta(minutes=rng.randrange(0, 90 * 24 * 60 - 120))
        question = await do_create_question(
            acting_user=asker,
            board=rng.choice(boards),
            title=f"{title} ({rng.choice(_DEVICES)})",
            body=body,
            tags=rng.sample(_TAGS, rng.randrange(0, 3)),
            language="nl" if dutch else "en",
            now=asked_at,
        )
        answers: list[Answer] = []
        for k in range(rng.choice([0, 0, 1, 2, 2, 3, 4])):
            helper = rng.choice([m for m in members if m.id != asker.id] + staff)
            text = rng.choice(_NL_ANSWERS if dutch else _EN_ANSWERS)
            answered_at = min(asked_at + timedelta(minutes=30 + k * rng.randrange(20, 600)), now)
            answers.append(
                await do_create_answer(question.id, acting_user=helper, body=text, now=answered_at)
            )
        for answer in answers:
            for giver in rng.sample(members, rng.randrange(0, 4)):
                try:
                    await do_give_kudos(
                        answer,
                        acting_user=giver,
                        now=min(answer.created_at + timedelta(hours=2), now),
                    )
                except ForumError:
                    continue  # own answer or already given: a real member would skip it too
        if answers and rng.random() < 0.55:
            chosen = rng.choice(answers)
            await do_accept_answer(
                question,
                chosen,
                acting_user=asker,
                now=min(chosen.created_at + timedelta(hours=5), now),
            )
    await _demo_suspect(auth, rng, members, boards, password_hash, now=now)
    await _demo_payouts(members, finance, now=now)
    await award_badges(now)
    # The demo's history is not mailed to its made-up addresses; what happens from now on is.
    await Notification.filter(mailed_at=None).update(mailed_at=now)
    return [(u.username, u.role.value) for u in [admin, *staff, *finance, *members[:3]]]


async def _demo_suspect(
    auth: Auth,
    rng: random.Random,
    members: list[User],
    boards: list[Board],
    password_hash: str,
    *,
    now: datetime,
) -> None:
    """A brand-new account whose answers were accepted within a minute in the last finished
    period: the close holds its line, so finance has a fraud signal to review."""
    last = previous(period_of(now, get_settings().payout_period), get_settings().payout_period)
    joined = last.cutoff - timedelta(days=12)
    suspect = await do_create_user(
        auth,
        username="zoe.newbie",
        email="zoe.newbie@example.com",
        password="",
        role=Role.MEMBER,
        address="198.51.100.23",
        password_hash=password_hash,
        confirmed=True,
        now=joined,
    )
    for k, asker in enumerate(rng.sample(members, 6)):
        asked = joined + timedelta(days=k + 1, hours=rng.randrange(8, 20))
        title, body = rng.choice(_EN_TOPICS)
        question = await do_create_question(
            acting_user=asker,
            board=rng.choice(boards),
            title=f"{title} ({rng.choice(_DEVICES)})",
            body=body,
            tags=[],
            language="en",
            now=asked,
        )
        answer = await do_create_answer(
            question.id,
            acting_user=suspect,
            body=rng.choice(_EN_ANSWERS),
            now=asked + timedelta(minutes=7),
        )
        await do_accept_answer(
            question, answer, acting_user=asker, now=asked + timedelta(minutes=7, seconds=40)
        )


_DEMO_PAYOUT_CHOICES = [
    ("cash", "NL91 ABNA 0417 1643 00"),
    ("charity", "Red Cross"),
    ("charity", "KWF Kankerbestrijding"),
]


async def _demo_payouts(members: list[User], finance: list[User], *, now: datetime) -> None:
    """Some members paid in cash or to a charity; every finished period closed, and all but the
    newest approved by both finance officers and paid, so the newest waits for review."""
    settings = get_settings()
    for member, (method, address) in zip(members[1::4], _DEMO_PAYOUT_CHOICES * 4, strict=False):
        await check_update_profile(settings, member, payout_method=method, payout_address=address)
    await close_finished_periods(now)
    batches = await PayoutBatch.all().order_by("cutoff")
    for batch in batches[:-1]:
        for officer in finance:
            if batch.state == BatchState.REVIEW:
                batch = await check_approve_batch(batch, acting_user=officer, now=now)
        await check_mark_paid(
            batch, reference=f"DEMO-{batch.period}", acting_user=finance[-1], now=now
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
    # Fresh statistics, so the planner uses the list indexes right away (autovacuum may be off).
    await Tortoise.get_connection("default").execute_script("ANALYZE")
