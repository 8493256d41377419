from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import DeliveryState
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0003_escalation_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event_id', fields.CharField(unique=True, max_length=36)),
                ('event', fields.CharField(max_length=40)),
                ('payload', fields.TextField(unique=False)),
                ('url', fields.CharField(max_length=500)),
                ('state', fields.CharEnumField(default=DeliveryState.PENDING, description='PENDING: pending\nDELIVERED: delivered\nFAILED: failed', enum_type=DeliveryState, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_token', fields.CharField(null=True, max_length=32)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_status', fields.IntField(null=True)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_deliveries', 'app': 'forum', 'indexes': [Index(fields=['state', 'next_attempt_at'], name='webhook_due'), Index(fields=['created_at'], name='webhook_created')], 'pk_attr': 'id', 'table_description': 'The outbox: one event for the configured receiver, written in the transaction of the change'},
            bases=['Model'],
        ),
    ]
