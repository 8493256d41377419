from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("forum", "0010_email_change")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="Mail",
            index=Index(fields=["state", "created_at", "id"], name="mail_state_created"),
        ),
        ops.AddIndex(
            model_name="Mail",
            index=Index(fields=["created_at", "id"], name="mail_created"),
        ),
        ops.AddIndex(
            model_name="WebhookDelivery",
            index=Index(fields=["state", "created_at", "id"], name="webhook_state_created"),
        ),
    ]
