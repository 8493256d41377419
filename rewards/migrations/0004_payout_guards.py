"""The database refuses a payout line that pays nothing or more points than it reserves.

PostgreSQL: CHECK constraints. SQLite cannot add a CHECK to an existing table: triggers.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES_UP = [
    "ALTER TABLE payout_lines ADD CONSTRAINT payout_line_positive CHECK (points > 0 AND cents > 0)",
]
POSTGRES_DOWN = ["ALTER TABLE payout_lines DROP CONSTRAINT IF EXISTS payout_line_positive"]
SQLITE_UP = [
    """
    CREATE TRIGGER payout_line_positive BEFORE INSERT ON payout_lines
    WHEN NEW.points <= 0 OR NEW.cents <= 0
    BEGIN SELECT RAISE(ABORT, 'a payout line needs positive points and cents'); END
    """,
    """
    CREATE TRIGGER payout_line_amounts_fixed BEFORE UPDATE OF points, cents ON payout_lines
    BEGIN SELECT RAISE(ABORT, 'a payout line keeps its points and cents'); END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS payout_line_positive",
    "DROP TRIGGER IF EXISTS payout_line_amounts_fixed",
]
POSTGRES_UP += [
    """
    CREATE OR REPLACE FUNCTION payout_line_amounts_fixed() RETURNS trigger AS $$
    BEGIN
        IF NEW.points <> OLD.points OR NEW.cents <> OLD.cents THEN
            RAISE EXCEPTION 'a payout line keeps its points and cents'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER payout_line_amounts_fixed BEFORE UPDATE ON payout_lines
    FOR EACH ROW EXECUTE FUNCTION payout_line_amounts_fixed()
    """,
]
POSTGRES_DOWN += [
    "DROP TRIGGER IF EXISTS payout_line_amounts_fixed ON payout_lines",
    "DROP FUNCTION IF EXISTS payout_line_amounts_fixed()",
]


def _is_sqlite(schema_editor) -> bool:
    return schema_editor.DIALECT == "sqlite"


async def install(apps, schema_editor) -> None:
    for sql in SQLITE_UP if _is_sqlite(schema_editor) else POSTGRES_UP:
        await schema_editor.client.execute_script(sql)


async def uninstall(apps, schema_editor) -> None:
    for sql in SQLITE_DOWN if _is_sqlite(schema_editor) else POSTGRES_DOWN:
        await schema_editor.client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0003_payouts")]

    operations = [ops.RunPython(install, uninstall)]
