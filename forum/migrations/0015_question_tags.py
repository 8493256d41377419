from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class FillQuestionTags(ops.RunSQL):
    """One row per tag of every question asked before the table, from the questions' JSON."""

    _SQL = {
        "sqlite": "INSERT INTO question_tags (question_id, tag) "
        "SELECT DISTINCT q.id, j.value FROM questions q, json_each(q.tags) j",
        "postgres": "INSERT INTO question_tags (question_id, tag) "
        "SELECT DISTINCT q.id, t.value FROM questions q, "
        "jsonb_array_elements_text(q.tags::jsonb) AS t(value)",
    }

    def __init__(self) -> None:
        super().__init__("SELECT 1", reverse_sql="DELETE FROM question_tags")

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if not state_editor:
            return
        dialect = state_editor.client.capabilities.dialect
        await state_editor.client.execute_script(self._SQL["postgres" if dialect == "postgres" else "sqlite"])


class Migration(migrations.Migration):
    dependencies = [('forum', '0014_badges')]

    initial = False

    operations = [
        ops.CreateModel(
            name='QuestionTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.ForeignKeyField('forum.Question', source_field='question_id', db_constraint=True, to_field='id', related_name='tag_rows', on_delete=OnDelete.RESTRICT)),
                ('tag', fields.CharField(max_length=30)),
            ],
            options={'table': 'question_tags', 'app': 'forum', 'unique_together': (('question_id', 'tag'),), 'indexes': [Index(fields=['tag', 'question_id'], name='question_tag')], 'pk_attr': 'id', 'table_description': "A question's tag, one row each (the question's `tags` keeps their order): the tag page's"},
            bases=['Model'],
        ),
        FillQuestionTags(),
    ]
