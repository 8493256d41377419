from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import EscalationReason, EscalationState, Resolution
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Escalation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.ForeignKeyField('forum.Question', source_field='question_id', db_constraint=True, to_field='id', related_name='escalations', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharEnumField(description='UNANSWERED: unanswered\nREQUESTED: requested\nFLAGGED: flagged\nURGENT: urgent', enum_type=EscalationReason, max_length=12)),
                ('state', fields.CharEnumField(default=EscalationState.OPEN, description='OPEN: open\nCLAIMED: claimed\nRESOLVED: resolved', enum_type=EscalationState, max_length=10)),
                ('open_key', fields.CharField(null=True, unique=True, max_length=40)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('first_response_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('breached', fields.BooleanField(default=False)),
                ('breached_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.ForeignKeyField('forum.User', source_field='claimed_by_id', null=True, db_constraint=True, to_field='id', related_name='escalations_claimed', on_delete=OnDelete.RESTRICT)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_by', fields.ForeignKeyField('forum.User', source_field='resolved_by_id', null=True, db_constraint=True, to_field='id', related_name='escalations_resolved', on_delete=OnDelete.RESTRICT)),
                ('resolution', fields.CharEnumField(null=True, description='ANSWERED_BY_STAFF: answered_by_staff\nANSWERED_BY_COMMUNITY: answered_by_community\nDUPLICATE: duplicate\nNO_ACTION: no_action', enum_type=Resolution, max_length=24)),
                ('note', fields.CharField(default='', max_length=1000)),
            ],
            options={'table': 'escalations', 'app': 'forum', 'indexes': [Index(fields=['state', 'due_at', 'id'], name='escalation_state_due'), Index(fields=['claimed_by_id', 'state'], name='escalation_claimer'), Index(fields=['question_id', 'state'], name='escalation_question'), Index(fields=['breached', 'due_at'], name='escalation_breach_due')], 'pk_attr': 'id', 'table_description': 'A staff queue item. `open_key` is "<question>:<reason>" while the item is not resolved and'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlaTimer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.OneToOneField('forum.Question', source_field='question_id', db_constraint=True, to_field='id', related_name='sla_timer', on_delete=OnDelete.CASCADE)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sla_timers', 'app': 'forum', 'indexes': [Index(fields=['due_at'], name='sla_timer_due')], 'pk_attr': 'id', 'table_description': "When a question's board SLA runs out: written with the question, read by the sweep through"},
            bases=['Model'],
        ),
    ]
