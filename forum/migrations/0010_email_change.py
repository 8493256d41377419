from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("forum", "0009_search_table")]

    initial = False

    operations = [
        ops.CreateModel(
            name="EmailChange",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "forum.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="email_changes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("new_email", fields.CharField(max_length=254)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "email_changes",
                "app": "forum",
                "indexes": [Index(fields=["user_id", "used_at"], name="email_change_user")],
                "pk_attr": "id",
                "table_description": "A change of e-mail address waiting for its confirmation: a one-time link mailed to the new",
            },
            bases=["Model"],
        ),
    ]
