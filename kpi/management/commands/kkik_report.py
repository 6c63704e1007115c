"""`manage.py kkik_report --from YYYY-MM-DD --to YYYY-MM-DD [--department CODE]
--format json|csv|xlsx [--output FILE]`: the KKiK report contract (kpi/report.py)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Department
from kpi.exports import report_csv, report_xlsx
from kpi.report import kkik_report


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "The KKiK figures for a period (inclusive local dates) as JSON, CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--department", default="")
        parser.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args: object, **options: object) -> None:
        date_from = _date(str(options["date_from"]))
        date_to = _date(str(options["date_to"]))
        if date_from > date_to:
            raise CommandError("--from is after --to")
        department = str(options["department"] or "")
        if department and not Department.objects.filter(code=department).exists():
            raise CommandError(f"unknown department code: {department!r}")
        fmt = options["format"]
        if fmt == "json":
            report = kkik_report(date_from=date_from, date_to=date_to, department=department)
            data = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
        elif fmt == "csv":
            data = report_csv(date_from=date_from, date_to=date_to, department=department).encode()
        else:
            data = report_xlsx(date_from=date_from, date_to=date_to, department=department)
        output = options.get("output")
        if output:
            with open(str(output), "wb") as handle:
                handle.write(data)
            return
        # Binary output needs a binary stream: the real standard output has one.
        binary = getattr(getattr(self.stdout, "_out", None), "buffer", None)
        if fmt == "xlsx":
            if binary is None:
                raise CommandError("XLSX is binary: give --output FILE")
            binary.write(data)
            binary.flush()
        else:
            self.stdout.write(data.decode(), ending="")
