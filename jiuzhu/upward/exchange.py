"""The monthly exchange file (上报交换文件): the fixed field list (documented in README.md),
one record per recipient case as JSON Lines, one row per member as CSV, the manifest and
the zip. Pure functions of the records :func:`selectors.recipient_records` gives, so the
file and ``GET /api/v1/reports/recipients`` carry the same data."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jiuzhu.core.digests import sm3_hex

FORMAT = "jiuzhu-upward/1"

#: The record's fields, in order (JSON Lines: one object per line with these keys).
RECORD_FIELDS = ("region_code", "household_number", "programme", "start_month", "amount",
                 "circle", "members")
#: A member's fields (the objects of ``members``).
MEMBER_FIELDS = ("name", "id_number", "relation", "health", "labour_capacity")
#: The CSV's columns: the record's fields without ``members``, then the member's (one row
#: per member; a record's fields repeated on each of its members' rows).
CSV_COLUMNS = (*RECORD_FIELDS[:-1], "member_index", *MEMBER_FIELDS)

JSONL_NAME = "recipients.jsonl"
CSV_NAME = "recipients.csv"
MANIFEST_NAME = "manifest.json"


def jsonl_bytes(records: Iterable[dict[str, Any]]) -> bytes:
    lines = [json.dumps({k: r[k] for k in RECORD_FIELDS}, ensure_ascii=False,
                        separators=(",", ":")) for r in records]
    return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")


def csv_bytes(records: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        head = [record[k] if record[k] is not None else "" for k in RECORD_FIELDS[:-1]]
        for index, member in enumerate(record["members"], start=1):
            writer.writerow([*head, index, *(member[k] for k in MEMBER_FIELDS)])
    return out.getvalue().encode("utf-8")


def totals(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts and amount totals per programme (amounts exact to the fen, as strings)."""
    per: dict[str, dict[str, Any]] = {}
    for record in records:
        entry = per.setdefault(record["programme"], {
            "records": 0, "households": set(), "members": 0, "amount": Decimal("0.00")})
        entry["records"] += 1
        entry["households"].add(record["household_number"])
        entry["members"] += len(record["members"])
        entry["amount"] += Decimal(record["amount"])
    return {programme: {"records": e["records"], "households": len(e["households"]),
                        "members": e["members"], "amount": f"{e['amount']:.2f}"}
            for programme, e in sorted(per.items())}


def manifest(records: list[dict[str, Any]], files: dict[str, bytes], *, region_code: str,
             region_name: str, month: date, produced_by: str, produced_by_name: str,
             produced_at: datetime) -> dict[str, Any]:
    total = sum((Decimal(r["amount"]) for r in records), Decimal("0.00"))
    return {
        "format": FORMAT,
        "region": {"code": region_code, "name": region_name},
        "month": f"{month:%Y-%m}",
        "records": len(records),
        "households": len({r["household_number"] for r in records}),
        "members": sum(len(r["members"]) for r in records),
        "amount_total": f"{total:.2f}",
        "programmes": totals(records),
        "files": [{"name": name, "bytes": len(data), "sm3": sm3_hex(data),
                   "rows": data.count(b"\n") - (1 if name == CSV_NAME else 0)}
                  for name, data in files.items()],
        "produced_by": {"username": produced_by, "name": produced_by_name},
        "produced_at": produced_at.isoformat(),
    }


def zip_bytes(files: dict[str, bytes], manifest_data: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    stamp = (2000, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*files.items(), (MANIFEST_NAME, json.dumps(
                manifest_data, ensure_ascii=False, indent=2).encode("utf-8"))]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
