from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Counter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("key", models.CharField(max_length=120, unique=True, verbose_name="序列")),
                ("value", models.PositiveBigIntegerField(default=0, verbose_name="当前值")),
            ],
            options={
                "verbose_name": "编号计数器",
                "verbose_name_plural": "编号计数器",
            },
        ),
    ]
