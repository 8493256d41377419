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
            Index(fields=("debit_id", "amount"), name="transfer_debit_amount"),
            Index(fields=("credit_id", "amount"), name="transfer_credit_amount"),
        ]
