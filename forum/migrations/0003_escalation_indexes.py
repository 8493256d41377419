from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

# The breach sweep reads only the items still waiting for a first response (the predicate is
# forum.actions.escalations.AWAITING, written out in the same words).
PARTIAL = (
    "CREATE INDEX escalation_awaiting ON escalations (due_at) "
    "WHERE NOT breached AND first_response_at IS NULL AND state <> 'resolved'"
)


async def add_partial(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(PARTIAL)


async def drop_partial(apps, schema_editor) -> None:
    await schema_editor.client.execute_script("DROP INDEX IF EXISTS escalation_awaiting")


class Migration(migrations.Migration):
    dependencies = [('forum', '0002_escalations')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Escalation',
            name='escalation_breach_due',
            fields=None,
        ),
        ops.AddIndex(
            model_name='Escalation',
            index=Index(fields=['opened_at'], name='escalation_opened'),
        ),
        ops.AddIndex(
            model_name='Escalation',
            index=Index(fields=['state', 'resolved_at', 'id'], name='escalation_state_resolved'),
        ),
        ops.RunPython(add_partial, drop_partial),
    ]
