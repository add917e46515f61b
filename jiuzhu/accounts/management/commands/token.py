from django.core.management.base import BaseCommand, CommandError

from jiuzhu.accounts.models import User
from jiuzhu.accounts.services import token_create
from jiuzhu.core.errors import ServiceError


class Command(BaseCommand):
    help = "接口令牌：jiuzhu token create --user 用户名 [--scope read|write] [--days 天数]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为用户创建新的接口令牌并打印")
        create.add_argument("--user", required=True, help="用户名")
        create.add_argument("--scope", default="write", choices=["read", "write"],
                            help="权限范围：read 只读，write 读写（默认）")
        create.add_argument("--days", type=int, default=None,
                            help="有效天数（默认 API_TOKEN_DAYS，90 天）")

    def handle(self, *args, action: str, **options):
        if action == "create":
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户 {options['user']} 不存在或已停用")
            try:
                self.stdout.write(token_create(user=user, scope=options["scope"],
                                               days=options["days"]))
            except ServiceError as exc:
                raise CommandError(exc.message) from exc
