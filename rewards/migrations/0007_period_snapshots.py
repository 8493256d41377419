import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("forum", "0012_email_confirmed"), ("rewards", "0006_line_reductions")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PeriodSnapshot",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("period", fields.CharField(unique=True, max_length=10)),
                (
                    "batch",
                    fields.OneToOneField(
                        "rewards.PayoutBatch",
                        source_field="batch_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="snapshot",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "figures",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "period_snapshots",
                "app": "rewards",
                "pk_attr": "id",
                "table_description": "A paid period's report as it stood when its batch was paid (PRODUCT.md §3): written once",
            },
            bases=["Model"],
        ),
    ]
