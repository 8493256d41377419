from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import FlagReason, FlagState, Visibility
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class AddVisibility(ops.AddField):
    """ADD COLUMN with a database default, so that existing rows become visible: Tortoise's own
    AddField adds a NOT NULL column without one, which SQLite refuses on a table with rows."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if not state_editor:
            return
        table = new_state.apps.get_model(f"{app_label}.{self.model_name}")._meta.db_table
        await state_editor.client.execute_script(
            f'ALTER TABLE "{table}" ADD COLUMN "visibility" VARCHAR(8) NOT NULL DEFAULT \'visible\''
        )


class Migration(migrations.Migration):
    dependencies = [('forum', '0004_webhooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Flag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post_key', fields.CharField(max_length=24)),
                ('question', fields.ForeignKeyField('forum.Question', source_field='question_id', db_constraint=True, to_field='id', related_name='flags', on_delete=OnDelete.RESTRICT)),
                ('answer', fields.ForeignKeyField('forum.Answer', source_field='answer_id', null=True, db_constraint=True, to_field='id', related_name='flags', on_delete=OnDelete.RESTRICT)),
                ('flagger', fields.ForeignKeyField('forum.User', source_field='flagger_id', db_constraint=True, to_field='id', related_name='flags_given', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharEnumField(description='SPAM: spam\nOFFENSIVE: offensive\nOFF_TOPIC: off_topic', enum_type=FlagReason, max_length=10)),
                ('state', fields.CharEnumField(default=FlagState.OPEN, description='OPEN: open\nDISMISSED: dismissed\nUPHELD: upheld', enum_type=FlagState, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'flags', 'app': 'forum', 'unique_together': (('post_key', 'flagger_id'),), 'indexes': [Index(fields=['flagger_id', 'created_at'], name='flag_flagger_day'), Index(fields=['question_id', 'state'], name='flag_question')], 'pk_attr': 'id', 'table_description': 'A member\'s flag on a question or an answer. `post_key` is "question:<id>" or'},
            bases=['Model'],
        ),
        AddVisibility(
            model_name='Answer',
            name='visibility',
            field=fields.CharEnumField(default=Visibility.VISIBLE, description='VISIBLE: visible\nHIDDEN: hidden\nREMOVED: removed', enum_type=Visibility, max_length=8),
        ),
        AddVisibility(
            model_name='Question',
            name='visibility',
            field=fields.CharEnumField(default=Visibility.VISIBLE, description='VISIBLE: visible\nHIDDEN: hidden\nREMOVED: removed', enum_type=Visibility, max_length=8),
        ),
    ]
