from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import NotificationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0006_search')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='ANSWER: answer\nSTAFF_REPLY: staff_reply\nACCEPTED: accepted\nPOINTS: points\nREVERSED: reversed\nSTATEMENT: statement\nREMIND_ACCEPT: remind_accept', enum_type=NotificationKind, max_length=16)),
                ('key', fields.CharField(unique=True, max_length=60)),
                ('question_id', fields.IntField(null=True)),
                ('answer_id', fields.IntField(null=True)),
                ('points', fields.IntField(default=0)),
                ('period', fields.CharField(default='', max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notifications', 'app': 'forum', 'indexes': [Index(fields=['user_id', 'id'], name='notification_user'), Index(fields=['user_id', 'read_at'], name='notification_unread')], 'pk_attr': 'id', 'table_description': 'One line in a member\'s notifications. `key` names the event ("answer:<id>",'},
            bases=['Model'],
        ),
    ]
