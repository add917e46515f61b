from django.core.management.base import BaseCommand

from jiuzhu.supervision.services import reviews_schedule


class Command(BaseCommand):
    help = "为每个在保且没有待复核任务的案件安排下一次复核（定期复核）"

    def handle(self, *args, **options):
        created = reviews_schedule()
        self.stdout.write(f"已安排复核任务 {created} 个")
