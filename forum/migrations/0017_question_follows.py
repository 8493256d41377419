from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import NotificationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class AlterFieldState(ops.AlterField):
    """Records the new NotificationKind choices in the migration state only: the column is a
    VARCHAR(16) that holds them already, and on SQLite a real AlterField rebuilds the table."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None


class FollowParticipants(ops.RunSQL):
    """The askers and answerers of the questions asked before the table follow them: askers go
    on hearing of answers to their questions. (The same statement as forum.actions.follows'
    follow_all_participants, written out here: a migration stays as it was released.)"""

    _SQL = (
        "INSERT INTO question_follows (question_id, user_id, following, created_at, updated_at) "
        "SELECT question_id, user_id, TRUE, MIN(at), MIN(at) FROM ("
        " SELECT id AS question_id, author_id AS user_id, created_at AS at FROM questions"
        " UNION ALL SELECT question_id, author_id, created_at FROM answers"
        ") AS participants WHERE TRUE GROUP BY question_id, user_id "
        "ON CONFLICT (question_id, user_id) DO NOTHING"
    )

    def __init__(self) -> None:
        super().__init__("SELECT 1", reverse_sql="DELETE FROM question_follows")

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if not state_editor:
            return
        await state_editor.client.execute_script(self._SQL)


class Migration(migrations.Migration):
    dependencies = [('forum', '0016_duplicates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='QuestionFollow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.ForeignKeyField('forum.Question', source_field='question_id', db_constraint=True, to_field='id', related_name='follows', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='follows', on_delete=OnDelete.RESTRICT)),
                ('following', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'question_follows', 'app': 'forum', 'unique_together': (('question_id', 'user_id'),), 'indexes': [Index(fields=['user_id', 'following', 'updated_at'], name='follow_user')], 'pk_attr': 'id', 'table_description': 'A member follows a question: they hear of its new answers and of its acceptance'},
            bases=['Model'],
        ),
        AlterFieldState(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='ANSWER: answer\nSTAFF_REPLY: staff_reply\nACCEPTED: accepted\nPOINTS: points\nREVERSED: reversed\nSTATEMENT: statement\nREMIND_ACCEPT: remind_accept\nBADGE: badge\nFOLLOW_ANSWER: follow_answer\nFOLLOW_ACCEPTED: follow_accepted', enum_type=NotificationKind, max_length=16),
        ),
        FollowParticipants(),
    ]
