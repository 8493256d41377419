from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from rewards.models import AppealState


class Migration(migrations.Migration):
    dependencies = [("forum", "0020_appeal_notifications"), ("rewards", "0008_signal_params")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PayoutAppeal",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "line",
                    fields.OneToOneField(
                        "rewards.PayoutLine",
                        source_field="line_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="appeal",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "member",
                    fields.ForeignKeyField(
                        "forum.User",
                        source_field="member_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payout_appeals",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("message", fields.TextField(unique=False)),
                (
                    "state",
                    fields.CharEnumField(
                        default=AppealState.OPEN,
                        description="OPEN: open\nUPHELD: upheld\nOVERTURNED: overturned\nWITHDRAWN: withdrawn",
                        enum_type=AppealState,
                        max_length=10,
                    ),
                ),
                ("answer", fields.CharField(default="", max_length=500)),
                (
                    "decided_by",
                    fields.ForeignKeyField(
                        "forum.User",
                        source_field="decided_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="appeal_decisions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "payout_appeals",
                "app": "rewards",
                "indexes": [Index(fields=["state", "created_at"], name="payout_appeal_state")],
                "pk_attr": "id",
                "table_description": "A member's appeal against their held, rejected or forfeited payout line: one per line",
            },
            bases=["Model"],
        ),
    ]
