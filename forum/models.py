"""Forum data: accounts, boards, questions, answers, kudos, acceptances and revisions.

Uniqueness and the one-accepted-answer rule live here as database constraints.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Role(StrEnum):
    MEMBER = "member"
    STAFF = "staff"
    FINANCE = "finance"
    ADMIN = "admin"


class PayoutMethod(StrEnum):
    CREDIT = "credit"
    CASH = "cash"
    CHARITY = "charity"


class QuestionState(StrEnum):
    UNANSWERED = "unanswered"
    ANSWERED = "answered"
    SOLVED = "solved"
    LOCKED = "locked"


class Visibility(StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"  # by flags or by staff, pending review: only staff and the author see it
    REMOVED = "removed"  # staff confirmed the flags or removed it: its author's points reversed


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=30)
    # Lower-cased username: makes "Anna" and "anna" the same account name, in the database.
    username_key = fields.CharField(max_length=30, unique=True)
    email = fields.CharField(max_length=254)
    password_hash = fields.CharField(max_length=255)
    display_name = fields.CharField(max_length=60, default="")
    role = fields.CharEnumField(Role, max_length=10, default=Role.MEMBER)
    locale = fields.CharField(max_length=5, default="en")
    payout_method = fields.CharEnumField(PayoutMethod, max_length=10, default=PayoutMethod.CREDIT)
    payout_address = fields.CharField(max_length=200, default="")
    # Bumped on password change and suspension: every older session cookie stops working.
    session_version = fields.IntField(default=1)
    suspended_at = fields.DatetimeField(null=True)
    suspended_reason = fields.CharField(max_length=500, default="")
    signup_address = fields.CharField(max_length=45, default="")
    # Notifications are also sent by e-mail unless the member turned that off.
    email_notifications = fields.BooleanField(default=True)
    # When the member opened the link mailed to `email`; until then only that link is mailed.
    email_confirmed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    # Erased at the member's request (forum.actions.data_rights): a pseudonym, no personal data.
    erased_at = fields.DatetimeField(null=True)

    class Meta:
        table = "users"

    @property
    def name(self) -> str:
        return self.display_name or self.username


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    # sha256 of the token: the token itself is shown once and never stored.
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"


class Board(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=50, unique=True)
    name = fields.CharField(max_length=100)
    description = fields.CharField(max_length=500, default="")
    # Dutch pages show these; empty falls back to the English (forum.web's `localized`).
    # db_default: the columns are added to tables that have rows already.
    name_nl = fields.CharField(max_length=100, default="", db_default="")
    description_nl = fields.CharField(max_length=500, default="", db_default="")
    sla_hours = fields.IntField(default=12)
    urgent = fields.BooleanField(default=False)
    position = fields.IntField(default=0)
    question_count = fields.IntField(default=0)

    class Meta:
        table = "boards"


class Question(Model):
    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "forum.Board", related_name="questions", on_delete=fields.RESTRICT
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="questions", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    body_html = fields.TextField()
    tags: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    language = fields.CharField(max_length=5, default="en")
    # Derived by forum.actions.questions.derive_state from the facts below, never set by hand.
    state = fields.CharEnumField(QuestionState, max_length=12, default=QuestionState.UNANSWERED)
    answer_count = fields.IntField(default=0)
    # Answers by anyone but the asker: what makes a question "answered".
    other_answer_count = fields.IntField(default=0)
    accepted_answer_id = fields.IntField(null=True)
    # Closed as a duplicate of this question (forum.actions.duplicates): locked, and it says so.
    duplicate_of_id = fields.IntField(null=True)
    locked_at = fields.DatetimeField(null=True)
    visibility = fields.CharEnumField(Visibility, max_length=8, default=Visibility.VISIBLE)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    last_activity_at = fields.DatetimeField()

    class Meta:
        table = "questions"
        indexes = [
            Index(fields=("created_at", "id"), name="question_created"),
            Index(fields=("last_activity_at", "id"), name="question_activity"),
            Index(fields=("state", "created_at", "id"), name="question_state_created"),
            Index(fields=("state", "last_activity_at", "id"), name="question_state_activity"),
            Index(fields=("board_id", "created_at", "id"), name="question_board_created"),
            Index(fields=("board_id", "last_activity_at", "id"), name="question_board_activity"),
            Index(
                fields=("board_id", "state", "created_at", "id"),
                name="question_board_state_created",
            ),
            Index(
                fields=("board_id", "state", "last_activity_at", "id"),
                name="question_board_state_activity",
            ),
            Index(fields=("author_id", "created_at"), name="question_author_created"),
        ]


class Answer(Model):
    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "forum.Question", related_name="answers", on_delete=fields.RESTRICT
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="answers", on_delete=fields.RESTRICT
    )
    body = fields.TextField()
    body_html = fields.TextField()
    # Staff answers are marked "Staff" for good, even if the author's role changes later.
    is_staff = fields.BooleanField(default=False)
    kudos_count = fields.IntField(default=0)
    visibility = fields.CharEnumField(Visibility, max_length=8, default=Visibility.VISIBLE)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "answers"
        indexes = [
            Index(fields=("question_id", "created_at", "id"), name="answer_question_created"),
            Index(fields=("author_id", "created_at"), name="answer_author_created"),
        ]


class Kudos(Model):
    id = fields.IntField(primary_key=True)
    answer: fields.ForeignKeyRelation[Answer] = fields.ForeignKeyField(
        "forum.Answer", related_name="kudos", on_delete=fields.RESTRICT
    )
    giver: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="kudos_given", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "kudos"
        unique_together = (("answer", "giver"),)


# One row per accept event; the ledger keys its awards on this id. `active_question_id` equals
# `question_id` while the acceptance stands and is NULL once it is cleared or replaced: its UNIQUE
# constraint is the database's "one accepted answer per question".
class Acceptance(Model):
    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "forum.Question", related_name="acceptances", on_delete=fields.RESTRICT
    )
    answer: fields.ForeignKeyRelation[Answer] = fields.ForeignKeyField(
        "forum.Answer", related_name="acceptances", on_delete=fields.RESTRICT
    )
    accepted_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="acceptances_made", on_delete=fields.RESTRICT
    )
    active_question_id = fields.IntField(null=True, unique=True)
    created_at = fields.DatetimeField()
    cleared_at = fields.DatetimeField(null=True)
    cleared_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="acceptances_cleared", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "acceptances"
        indexes = [Index(fields=("question_id", "created_at"), name="acceptance_question")]


# The text a post had before an edit: who changed it, when, and what it was.
class Revision(Model):
    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyNullableRelation[Question] = fields.ForeignKeyField(
        "forum.Question", related_name="revisions", null=True, on_delete=fields.RESTRICT
    )
    answer: fields.ForeignKeyNullableRelation[Answer] = fields.ForeignKeyField(
        "forum.Answer", related_name="revisions", null=True, on_delete=fields.RESTRICT
    )
    editor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="revisions", on_delete=fields.RESTRICT
    )
    old_title = fields.CharField(max_length=200, default="")
    old_body = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "revisions"
        indexes = [
            Index(fields=("question_id", "created_at"), name="revision_question"),
            Index(fields=("answer_id", "created_at"), name="revision_answer"),
        ]


# Who did what to whom, for staff and admin actions (role changes, suspensions).
class AuditEntry(Model):
    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="audit_actions", on_delete=fields.RESTRICT
    )
    action = fields.CharField(max_length=50)
    target_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="audit_targets", null=True, on_delete=fields.RESTRICT
    )
    detail = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "audit_entries"
        indexes = [Index(fields=("created_at",), name="audit_created")]


class EscalationReason(StrEnum):
    UNANSWERED = "unanswered"  # nobody but the asker answered within the board's SLA
    REQUESTED = "requested"  # the asker pressed "Ask staff"
    FLAGGED = "flagged"  # a post reached the flag threshold (moderation)
    URGENT = "urgent"  # an urgent board, or an urgent keyword in the question


class EscalationState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


class Resolution(StrEnum):
    ANSWERED_BY_STAFF = "answered_by_staff"
    ANSWERED_BY_COMMUNITY = "answered_by_community"
    DUPLICATE = "duplicate"
    NO_ACTION = "no_action"


class SlaTimer(Model):
    """When a question's board SLA runs out: written with the question, read by the sweep through
    its index on `due_at` (so a sweep costs what is due, not what exists), and deleted once seen."""

    id = fields.IntField(primary_key=True)
    question: fields.OneToOneRelation[Question] = fields.OneToOneField(
        "forum.Question", related_name="sla_timer", on_delete=fields.CASCADE
    )
    due_at = fields.DatetimeField()

    class Meta:
        table = "sla_timers"
        indexes = [Index(fields=("due_at",), name="sla_timer_due")]


class Escalation(Model):
    """A staff queue item. `open_key` is "<question>:<reason>" while the item is not resolved and
    NULL after: its UNIQUE constraint is "one open item per question and reason"."""

    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "forum.Question", related_name="escalations", on_delete=fields.RESTRICT
    )
    reason = fields.CharEnumField(EscalationReason, max_length=12)
    state = fields.CharEnumField(EscalationState, max_length=10, default=EscalationState.OPEN)
    open_key = fields.CharField(max_length=40, null=True, unique=True)
    opened_at = fields.DatetimeField()
    # The staff first-response SLA: due by then; `breached` is set once, by the sweep.
    due_at = fields.DatetimeField()
    first_response_at = fields.DatetimeField(null=True)
    breached = fields.BooleanField(default=False)
    breached_at = fields.DatetimeField(null=True)
    claimed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="escalations_claimed", null=True, on_delete=fields.RESTRICT
    )
    claimed_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="escalations_resolved", null=True, on_delete=fields.RESTRICT
    )
    resolution = fields.CharEnumField(Resolution, max_length=24, null=True)
    note = fields.CharField(max_length=1000, default="")

    class Meta:
        table = "escalations"
        indexes = [
            Index(fields=("state", "due_at", "id"), name="escalation_state_due"),
            Index(fields=("claimed_by_id", "state"), name="escalation_claimer"),
            Index(fields=("question_id", "state"), name="escalation_question"),
            Index(fields=("opened_at",), name="escalation_opened"),
            Index(fields=("state", "resolved_at", "id"), name="escalation_state_resolved"),
        ]


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every attempt failed: shown to admins, who may retry it


class WebhookDelivery(Model):
    """The outbox: one event for the configured receiver, written in the transaction of the change
    it announces (so a rolled-back change sends nothing) and sent by the delivery job. A sender
    holds the row's lease (`lease_token` until `lease_until`) while it sends, so two processes
    never send the same delivery at once; `event_id` stays the same across attempts."""

    id = fields.IntField(primary_key=True)
    event_id = fields.CharField(max_length=36, unique=True)
    event = fields.CharField(max_length=40)
    payload = fields.TextField()
    url = fields.CharField(max_length=500)
    state = fields.CharEnumField(DeliveryState, max_length=10, default=DeliveryState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_token = fields.CharField(max_length=32, null=True)
    lease_until = fields.DatetimeField(null=True)
    last_status = fields.IntField(null=True)
    last_error = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_deliveries"
        indexes = [
            Index(fields=("state", "next_attempt_at"), name="webhook_due"),
            Index(fields=("state", "created_at", "id"), name="webhook_state_created"),
            Index(fields=("created_at",), name="webhook_created"),
        ]


class FlagReason(StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"


class FlagState(StrEnum):
    OPEN = "open"  # counts towards hiding the post
    DISMISSED = "dismissed"  # staff restored the post
    UPHELD = "upheld"  # staff removed the post


class Flag(Model):
    """A member's flag on a question or an answer. `post_key` is "question:<id>" or
    "answer:<id>": UNIQUE(post_key, flagger) is "a member flags a post once"."""

    id = fields.IntField(primary_key=True)
    post_key = fields.CharField(max_length=24)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "forum.Question", related_name="flags", on_delete=fields.RESTRICT
    )
    answer: fields.ForeignKeyNullableRelation[Answer] = fields.ForeignKeyField(
        "forum.Answer", related_name="flags", null=True, on_delete=fields.RESTRICT
    )
    flagger: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="flags_given", on_delete=fields.RESTRICT
    )
    reason = fields.CharEnumField(FlagReason, max_length=10)
    state = fields.CharEnumField(FlagState, max_length=10, default=FlagState.OPEN)
    created_at = fields.DatetimeField()

    class Meta:
        table = "flags"
        unique_together = (("post_key", "flagger_id"),)
        indexes = [
            Index(fields=("flagger_id", "created_at"), name="flag_flagger_day"),
            Index(fields=("question_id", "state"), name="flag_question"),
        ]


class NotificationKind(StrEnum):
    ANSWER = "answer"  # your question got an answer
    STAFF_REPLY = "staff_reply"  # staff answered your question
    ACCEPTED = "accepted"  # your answer was accepted
    POINTS = "points"  # points awarded (kudos)
    REVERSED = "reversed"  # points reversed
    STATEMENT = "statement"  # your payout for a period was paid: its statement is ready
    REMIND_ACCEPT = "remind_accept"  # your question has answers: accept the one that solved it
    BADGE = "badge"  # you earned a badge (`badge` names it)
    FOLLOW_ANSWER = "follow_answer"  # a question you follow got an answer
    FOLLOW_ACCEPTED = "follow_accepted"  # an answer to a question you follow was accepted
    APPEAL = "appeal"  # finance answered your appeal against a payout line (`period` names it)


class Notification(Model):
    """One line in a member's notifications. `key` names the event ("answer:<id>",
    "remind_accept:<question>", ...): UNIQUE, so an event notifies once however often it runs."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="notifications", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(NotificationKind, max_length=16)
    key = fields.CharField(max_length=60, unique=True)
    question_id = fields.IntField(null=True)
    answer_id = fields.IntField(null=True)
    points = fields.IntField(default=0)
    period = fields.CharField(max_length=10, default="")
    badge = fields.CharField(max_length=20, default="", db_default="")
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)
    # When the mail job turned it into an e-mail (or decided none is due): NULL until then.
    mailed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        indexes = [
            Index(fields=("user_id", "id"), name="notification_user"),
            Index(fields=("user_id", "read_at", "id"), name="notification_unread_id"),
            Index(fields=("mailed_at", "id"), name="notification_unmailed"),
        ]


