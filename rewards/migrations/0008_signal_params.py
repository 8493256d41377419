"""A payout signal keeps its facts beside its English sentence, so that a page can show the
signal in the reader's language (rewards.signals). Rows written before stay without them."""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("rewards", "0007_period_snapshots")]

    initial = False

    operations = [
        ops.AddField(
            model_name="PayoutSignal",
            name="params",
            field=fields.JSONField(
                null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
            ),
        ),
    ]
