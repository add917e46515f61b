from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "login": _("登录"),
    "login_failed": _("登录失败"),
    "login_throttled": _("登录受限"),
    "logout": _("退出"),
    "password_change": _("修改密码"),
    "create": _("新增"),
    "update": _("修改"),
    "delete": _("删除"),
    "view": _("查看个人信息"),
    "export": _("导出"),
    "import": _("导入"),
    "token_create": _("创建接口令牌"),
    "assess": _("核算"),
    "verify": _("核对查询"),
    "decide": _("核对差异处理"),
}
