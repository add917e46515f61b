"""Fill the handbook's texts (政策依据, 申请条件, 办理流程) into databases whose catalogue
was loaded before the YAML had them: only the empty fields, so an administrator's own
texts are never overwritten."""

from django.db import migrations

from jiuzhu.catalogue.loader import fill_texts


def fill(apps, schema_editor):
    # The texts this migration's model has (later texts are filled by later migrations).
    fill_texts(apps.get_model("catalogue", "Item"), fields=("policy", "conditions", "process"))


class Migration(migrations.Migration):

    dependencies = [("catalogue", "0002_load_catalogue")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
