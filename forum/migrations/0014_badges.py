from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import NotificationKind
from tortoise.fields.base import OnDelete
from tortoise import fields


class AlterFieldState(ops.AlterField):
    """Records the new NotificationKind choice in the migration state only: the column is a
    VARCHAR(16) that holds it already, and on SQLite a real AlterField rebuilds the table."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [('forum', '0013_board_dutch')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MemberBadge',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.RESTRICT)),
                ('badge', fields.CharField(max_length=20)),
                ('awarded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member_badges', 'app': 'forum', 'unique_together': (('user_id', 'badge'),), 'pk_attr': 'id', 'table_description': 'A badge a member earned (forum.actions.badges): once per member and badge, UNIQUE.'},
            bases=['Model'],
        ),
        AlterFieldState(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='ANSWER: answer\nSTAFF_REPLY: staff_reply\nACCEPTED: accepted\nPOINTS: points\nREVERSED: reversed\nSTATEMENT: statement\nREMIND_ACCEPT: remind_accept\nBADGE: badge', enum_type=NotificationKind, max_length=16),
        ),
        ops.AddField(
            model_name='Notification',
            name='badge',
            field=fields.CharField(default='', db_default='', max_length=20),
        ),
    ]
