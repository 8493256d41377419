"""The points ledger: accounts with cached balances and append-only, double-entry transfers.

A transfer moves a positive `amount` from its `debit` account (balance goes down) to its `credit`
account (balance goes up). Points enter circulation only from `pool`; every transfer carries a
unique idempotency key derived from its cause; a reversal points at its original (`reverses`,
unique: an original is reversed at most once). The database refuses UPDATE and DELETE of a
transfer, a non-positive amount and a transfer from an account to itself (migration
0002).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from forum.models import User


class AccountKind(StrEnum):
    POOL = "pool"
    MEMBER = "member"
    RESERVED = "payout:reserved"
    PAID = "payout:paid"


class TransferKind(StrEnum):
    ACCEPT_ANSWERER = "accept_answerer"
    ACCEPT_ASKER = "accept_asker"
    KUDOS = "kudos"
    ADJUSTMENT = "adjustment"
    REVERSAL = "reversal"
    FRAUD_REVERSAL = "fraud_reversal"
    # Payouts (rewards/actions/payouts.py): member -> payout:reserved at the close, back to the
    # member on reject/defer/return, to the pool on forfeit, to payout:paid once paid.
    PAYOUT_RESERVE = "payout_reserve"
    PAYOUT_RELEASE = "payout_release"
    PAYOUT_FORFEIT = "payout_forfeit"
    PAYOUT_PAID = "payout_paid"


# Kinds that issue points from the pool to a member: what a fraud reversal takes back.
AWARD_KINDS = (TransferKind.ACCEPT_ANSWERER, TransferKind.ACCEPT_ASKER, TransferKind.KUDOS)
REVERSAL_KINDS = (TransferKind.REVERSAL, TransferKind.FRAUD_REVERSAL)


class LedgerAccount(Model):
    id = fields.IntField(primary_key=True)
    # "pool", "payout:reserved", "payout:paid" or "member:<user id>".
    key = fields.CharField(max_length=40, unique=True)
    kind = fields.CharEnumField(AccountKind, max_length=20)
    user: fields.OneToOneNullableRelation[User] = fields.OneToOneField(
        "forum.User", related_name="ledger_account", null=True, on_delete=fields.RESTRICT
    )
    # Cached sum of this account's transfers, updated in the transfer's own transaction.
    balance = fields.BigIntField(default=0)
    # For member accounts: their points sitting in payout:reserved, and paid out to date.
    reserved = fields.BigIntField(default=0)
    paid = fields.BigIntField(default=0)

    class Meta:
        table = "ledger_accounts"


class Transfer(Model):
    id = fields.BigIntField(primary_key=True)
    debit: fields.ForeignKeyRelation[LedgerAccount] = fields.ForeignKeyField(
        "rewards.LedgerAccount", related_name="debits", on_delete=fields.RESTRICT
    )
    credit: fields.ForeignKeyRelation[LedgerAccount] = fields.ForeignKeyField(
        "rewards.LedgerAccount", related_name="credits", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()
    kind = fields.CharEnumField(TransferKind, max_length=20)
    key = fields.CharField(max_length=120, unique=True)
    # The cause, e.g. "acceptance:12", "kudos:40", "adjustment:<uuid>": shared by an original and
    # its reversal.
    ref = fields.CharField(max_length=80)
    reverses: fields.OneToOneNullableRelation[Transfer] = fields.OneToOneField(
        "rewards.Transfer", related_name="reversed_by", null=True, on_delete=fields.RESTRICT
    )
    # The member whose points these are (every transfer touching a member account names them).
    member: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="ledger_entries", null=True, on_delete=fields.RESTRICT
    )
    question_id = fields.IntField(null=True)
    answer_id = fields.IntField(null=True)
    reason = fields.CharField(max_length=500, default="")
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="ledger_actions", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "ledger_transfers"
        indexes = [
            Index(fields=("member_id", "created_at", "id"), name="transfer_member"),
            Index(fields=("member_id", "kind", "created_at"), name="transfer_member_kind_day"),
            Index(fields=("ref",), name="transfer_ref"),
            Index(fields=("created_at",), name="transfer_created"),
            Index(fields=("debit_id", "amount"), name="transfer_debit_amount"),
            Index(fields=("credit_id", "amount"), name="transfer_credit_amount"),
        ]


class BatchState(StrEnum):
    CLOSING = "closing"  # the close is writing lines (a crashed close resumes it)
    REVIEW = "review"  # finance reviews lines and approves
    APPROVED = "approved"  # enough valid approvals: export, then mark paid
    PAYING = "paying"  # mark-paid is moving lines (a crashed run resumes it)
    PAID = "paid"


class LineState(StrEnum):
    PENDING = "pending"  # to be paid once the batch is approved
    HELD = "held"  # never exported or paid until released
    REJECTED = "rejected"  # points back to the member
    FORFEITED = "forfeited"  # fraud confirmed: points back to the pool
    DEFERRED = "deferred"  # points back to the member, next period's line starts held
    PAID = "paid"
    RETURNED = "returned"  # the payment failed or came back: points back to the member


class PayoutBatch(Model):
    """One per period (UNIQUE period: the close's claim, whoever runs it)."""

    id = fields.IntField(primary_key=True)
    period = fields.CharField(max_length=10, unique=True)
    starts_at = fields.DatetimeField()
    cutoff = fields.DatetimeField()
    state = fields.CharEnumField(BatchState, max_length=10, default=BatchState.CLOSING)
    currency = fields.CharField(max_length=3)
    # Cents per point as a fraction, so that amounts are exact integer arithmetic in SQL.
    cents_num = fields.BigIntField()
    cents_den = fields.BigIntField()
    # Bumped by every line change: approvals are bound to the version they approved.
    version = fields.IntField(default=1)
    paid_reference = fields.CharField(max_length=120, default="")
    created_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    paid_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payout_batches"


class PayoutLine(Model):
    id = fields.IntField(primary_key=True)
    batch: fields.ForeignKeyRelation[PayoutBatch] = fields.ForeignKeyField(
        "rewards.PayoutBatch", related_name="lines", on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="payout_lines", on_delete=fields.RESTRICT
    )
    points = fields.BigIntField()
    cents = fields.BigIntField()
    # The member's choice at the close, kept with the line.
    method = fields.CharField(max_length=10)
    address = fields.CharField(max_length=200, default="")
    state = fields.CharEnumField(LineState, max_length=10, default=LineState.PENDING)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="payout_decisions", null=True, on_delete=fields.RESTRICT
    )
    reason = fields.CharField(max_length=500, default="")
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payout_lines"
        unique_together = (("batch", "member"),)
        indexes = [
            Index(fields=("batch_id", "state", "method"), name="payout_line_state"),
            Index(fields=("member_id", "batch_id"), name="payout_line_member"),
        ]


