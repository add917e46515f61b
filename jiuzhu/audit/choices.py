from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every action code of the audit, with its Chinese label. A new ``audit_record(action=…)``
    needs its code here (``tests/test_actions.py`` scans the code for it)."""

    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGIN_THROTTLED = "login_throttled", _("登录受限")
    LOGOUT = "logout", _("退出")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    TOKEN_CREATE = "token_create", _("创建接口令牌")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    VIEW = "view", _("查看个人信息")
    REVEAL = "reveal", _("查看完整个人信息")
    DOWNLOAD = "download", _("下载文件")
    RENDER = "render", _("生成文书文件")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    DENIED = "denied", _("拒绝访问")
    ASSESS = "assess", _("核算")
    VERIFY = "verify", _("核对查询")
    DECIDE = "decide", _("核对差异处理")
    GRID_ASSIGN = "grid_assign", _("指定网格责任人")
    GRID_UNASSIGN = "grid_unassign", _("撤销网格责任人")
    LEAD_RECORD = "lead_record", _("登记线索")
    LEAD_CONVERT = "lead_convert", _("线索转建档")
    LEAD_VISIT = "lead_visit", _("入户走访")
    LEAD_CLOSE = "lead_close", _("线索办结")
    SELF_APPLY = "self_apply", _("群众网上申请")
    SELF_TRACK_FAILED = "self_track_failed", _("群众查询进度失败")


#: code → label, for code that wants a mapping.
ACTION_LABELS = dict(AuditAction.choices)

#: Keys of ``AuditEvent.detail`` with their Chinese labels (the audit page shows
#: ``label：value`` lines; an unknown key is shown as it is).
DETAIL_LABELS = {
    "action": _("步骤"), "admin_action": _("后台批量操作"), "attachment": _("附件"), "material": _("材料"), "after": _("修改后"), "account_tail": _("账号尾号"),
    "amount": _("金额"), "application": _("申请"), "assessment": _("核算"),
    "attachments": _("附件"), "bank_account": _("银行账户"), "batch": _("批次"),
    "before": _("修改前"), "benefit": _("保障金额"), "changes": _("变更"), "code": _("编码"),
    "count": _("数量"), "date": _("日期"), "declared": _("申报"), "decision": _("决定"),
    "document": _("文书"), "due_on": _("办理期限"), "errors": _("错误"), "field": _("字段"),
    "file": _("文件"), "files": _("文件"), "filters": _("筛选条件"), "finding": _("核对差异"),
    "findings": _("查明情况"), "form": _("表单"), "format": _("格式"), "found": _("查得"),
    "from": _("原状态"), "grid": _("网格"), "household": _("家庭"),
    "household_id": _("家庭编号"), "households": _("家庭数"), "id": _("编号"),
    "item": _("事项"), "items": _("事项"), "job": _("导入任务"), "lead": _("线索编号"),
    "member_id": _("成员"), "members": _("成员"), "method": _("请求方式"),
    "model": _("对象类型"), "month": _("月份"), "name": _("名称"), "note": _("说明"),
    "number": _("编号"), "object_id": _("对象编号"), "online": _("网上申请"),
    "outcome": _("结果"), "owner": _("所属"), "page": _("页面"), "prefix": _("令牌前缀"),
    "previous_version": _("原版本"), "query": _("查询条件"), "query_code": _("查询码"),
    "reason": _("原因"), "reasons": _("理由"), "request": _("受理单"), "reset": _("重置"), "review": _("复核任务"),
    "retired": _("停用"), "rows": _("行数"), "sha256": _("SHA-256 摘要"),
    "source": _("数据来源"), "sources": _("数据来源"), "status": _("状态"),
    "step": _("环节"), "stopped": _("停发"), "take": _("受理"), "tip_off": _("举报"),
    "to": _("新状态"), "total": _("合计"), "urge": _("督办"), "user": _("用户"),
    "username": _("账号"), "valid_from": _("生效日期"), "version": _("版本"),
    "via": _("途径"), "view": _("页面"), "what": _("内容"), "withdrawn_tasks": _("撤回任务"),
    "worker": _("责任人"),
}

#: Values of ``detail["via"]``, ``["what"]``, ``["page"]`` that have a Chinese name.
DETAIL_VALUE_LABELS = {
    "api": _("接口"), "prescription": _("大处方"), "print": _("打印"),
    "authorisation": _("授权书"), "page": _("页面"), "receipt": _("受理回执"),
    "investigate": _("入户调查页面"), "visit": _("走访页面"), "payroll": _("发放花名册"),
    "import_errors": _("导入错误报告"), "review": _("复核页面"),
    "bank_account": _("发放账户"), "audit": _("审计日志"), "households": _("家庭档案"),
    "admin": _("管理后台"),
}
