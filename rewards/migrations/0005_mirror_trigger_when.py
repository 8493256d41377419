"""PostgreSQL runs the reversal-mirror check only for reversals (a WHEN clause), instead of
calling the function for every transfer; the check itself is unchanged. SQLite's trigger has had
its WHEN clause since 0002."""

from tortoise import migrations
from tortoise.migrations import operations as ops

UP = [
    "DROP TRIGGER IF EXISTS ledger_transfers_mirror ON ledger_transfers",
    """
    CREATE TRIGGER ledger_transfers_mirror BEFORE INSERT ON ledger_transfers
    FOR EACH ROW WHEN (NEW.reverses_id IS NOT NULL)
    EXECUTE FUNCTION ledger_transfers_mirror_original()
    """,
]
DOWN = [
    "DROP TRIGGER IF EXISTS ledger_transfers_mirror ON ledger_transfers",
    """
    CREATE TRIGGER ledger_transfers_mirror BEFORE INSERT ON ledger_transfers
    FOR EACH ROW EXECUTE FUNCTION ledger_transfers_mirror_original()
    """,
]


async def install(apps, schema_editor) -> None:
    if schema_editor.DIALECT != "sqlite":
        for sql in UP:
            await schema_editor.client.execute_script(sql)


async def uninstall(apps, schema_editor) -> None:
    if schema_editor.DIALECT != "sqlite":
        for sql in DOWN:
            await schema_editor.client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0004_payout_guards")]

    operations = [ops.RunPython(install, uninstall)]
