from django.core.management.base import BaseCommand

from jiuzhu.documents.word import generic_template_build


class Command(BaseCommand):
    help = "Rewrite templates_docs/generic.docx, the Word template of every document."

    def handle(self, *args, **options):
        path = generic_template_build()
        self.stdout.write(f"wrote {path}")
