from django.core.management.base import BaseCommand, CommandError

from jiuzhu.accounts import twofactor
from jiuzhu.accounts.models import User
from jiuzhu.core.errors import ServiceError
from jiuzhu.regions.models import Region


class Command(BaseCommand):
    help = ("二次验证：jiuzhu twofactor policy --region 区划代码 --mode off|required_roles；"
            "jiuzhu twofactor reset --user 用户名（手机丢失时清除其验证器和恢复码）")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        policy = sub.add_parser("policy", help="设置区划（通常为县）的二次验证要求")
        policy.add_argument("--region", required=True, help="区划代码")
        policy.add_argument("--mode", required=True, choices=["off", "required_roles"])
        reset = sub.add_parser("reset", help="清除用户的验证器和恢复码")
        reset.add_argument("--user", required=True, help="用户名")

    def handle(self, *args, action: str, **options):
        try:
            if action == "policy":
                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise CommandError(f"区划 {options['region']} 不存在")
                twofactor.policy_set(region=region, mode=options["mode"])
                self.stdout.write(f"{region.name}：二次验证要求 {options['mode']}")
            elif action == "reset":
                user = User.objects.filter(username=options["user"]).first()
                if user is None:
                    raise CommandError(f"用户 {options['user']} 不存在")
                twofactor.reset(user)
                self.stdout.write(f"{user.username}：已清除二次验证设备")
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
