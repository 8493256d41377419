"""A payout line's points and cents may go down (finance reduces a line to the points that still
stand after a reversal) but never up, and never to nothing: the guard of 0004, relaxed by one
direction. Every reduction moves its points back by a transfer in the same transaction."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS payout_line_amounts_fixed",
    """
    CREATE TRIGGER payout_line_amounts_fixed BEFORE UPDATE OF points, cents ON payout_lines
    WHEN NEW.points > OLD.points OR NEW.cents > OLD.cents OR NEW.points <= 0 OR NEW.cents <= 0
    BEGIN SELECT RAISE(ABORT, 'a payout line''s points and cents only go down'); END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS payout_line_amounts_fixed",
    """
    CREATE TRIGGER payout_line_amounts_fixed BEFORE UPDATE OF points, cents ON payout_lines
    BEGIN SELECT RAISE(ABORT, 'a payout line keeps its points and cents'); END
    """,
]
POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION payout_line_amounts_fixed() RETURNS trigger AS $$
    BEGIN
        IF NEW.points > OLD.points OR NEW.cents > OLD.cents THEN
            RAISE EXCEPTION 'a payout line''s points and cents only go down'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
]
POSTGRES_DOWN = [
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
    dependencies = [("rewards", "0005_mirror_trigger_when")]

    operations = [ops.RunPython(install, uninstall)]