class Mail(Model):
    """The e-mail outbox: one message, rendered in its recipient's language when it is written
    and sent by the mail job over SMTP (or written to the log when no SMTP server is configured).
    `key` names what it is for ("notification:<id>", "password_reset:<id>"): UNIQUE, so a job
    that runs twice writes it once. Sending holds the row's lease like a webhook delivery.
    A body holding a secret (a reset link) is `redact`ed: blanked once it has been sent."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=60, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="mails", on_delete=fields.CASCADE
    )
    to_address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    body = fields.TextField()
    redact = fields.BooleanField(default=False)
    state = fields.CharEnumField(DeliveryState, max_length=10, default=DeliveryState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_token = fields.CharField(max_length=32, null=True)
    lease_until = fields.DatetimeField(null=True)
    # "smtp", or "log" when it was written to the log for want of an SMTP server.
    sent_via = fields.CharField(max_length=4, default="")
    last_error = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mails"
        indexes = [
            Index(fields=("state", "next_attempt_at"), name="mail_due"),
            Index(fields=("state", "created_at", "id"), name="mail_state_created"),
            Index(fields=("created_at", "id"), name="mail_created"),
            Index(fields=("user_id", "id"), name="mail_user"),
        ]


class EmailChange(Model):
    """A change of e-mail address waiting for its confirmation: a one-time link mailed to the new
    address (only its token's sha256 is kept) that works once, until `expires_at`. Asking again
    ends the member's earlier ones."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="email_changes", on_delete=fields.CASCADE
    )
    user_id: int
    new_email = fields.CharField(max_length=254)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "email_changes"
        indexes = [Index(fields=("user_id", "used_at"), name="email_change_user")]


