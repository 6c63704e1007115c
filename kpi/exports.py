"""The KKiK report as CSV and XLSX: the report contract's figures in long form (one row per
figure, dotted names as in the JSON), for the whole municipality and per department."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from cases.models import Department
from kpi.report import kkik_report

HEADER = ("period_from", "period_to", "department", "figure", "value")


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else str(key), inner)
    else:
        yield prefix, value


def report_rows(
    *, date_from: dt.date, date_to: dt.date, department: str = ""
) -> Iterator[tuple[Any, ...]]:
    """Rows of HEADER: first the whole report (department "" = all, or the one asked for), then
    the same figures for each department."""
    period = (date_from.isoformat(), date_to.isoformat())
    report = kkik_report(date_from=date_from, date_to=date_to, department=department)
    for figure, value in _flatten("", {k: v for k, v in report.items() if k != "period"}):
        yield (*period, department, figure, value)
    if department:
        return
    for code in Department.objects.order_by("code").values_list("code", flat=True):
        per_department = kkik_report(date_from=date_from, date_to=date_to, department=code)
        for section in ("email", "phone", "courtesy", "direct_answer_rate"):
            for figure, value in _flatten(section, per_department[section]):
                if figure.startswith("direct_answer_rate.by_department"):
                    continue
                yield (*period, code, figure, value)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def report_csv(**period: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in report_rows(**period):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def report_xlsx(**period: Any) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "KKiK"
    sheet.append(list(HEADER))
    for row in report_rows(**period):
        sheet.append([None if v is None else v for v in row])
    for column, width in zip("ABCDE", (12, 12, 14, 44, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
