from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# The default boards' Dutch names, for databases made before boards had them.
_DUTCH = (
    ("account-billing", "Account & facturen", "Bundels, facturen, opwaarderen en je account."),
    ("network-coverage", "Netwerk & bereik", "Signaal, data, bellen en roaming."),
    ("phones-devices", "Telefoons & apparaten", "Toestellen, instellingen en apps."),
    ("sim-activation", "Simkaart & activeren", "Nieuwe simkaarten, eSIM, je nummer meenemen."),
    ("lost-stolen", "Telefoon kwijt of gestolen", "Blokkeer je simkaart en bescherm je account."),
    ("ideas", "Ideeën", "Vertel ons wat we hierna moeten bouwen."),
)



def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Migration(migrations.Migration):
    dependencies = [("forum", "0012_email_confirmed")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Board",
            name="name_nl",
            field=fields.CharField(default="", db_default="", max_length=100),
        ),
        ops.AddField(
            model_name="Board",
            name="description_nl",
            field=fields.CharField(default="", db_default="", max_length=500),
        ),
        *(
            ops.RunSQL(
                f"UPDATE boards SET name_nl = {_quoted(name)}, "
                f"description_nl = {_quoted(description)} "
                f"WHERE slug = {_quoted(slug)} AND name_nl = ''",
                reverse_sql="SELECT 1",
            )
            for slug, name, description in _DUTCH
        ),
    ]
