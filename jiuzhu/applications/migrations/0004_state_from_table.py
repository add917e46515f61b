from django.db import migrations, models


class Migration(migrations.Migration):
    """The state is a plain field: it changes through the table in ``workflow.py``."""

    dependencies = [
        ("applications", "0003_application_valid_until"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="state",
            field=models.CharField(choices=[("submitted", "已申请"), ("awaiting_supplement", "待补正"), ("rejected", "不予受理"), ("accepted", "已受理（调查核对中）"), ("appraisal", "民主评议"), ("opinion", "乡镇审核"), ("notice", "公示中"), ("decision", "待审批"), ("approved", "已批准"), ("refused", "不予批准"), ("withdrawn", "已撤回"), ("in_payment", "发放中"), ("suspended", "暂停发放"), ("stopped", "停发")], default="submitted", max_length=50, verbose_name="状态"),
        ),
    ]
