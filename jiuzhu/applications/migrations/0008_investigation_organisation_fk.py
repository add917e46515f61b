"""The contracted investigation organisation: a typed name becomes an accounts.Organisation
(政府购买家境调查). Names that match an organisation are kept; others were never contracts."""

import django.db.models.deletion
from django.db import migrations, models


def names_to_organisations(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Organisation = apps.get_model("accounts", "Organisation")
    for app in Application.objects.exclude(investigation_organisation="").only(
            "pk", "investigation_organisation"):
        org = Organisation.objects.filter(name=app.investigation_organisation.strip()).first()
        if org is not None:
            Application.objects.filter(pk=app.pk).update(investigation_organisation_ref=org)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_organisation'),
        ('applications', '0007_material_settings_originals_seen'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='investigation_organisation_ref',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='accounts.organisation',
                                    verbose_name='第三方调查机构'),
        ),
        migrations.RunPython(names_to_organisations, migrations.RunPython.noop),
        migrations.RemoveField(model_name='application', name='investigation_organisation'),
        migrations.RenameField(model_name='application', old_name='investigation_organisation_ref',
                               new_name='investigation_organisation'),
    ]
