from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("forum", "0011_outbox_pages")]

    initial = False

    operations = [
        ops.AddField(
            model_name="User",
            name="email_confirmed_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        # Members from before confirmation links gave their address in good faith: they keep
        # their mail.
        ops.RunSQL(
            "UPDATE users SET email_confirmed_at = created_at WHERE email <> ''",
            reverse_sql="SELECT 1",
        ),
    ]
