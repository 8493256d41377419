from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('forum', '0015_question_tags')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Question',
            name='duplicate_of_id',
            field=fields.IntField(null=True),
        ),
    ]
