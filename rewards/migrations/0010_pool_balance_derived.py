"""The pool's balance is no longer kept in its row: it is minus the sum of the other accounts'
(rewards.queries.pool_balance), so that awards do not all write one row. Its column is zeroed."""

from tortoise import migrations
from tortoise.migrations import operations as ops

UP = "UPDATE ledger_accounts SET balance = 0 WHERE key = 'pool'"
DOWN = """
UPDATE ledger_accounts
SET balance = -(SELECT COALESCE(SUM(o.balance), 0) FROM ledger_accounts o WHERE o.key <> 'pool')
WHERE key = 'pool'
"""


async def install(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(UP)


async def uninstall(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(DOWN)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0009_payout_appeals")]

    operations = [ops.RunPython(install, uninstall)]
