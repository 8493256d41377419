from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('forum', '0017_question_follows')]

    initial = False

    operations = [
        ops.CreateModel(
            name='JobRun',
            fields=[
                ('job', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('runs', fields.IntField(default=0)),
                ('failures', fields.IntField(default=0)),
                ('last_started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_succeeded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_failed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('last_seconds', fields.FloatField(default=0)),
            ],
            options={'table': 'job_runs', 'app': 'forum', 'pk_attr': 'job', 'table_description': 'The record of one scheduled job across every process (forum.actions.job_runs): how often'},
            bases=['Model'],
        ),
    ]

