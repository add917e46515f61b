"""``jiuzhu rotate_key``: re-encrypt the personal data under the current SM4 data key.

With ``--new-key`` a new key is generated and put first in the key file (the old keys stay
in the file to read what is not yet moved); then every row not under the current key is
re-encrypted and its blind index recomputed, in batches, with progress. A run cut short is
resumed by running ``jiuzhu rotate_key`` again (without ``--new-key``). When the keys come
from ``JIUZHU_DATA_KEY``, put the new key first there (``new,old``) and run without
``--new-key``; once done, the old key may be dropped from the ring.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from jiuzhu.core import crypto


class Command(BaseCommand):
    help = "Re-encrypt ID numbers, phones and bank accounts under the current SM4 data key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--new-key", action="store_true",
                            help="generate a new key first (key file only)")
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            if os.environ.get(crypto.ENV):
                raise CommandError(f"keys come from {crypto.ENV}: put the new key first there")
            old = [k.key for k in crypto.keyring()]
            crypto.write_key_file(crypto.key_file(), [secrets.token_bytes(16), *old])
            crypto.reset()
            self.stdout.write(f"new data key {crypto.current().kid} in {crypto.key_file()}")
        kid = crypto.current().kid
        total = 0
        for model in apps.get_models():
            if not crypto.sealed_fields(model)[0]:
                continue
            label = model._meta.label

            def progress(done: int, count: int, label: str = label) -> None:
                self.stdout.write(f"{label}: {done}/{count}")

            written = crypto.reseal(model, batch=options["batch"], progress=progress)
            self.stdout.write(f"{label}: {written} rows re-encrypted under key {kid}")
            total += written
        self.stdout.write(self.style.SUCCESS(f"done: {total} rows under key {kid}"))
