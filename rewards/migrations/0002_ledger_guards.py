"""The database itself keeps the ledger append-only and creates the system accounts.

PostgreSQL: CHECK constraints refuse a non-positive amount, a transfer from an account to
itself, and a reversal kind without its original (or an original kind with one); triggers refuse
UPDATE and DELETE, and a reversal that does not exactly mirror its original (same amount,
accounts swapped, the original no reversal itself). SQLite cannot add a CHECK to an existing
table, so triggers refuse all of it there.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

REVERSAL_KINDS = "('reversal', 'fraud_reversal')"
POSTGRES_UP = [
    "ALTER TABLE ledger_transfers ADD CONSTRAINT transfer_amount_positive CHECK (amount > 0)",
    "ALTER TABLE ledger_transfers ADD CONSTRAINT transfer_two_accounts"
    " CHECK (debit_id <> credit_id)",
    "ALTER TABLE ledger_transfers ADD CONSTRAINT transfer_reversal_has_original"
    f" CHECK ((kind IN {REVERSAL_KINDS}) = (reverses_id IS NOT NULL))",
    """
    CREATE OR REPLACE FUNCTION ledger_transfers_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger_transfers is append-only: % refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER ledger_transfers_no_update_delete
    BEFORE UPDATE OR DELETE ON ledger_transfers
    FOR EACH ROW EXECUTE FUNCTION ledger_transfers_append_only()
    """,
]
POSTGRES_UP += [
    """
    CREATE OR REPLACE FUNCTION ledger_transfers_mirror_original() RETURNS trigger AS $$
    BEGIN
        IF NEW.reverses_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM ledger_transfers o
            WHERE o.id = NEW.reverses_id AND o.reverses_id IS NULL AND o.amount = NEW.amount
              AND o.debit_id = NEW.credit_id AND o.credit_id = NEW.debit_id
        ) THEN
            RAISE EXCEPTION 'a reversal must mirror its original, which is no reversal itself'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER ledger_transfers_mirror BEFORE INSERT ON ledger_transfers
    FOR EACH ROW EXECUTE FUNCTION ledger_transfers_mirror_original()
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_transfers_mirror ON ledger_transfers",
    "DROP FUNCTION IF EXISTS ledger_transfers_mirror_original()",
    "ALTER TABLE ledger_transfers DROP CONSTRAINT IF EXISTS transfer_amount_positive",
    "ALTER TABLE ledger_transfers DROP CONSTRAINT IF EXISTS transfer_two_accounts",
    "ALTER TABLE ledger_transfers DROP CONSTRAINT IF EXISTS transfer_reversal_has_original",
    "DROP TRIGGER IF EXISTS ledger_transfers_no_update_delete ON ledger_transfers",
    "DROP FUNCTION IF EXISTS ledger_transfers_append_only()",
]
SQLITE_UP = [
    """
    CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE ON ledger_transfers
    BEGIN SELECT RAISE(ABORT, 'ledger_transfers is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER ledger_transfers_no_delete BEFORE DELETE ON ledger_transfers
    BEGIN SELECT RAISE(ABORT, 'ledger_transfers is append-only: DELETE refused'); END
    """,
    """
    CREATE TRIGGER ledger_transfers_positive BEFORE INSERT ON ledger_transfers
    WHEN NEW.amount <= 0
    BEGIN SELECT RAISE(ABORT, 'ledger_transfers.amount must be positive'); END
    """,
    """
    CREATE TRIGGER ledger_transfers_two_accounts BEFORE INSERT ON ledger_transfers
    WHEN NEW.debit_id = NEW.credit_id
    BEGIN SELECT RAISE(ABORT, 'ledger_transfers needs two different accounts'); END
    """,
    f"""
    CREATE TRIGGER ledger_transfers_reversal_has_original BEFORE INSERT ON ledger_transfers
    WHEN (NEW.kind IN {REVERSAL_KINDS}) <> (NEW.reverses_id IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'a reversal needs its original, and only a reversal has one'); END
    """,
]
SQLITE_UP += [
    """
    CREATE TRIGGER ledger_transfers_mirror BEFORE INSERT ON ledger_transfers
    WHEN NEW.reverses_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM ledger_transfers o
        WHERE o.id = NEW.reverses_id AND o.reverses_id IS NULL AND o.amount = NEW.amount
          AND o.debit_id = NEW.credit_id AND o.credit_id = NEW.debit_id
    )
    BEGIN SELECT RAISE(ABORT, 'a reversal must mirror its original'); END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_transfers_mirror",
    "DROP TRIGGER IF EXISTS ledger_transfers_no_update",
    "DROP TRIGGER IF EXISTS ledger_transfers_no_delete",
    "DROP TRIGGER IF EXISTS ledger_transfers_positive",
    "DROP TRIGGER IF EXISTS ledger_transfers_two_accounts",
    "DROP TRIGGER IF EXISTS ledger_transfers_reversal_has_original",
]
SYSTEM_ACCOUNTS = [
    ("pool", "pool"),
    ("payout:reserved", "payout:reserved"),
    ("payout:paid", "payout:paid"),
]


def _is_sqlite(schema_editor) -> bool:
    return schema_editor.DIALECT == "sqlite"


async def install(apps, schema_editor) -> None:
    client = schema_editor.client
    for sql in SQLITE_UP if _is_sqlite(schema_editor) else POSTGRES_UP:
        await client.execute_script(sql)
    for key, kind in SYSTEM_ACCOUNTS:
        await client.execute_query(
            "INSERT INTO ledger_accounts (key, kind, balance, reserved, paid) "
            "VALUES ($1, $2, 0, 0, 0)"
            if not _is_sqlite(schema_editor)
            else "INSERT INTO ledger_accounts (key, kind, balance, reserved, paid) "
            "VALUES (?, ?, 0, 0, 0)",
            [key, kind],
        )


async def uninstall(apps, schema_editor) -> None:
    client = schema_editor.client
    for sql in SQLITE_DOWN if _is_sqlite(schema_editor) else POSTGRES_DOWN:
        await client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial")]

    operations = [ops.RunPython(install, uninstall)]
