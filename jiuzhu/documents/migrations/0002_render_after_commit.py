"""Documents are numbered and worded in the step's transaction and rendered after it
commits (status pending → ready); their numbers come from the shared counters of
``core.Counter`` (the office's DocumentCounter rows are carried over)."""

import django.core.serializers.json
from django.db import migrations, models

import jiuzhu.documents.models


def counters_to_core(apps, schema_editor):
    DocumentCounter = apps.get_model("documents", "DocumentCounter")
    Counter = apps.get_model("core", "Counter")
    for row in DocumentCounter.objects.select_related("office"):
        Counter.objects.update_or_create(
            key=f"documents:{row.office.code}:{row.series}:{row.year}",
            defaults={"value": row.last})


def counters_back(apps, schema_editor):
    DocumentCounter = apps.get_model("documents", "DocumentCounter")
    Counter = apps.get_model("core", "Counter")
    Region = apps.get_model("regions", "Region")
    for counter in Counter.objects.filter(key__startswith="documents:"):
        _prefix, code, series, year = counter.key.split(":")
        DocumentCounter.objects.update_or_create(
            office=Region.objects.get(code=code), series=series, year=int(year),
            defaults={"last": counter.value})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_counter"),
        ("documents", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="content",
            field=models.JSONField(default=dict,
                                   encoder=django.core.serializers.json.DjangoJSONEncoder,
                                   verbose_name="文书内容"),
        ),
        # The documents issued before were rendered at once.
        migrations.AddField(
            model_name="document",
            name="status",
            field=models.CharField(choices=[("pending", "生成中"), ("ready", "已生成")],
                                   default="ready", max_length=8, verbose_name="文件状态"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="document",
            name="status",
            field=models.CharField(choices=[("pending", "生成中"), ("ready", "已生成")],
                                   default="pending", max_length=8, verbose_name="文件状态"),
        ),
        migrations.AddField(
            model_name="document",
            name="rendered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="文件生成时间"),
        ),
        migrations.AlterField(
            model_name="document",
            name="pdf",
            field=models.FileField(blank=True, max_length=200,
                                   upload_to=jiuzhu.documents.models.pdf_upload_to,
                                   verbose_name="PDF 文件"),
        ),
        migrations.AlterField(
            model_name="document",
            name="pdf_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="PDF SHA-256"),
        ),
        migrations.AlterField(
            model_name="document",
            name="docx",
            field=models.FileField(blank=True, max_length=200,
                                   upload_to=jiuzhu.documents.models.docx_upload_to,
                                   verbose_name="Word 文件"),
        ),
        migrations.AlterField(
            model_name="document",
            name="docx_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="Word SHA-256"),
        ),
        migrations.RunPython(counters_to_core, counters_back),
        migrations.DeleteModel(name="DocumentCounter"),
    ]
