from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import DeliveryState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class AddEmailNotifications(ops.AddField):
    """ADD COLUMN with a database default, so that existing members keep getting e-mail: Tortoise's
    own AddField adds a NOT NULL column without one, which SQLite refuses on a table with rows."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if not state_editor:
            return
        table = new_state.apps.get_model(f"{app_label}.{self.model_name}")._meta.db_table
        await state_editor.client.execute_script(
            f'ALTER TABLE "{table}" ADD COLUMN "email_notifications" BOOLEAN NOT NULL DEFAULT TRUE'
        )


class Migration(migrations.Migration):
    dependencies = [('forum', '0007_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Mail',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=60)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='mails', on_delete=OnDelete.CASCADE)),
                ('to_address', fields.CharField(max_length=254)),
                ('subject', fields.CharField(max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('redact', fields.BooleanField(default=False)),
                ('state', fields.CharEnumField(default=DeliveryState.PENDING, description='PENDING: pending\nDELIVERED: delivered\nFAILED: failed', enum_type=DeliveryState, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_token', fields.CharField(null=True, max_length=32)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_via', fields.CharField(default='', max_length=4)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mails', 'app': 'forum', 'indexes': [Index(fields=['state', 'next_attempt_at'], name='mail_due'), Index(fields=['user_id', 'id'], name='mail_user')], 'pk_attr': 'id', 'table_description': "The e-mail outbox: one message, rendered in its recipient's language when it is written"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PasswordReset',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='password_resets', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'password_resets', 'app': 'forum', 'indexes': [Index(fields=['user_id', 'used_at'], name='password_reset_user')], 'pk_attr': 'id', 'table_description': 'A one-time password reset: the token is mailed, only its sha256 is kept. It works once'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Notification',
            name='mailed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['mailed_at', 'id'], name='notification_unmailed'),
        ),
        # Notifications from before e-mail existed are not mailed now.
        ops.RunSQL("UPDATE notifications SET mailed_at = created_at", reverse_sql="SELECT 1"),
        AddEmailNotifications(
            model_name='User',
            name='email_notifications',
            field=fields.BooleanField(default=True),
        ),
    ]