class PasswordReset(Model):
    """A one-time password reset: the token is mailed, only its sha256 is kept. It works once
    (`used_at`), until `expires_at`; using it, or a new password, ends the member's other resets."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="password_resets", on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_resets"
        indexes = [Index(fields=("user_id", "used_at"), name="password_reset_user")]


class MemberBadge(Model):
    """A badge a member earned (forum.actions.badges): once per member and badge, UNIQUE."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="badges", on_delete=fields.RESTRICT
    )
    badge = fields.CharField(max_length=20)
    awarded_at = fields.DatetimeField()

    class Meta:
        table = "member_badges"
        unique_together = (("user_id", "badge"),)


class QuestionTag(Model):
    """A question's tag, one row each (the question's `tags` keeps their order): the tag page's
    index."""

    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "forum.Question", related_name="tag_rows", on_delete=fields.RESTRICT
    )
    tag = fields.CharField(max_length=30)

    class Meta:
        table = "question_tags"
        unique_together = (("question_id", "tag"),)
        indexes = [Index(fields=("tag", "question_id"), name="question_tag")]


class QuestionFollow(Model):
    """A member follows a question: they hear of its new answers and of its acceptance
    (forum.actions.follows). Asking or answering follows it; `following` false is an unfollow,
    kept so that answering again does not follow it once more."""

    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "forum.Question", related_name="follows", on_delete=fields.RESTRICT
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="follows", on_delete=fields.RESTRICT
    )
    following = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "question_follows"
        unique_together = (("question_id", "user_id"),)
        indexes = [Index(fields=("user_id", "following", "updated_at"), name="follow_user")]


class JobRun(Model):
    """The record of one scheduled job across every process (forum.actions.job_runs): how often
    it ran and failed, and when it last started, succeeded and failed. The operations page
    warns of a scheduler that has stopped from it."""

    job = fields.CharField(max_length=40, primary_key=True)
    runs = fields.IntField(default=0)
    failures = fields.IntField(default=0)
    last_started_at = fields.DatetimeField()
    last_succeeded_at = fields.DatetimeField(null=True)
    last_failed_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    # Seconds the last run took.
    last_seconds = fields.FloatField(default=0)

    class Meta:
        table = "job_runs"
