from tortoise import migrations
from tortoise.migrations import operations as ops
from rewards.models import BatchState, LineState, TransferKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class AlterFieldState(ops.AlterField):
    """Records the new TransferKind choices in the migration state only. The column is already
    a VARCHAR(20) that holds them; on SQLite a real AlterField rebuilds ledger_transfers and
    loses the triggers and indexes of 0001 and 0002."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('rewards', '0002_ledger_guards')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PayoutBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('period', fields.CharField(unique=True, max_length=10)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cutoff', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=BatchState.CLOSING, description='CLOSING: closing\nREVIEW: review\nAPPROVED: approved\nPAYING: paying\nPAID: paid', enum_type=BatchState, max_length=10)),
                ('currency', fields.CharField(max_length=3)),
                ('cents_num', fields.BigIntField()),
                ('cents_den', fields.BigIntField()),
                ('version', fields.IntField(default=1)),
                ('paid_reference', fields.CharField(default='', max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payout_batches', 'app': 'rewards', 'pk_attr': 'id', 'table_description': "One per period (UNIQUE period: the close's claim, whoever runs it)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayoutApproval',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch', fields.ForeignKeyField('rewards.PayoutBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name='approvals', on_delete=OnDelete.RESTRICT)),
                ('approver', fields.ForeignKeyField('forum.User', source_field='approver_id', db_constraint=True, to_field='id', related_name='payout_approvals', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payout_approvals', 'app': 'rewards', 'unique_together': (('batch', 'approver', 'version'),), 'pk_attr': 'id', 'table_description': 'An approval counts only while the batch is at the version it approved.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayoutLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch', fields.ForeignKeyField('rewards.PayoutBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('forum.User', source_field='member_id', db_constraint=True, to_field='id', related_name='payout_lines', on_delete=OnDelete.RESTRICT)),
                ('points', fields.BigIntField()),
                ('cents', fields.BigIntField()),
                ('method', fields.CharField(max_length=10)),
                ('address', fields.CharField(default='', max_length=200)),
                ('state', fields.CharEnumField(default=LineState.PENDING, description='PENDING: pending\nHELD: held\nREJECTED: rejected\nFORFEITED: forfeited\nDEFERRED: deferred\nPAID: paid\nRETURNED: returned', enum_type=LineState, max_length=10)),
                ('decided_by', fields.ForeignKeyField('forum.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='payout_decisions', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payout_lines', 'app': 'rewards', 'unique_together': (('batch', 'member'),), 'indexes': [Index(fields=['batch_id', 'state', 'method'], name='payout_line_state'), Index(fields=['member_id', 'batch_id'], name='payout_line_member')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayoutDecision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch', fields.ForeignKeyField('rewards.PayoutBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.RESTRICT)),
                ('line', fields.ForeignKeyField('rewards.PayoutLine', source_field='line_id', null=True, db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.RESTRICT)),
                ('action', fields.CharField(max_length=20)),
                ('actor', fields.ForeignKeyField('forum.User', source_field='actor_id', db_constraint=True, to_field='id', related_name='payout_audit', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payout_decisions', 'app': 'rewards', 'indexes': [Index(fields=['batch_id', 'created_at'], name='payout_decision_batch')], 'pk_attr': 'id', 'table_description': 'The audit of every review decision, approval, export and payment.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayoutSignal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.ForeignKeyField('rewards.PayoutLine', source_field='line_id', db_constraint=True, to_field='id', related_name='signals', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=30)),
                ('detail', fields.CharField(max_length=500)),
            ],
            options={'table': 'payout_signals', 'app': 'rewards', 'unique_together': (('line', 'code'),), 'pk_attr': 'id', 'table_description': 'Why the close held a line, with the evidence finance reads (PRODUCT.md §3).'},
            bases=['Model'],
        ),
        AlterFieldState(
            model_name='Transfer',
            name='kind',
            field=fields.CharEnumField(description='ACCEPT_ANSWERER: accept_answerer\nACCEPT_ASKER: accept_asker\nKUDOS: kudos\nADJUSTMENT: adjustment\nREVERSAL: reversal\nFRAUD_REVERSAL: fraud_reversal\nPAYOUT_RESERVE: payout_reserve\nPAYOUT_RELEASE: payout_release\nPAYOUT_FORFEIT: payout_forfeit\nPAYOUT_PAID: payout_paid', enum_type=TransferKind, max_length=20),
        ),
        ops.AddIndex(
            model_name='Transfer',
            index=Index(fields=['created_at'], name='transfer_created'),
        ),
    ]
