from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("login", "登录"), ("login_failed", "登录失败"),
                    ("login_throttled", "登录受限"), ("logout", "退出"),
                    ("password_change", "修改密码"), ("token_create", "创建接口令牌"),
                    ("create", "新增"), ("update", "修改"), ("delete", "删除"),
                    ("view", "查看个人信息"), ("download", "下载文件"),
                    ("render", "生成文书文件"), ("export", "导出"),
                    ("import", "导入"), ("denied", "拒绝访问"), ("assess", "核算"),
                    ("verify", "核对查询"), ("decide", "核对差异处理"),
                    ("grid_assign", "指定网格责任人"), ("grid_unassign", "撤销网格责任人"),
                    ("lead_record", "登记线索"), ("lead_convert", "线索转建档"),
                    ("lead_visit", "入户走访"), ("lead_close", "线索办结"),
                    ("self_apply", "群众网上申请"), ("self_track_failed", "群众查询进度失败"),
                ],
                db_index=True, max_length=32, verbose_name="动作",
            ),
        ),
    ]
