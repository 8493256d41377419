from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import NotificationKind
from tortoise import fields


class AlterFieldState(ops.AlterField):
    """Records the new NotificationKind choice in the migration state only: the column is a
    VARCHAR(16) that holds it already, and on SQLite a real AlterField rebuilds the table."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [('forum', '0019_user_erased')]

    initial = False

    operations = [
        AlterFieldState(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='ANSWER: answer\nSTAFF_REPLY: staff_reply\nACCEPTED: accepted\nPOINTS: points\nREVERSED: reversed\nSTATEMENT: statement\nREMIND_ACCEPT: remind_accept\nBADGE: badge\nFOLLOW_ANSWER: follow_answer\nFOLLOW_ACCEPTED: follow_accepted\nAPPEAL: appeal', enum_type=NotificationKind, max_length=16),
        ),
    ]
