from tortoise import migrations
from tortoise.migrations import operations as ops
from rewards.models import AccountKind, TransferKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='LedgerAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=40)),
                ('kind', fields.CharEnumField(description='POOL: pool\nMEMBER: member\nRESERVED: payout:reserved\nPAID: payout:paid', enum_type=AccountKind, max_length=20)),
                ('user', fields.OneToOneField('forum.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='ledger_account', on_delete=OnDelete.RESTRICT)),
                ('balance', fields.BigIntField(default=0)),
                ('reserved', fields.BigIntField(default=0)),
                ('paid', fields.BigIntField(default=0)),
            ],
            options={'table': 'ledger_accounts', 'app': 'rewards', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Transfer',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('debit', fields.ForeignKeyField('rewards.LedgerAccount', source_field='debit_id', db_constraint=True, to_field='id', related_name='debits', on_delete=OnDelete.RESTRICT)),
                ('credit', fields.ForeignKeyField('rewards.LedgerAccount', source_field='credit_id', db_constraint=True, to_field='id', related_name='credits', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('kind', fields.CharEnumField(description='ACCEPT_ANSWERER: accept_answerer\nACCEPT_ASKER: accept_asker\nKUDOS: kudos\nADJUSTMENT: adjustment\nREVERSAL: reversal\nFRAUD_REVERSAL: fraud_reversal', enum_type=TransferKind, max_length=20)),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('ref', fields.CharField(max_length=80)),
                ('reverses', fields.OneToOneField('rewards.Transfer', source_field='reverses_id', null=True, db_constraint=True, to_field='id', related_name='reversed_by', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('forum.User', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.RESTRICT)),
                ('question_id', fields.IntField(null=True)),
                ('answer_id', fields.IntField(null=True)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('actor', fields.ForeignKeyField('forum.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='ledger_actions', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ledger_transfers', 'app': 'rewards', 'indexes': [Index(fields=['member_id', 'created_at', 'id'], name='transfer_member'), Index(fields=['member_id', 'kind', 'created_at'], name='transfer_member_kind_day'), Index(fields=['ref'], name='transfer_ref'), Index(fields=['debit_id', 'amount'], name='transfer_debit_amount'), Index(fields=['credit_id', 'amount'], name='transfer_credit_amount')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
