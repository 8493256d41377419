from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

# The unread count reads a member's unread notifications in (read_at, id) order up to a limit:
# with the id in the index, PostgreSQL stops after that many entries instead of scanning the
# table (or every notification of the member) for a member with thousands of them.


class Migration(migrations.Migration):
    dependencies = [('forum', '0020_appeal_notifications')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Notification',
            name='notification_unread',
            fields=None,
        ),
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['user_id', 'read_at', 'id'], name='notification_unread_id'),
        ),
    ]