class PayoutSignal(Model):
    """Why the close held a line, with the evidence finance reads (PRODUCT.md §3)."""

    id = fields.IntField(primary_key=True)
    line: fields.ForeignKeyRelation[PayoutLine] = fields.ForeignKeyField(
        "rewards.PayoutLine", related_name="signals", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=30)
    # The English sentence (the API's, and all that rows from before `params` have).
    detail = fields.CharField(max_length=500)
    # The facts the sentence is made of, for showing it in the reader's language
    # (rewards.signals); None on older rows.
    params: dict[str, Any] | None = fields.JSONField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "payout_signals"
        unique_together = (("line", "code"),)


class PayoutDecision(Model):
    """The audit of every review decision, approval, export and payment."""

    id = fields.IntField(primary_key=True)
    batch: fields.ForeignKeyRelation[PayoutBatch] = fields.ForeignKeyField(
        "rewards.PayoutBatch", related_name="decisions", on_delete=fields.RESTRICT
    )
    line: fields.ForeignKeyNullableRelation[PayoutLine] = fields.ForeignKeyField(
        "rewards.PayoutLine", related_name="decisions", null=True, on_delete=fields.RESTRICT
    )
    action = fields.CharField(max_length=20)
    actor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="payout_audit", on_delete=fields.RESTRICT
    )
    reason = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "payout_decisions"
        indexes = [Index(fields=("batch_id", "created_at"), name="payout_decision_batch")]


class PayoutApproval(Model):
    """An approval counts only while the batch is at the version it approved."""

    id = fields.IntField(primary_key=True)
    batch: fields.ForeignKeyRelation[PayoutBatch] = fields.ForeignKeyField(
        "rewards.PayoutBatch", related_name="approvals", on_delete=fields.RESTRICT
    )
    approver: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="payout_approvals", on_delete=fields.RESTRICT
    )
    version = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "payout_approvals"
        unique_together = (("batch", "approver", "version"),)


class PeriodSnapshot(Model):
    """A paid period's report as it stood when its batch was paid (PRODUCT.md §3): written once
    (UNIQUE period) in the transaction that marks the batch paid, and shown from then on instead
    of a recomputation. Later changes appear in the report of the period they happen in."""

    id = fields.IntField(primary_key=True)
    period = fields.CharField(max_length=10, unique=True)
    batch: fields.OneToOneRelation[PayoutBatch] = fields.OneToOneField(
        "rewards.PayoutBatch", related_name="snapshot", on_delete=fields.RESTRICT
    )
    figures: dict[str, Any] = fields.JSONField()  # type: ignore[assignment]
    created_at = fields.DatetimeField()

    class Meta:
        table = "period_snapshots"


class AppealState(StrEnum):
    OPEN = "open"  # waits for finance
    UPHELD = "upheld"  # the decision stands
    OVERTURNED = "overturned"  # the points are paid after all (rewards.actions.appeals)
    WITHDRAWN = "withdrawn"  # the member's account was erased before finance answered


class PayoutAppeal(Model):
    """A member's appeal against their held, rejected or forfeited payout line: one per line
    (UNIQUE), answered once by finance with a reason the member reads on their statement."""

    id = fields.IntField(primary_key=True)
    line: fields.OneToOneRelation[PayoutLine] = fields.OneToOneField(
        "rewards.PayoutLine", related_name="appeal", on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="payout_appeals", on_delete=fields.RESTRICT
    )
    message = fields.TextField()
    state = fields.CharEnumField(AppealState, max_length=10, default=AppealState.OPEN)
    answer = fields.CharField(max_length=500, default="")
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="appeal_decisions", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payout_appeals"
        indexes = [Index(fields=("state", "created_at"), name="payout_appeal_state")]
