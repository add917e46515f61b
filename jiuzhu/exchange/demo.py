"""A demo Excel import (Excel 导入) in the demo county: a small real workbook of three
families of 东门社区, written in the import layout and sent through the import service by
the window worker of 城关街道, processed at once, so the import list shows a finished job
with its summary. Once: nothing happens when the township already has an import job."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.accounts.demo import demo_user
from jiuzhu.households.demo import household_demo_dict
from jiuzhu.households.models import Member
from jiuzhu.regions.models import Region

from .models import ImportJob
from .writer import workbook_write

#: The imported families are numbered H<village>8NN (the generated ones H<village>001…).
IMPORTED = 3


def demo_workbook(village: Region) -> bytes:
    """The workbook of the imported families (ID numbers not used by anyone yet)."""
    rng = random.Random(f"import-{village.code}")
    taken = set(Member.objects.values_list("id_number", flat=True))
    households = [household_demo_dict(rng, household_id=f"H{village.code}{800 + n}",
                                      village=village, sequence=800 + n, used_ids=taken)
                  for n in range(1, IMPORTED + 1)]
    buffer = io.BytesIO()
    workbook_write(buffer, households)
    return buffer.getvalue()


def load_exchange_demo(regions: dict[str, Region]) -> int:
    """The demo import job of 城关街道 (processed); returns 1 when it was made."""
    from .services import import_job_create, import_job_run

    township, village = regions["990102001"], regions["990102001001"]
    window1 = demo_user("window1")
    if window1 is None or ImportJob.objects.within(township).exists():
        return 0
    upload = SimpleUploadedFile("东门社区新增家庭.xlsx", demo_workbook(village),
                                content_type="application/vnd.openxmlformats-officedocument"
                                             ".spreadsheetml.sheet")
    job = import_job_create(actor=window1, upload=upload)
    import_job_run(job_id=job.pk)
    return 1
