"""Contacts from a municipality's old system or telephony export (`manage.py import_contacts`).

The file: UTF-8 CSV (a BOM is accepted) with a header row and one row per contact, columns
`COLUMNS` in any order. Rows with the same `case_ref` make one case (`Case.external_ref`); each
`contact_id` is stored in `Contact.external_id`, so importing a file again skips what is already
there and changes nothing. `rosa_level`, `resolved_directly`, `department` and `subject_area`
belong to the case: any row may carry them, and two rows (or a row and the case imported
earlier) that disagree are an error. `courtesy` is the citizen's 1–5 grade for that contact.

All or nothing, in one transaction: every problem is collected with its line (as in the file,
header = line 1) and column, and if there is one, nothing is written (`ContactImportError`).

How it stays fast and small on a million rows (bench/import_contacts.py):

- Pass 1 streams the file and validates each row; all it keeps is what the cross-row checks
  need: the contact ids seen (duplicates), and per case one `_CaseDraft` (first and last
  contact, first response, the case-level values with the line each came from). Rows already
  imported are looked up in batches and compared with what is stored. Nothing is written
  before the whole file is known to be good: a rejected file costs the database nothing.
- Pass 2 streams the file again and writes the new contacts and their survey answers: COPY on
  PostgreSQL (one `executemany` per batch elsewhere), with ids taken from the table's sequence
  beforehand, so nothing has to be read back. The cases are written last: the foreign keys are
  checked at commit, and the year's reference counter (`references_allocate_block`, ADR 0001)
  is then locked only for the last part of the transaction, not for the whole import.
- History: one "+" row per new case and contact (reason "imported", by nobody), and a "~" row
  per case imported earlier that the import changes, written set-based with one
  `INSERT ... SELECT` over the id ranges written, as the demo loader writes its history
  (`cases.demo.generator._history_write`).
- On PostgreSQL most of the time is the database's: every contact and case is inserted with
  its history row into tables with 7–15 indexes each, and the foreign keys are checked at
  commit.

What the import sets on a new case: channel and `created_at` of its first contact (earliest
`occurred_at`, ties by file order); status resolved with `resolved_at` = its last contact when
`resolved_directly` is given (then `rosa_level` is required), else open; `resolved_directly` as
the old system recorded it (DOMAIN.md's rule is not re-applied; cases the rule would not count as
direct are only counted in `ImportResult.direct_not_by_rule`); `first_response_at` by
`cases.services.response_time`.

A case imported earlier that the file adds contacts to keeps its reference, channel and start (a
contact before its first contact is an error, as in `contact_add`); its first response may move
earlier, and values it lacks (department, subject area, ROSA level, the resolution) are filled in
from the file. The resolution only while the case is still open as imported: a case the
contact centre has since worked on (reopened, escalated, closed...) is not resolved behind its
back; that is an error to sort out in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F, Field, Lookup, Max, Model
from django.utils import timezone

from cases.models import (
    Case,
    CaseStatus,
    Channel,
    Contact,
    Department,
    Direction,
    SubjectArea,
    SurveyAnswer,
    SurveyQuestion,
)
from cases.services import (
    case_facts_rebuild,
    references_allocate_block,
    resolved_directly_rule,
    response_time,
)
from kundtjanst.errors import DomainError

__all__ = [
    "COLUMNS",
    "ContactImportError",
    "ImportProblem",
    "ImportResult",
    "contacts_import",
]

COLUMNS = (
    "contact_id",
    "case_ref",
    "channel",
    "direction",
    "occurred_at",
    "answered_at",
    "department",
    "subject_area",
    "rosa_level",
    "resolved_directly",
    "courtesy",
)
CHANGE_REASON = "imported"  # the history rows' reason: the case page shows where data came from
LOOKUP_BATCH = 5000  # rows looked up at once in pass 1 (an IN list each)
# Rows per COPY / executemany: large, because psycopg streams a COPY while Python goes on
# building rows, and only the end of each batch waits for the server.
WRITE_BATCH = 50_000
PROBLEMS_KEPT = 1000  # a file full of errors is counted to the end, not all kept
PROGRESS_EVERY = 100_000

CHANNELS = {value: value for value in Channel.values}
DIRECTIONS = {value: value for value in Direction.values}
ROSA_LEVELS = {str(n): n for n in range(1, 7)}
GRADES = {str(n): n for n in range(1, 6)}
BOOLEANS = {"true": True, "false": False}
EXTERNAL_MAX = 100  # Contact.external_id, Case.external_ref
CODE_MAX = 40  # Department.code, SubjectArea.code
# Department and subject-area codes are slugs (see validate_slug): checked before creating one.
SLUG_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
# Any constant would do: it only keeps two imports from running at once on PostgreSQL.
ADVISORY_LOCK_KEY = 0x6B74_696D  # "ktim"


# --- Results and errors -------------------------------------------------------------------------


class ImportProblem(NamedTuple):
    """One problem in the file: its line (header = 1), column ("" for the whole line), a stable
    code and the message for the person fixing the file."""

    line: int
    column: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"rad {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class ContactImportError(DomainError):
    """Nothing was imported. `problems` holds the first `PROBLEMS_KEPT` problems in line order;
    `total` counts them all."""

    def __init__(self, problems: list[ImportProblem], total: int | None = None) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, _column_order(p.column)))
        self.total = len(problems) if total is None else total
        super().__init__("import-invalid", f"Inget importerades: {self.total} fel i filen.")


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


@dataclass
class ImportResult:
    rows: int = 0  # data rows read
    contacts_created: int = 0
    contacts_skipped: int = 0  # already imported, identical
    cases_created: int = 0
    cases_extended: int = 0  # cases imported earlier that got new contacts
    cases_updated: int = 0  # cases imported earlier whose own values changed (a "~" history row)
    survey_answers: int = 0
    departments_created: list[str] = field(default_factory=list)
    subject_areas_created: list[str] = field(default_factory=list)
    # The references handed out, per year: (first, last).
    references: dict[int, tuple[str, str]] = field(default_factory=dict)
    # New cases the old system marked as resolved directly that DOMAIN.md's rule would not count
    # as direct (ROSA 5–6 or more than one inbound contact). The flag is kept as given.
    direct_not_by_rule: int = 0
    dry_run: bool = False


# --- What pass 1 keeps --------------------------------------------------------------------------


class _Row(NamedTuple):
    """One valid row. Has the attributes `response_time` reads from a Contact."""

    line: int
    contact_id: str
    case_ref: str
    channel: str
    direction: str
    occurred_at: dt.datetime
    answered_at: dt.datetime | None
    department: str | None
    subject_area: str | None
    rosa_level: int | None
    resolved_directly: bool | None
    courtesy: int | None


class _StoredCase(NamedTuple):
    """A case imported earlier that the file refers to, as it was read in pass 1."""

    pk: int
    reference: str
    version: int
    status: str
    reopened_count: int
    created_at: dt.datetime
    department_id: int | None
    subject_area_id: int | None
    rosa_level: int | None
    resolved_directly: bool | None
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    last_contact_at: dt.datetime | None


class _CaseValues(NamedTuple):
    """What the import may change on a case imported earlier."""

    first_response_at: dt.datetime | None
    department_id: int | None
    subject_area_id: int | None
    rosa_level: int | None
    resolved_directly: bool | None
    status: str
    resolved_at: dt.datetime | None


class _StoredContact(NamedTuple):
    case_ref: str
    channel: str
    direction: str
    occurred_at: dt.datetime
    answered_at: dt.datetime | None
    courtesy: int | None


@dataclass(slots=True)
class _CaseDraft:
    """Everything pass 1 learns about one case_ref; compact, because there may be 600 000.

    The `*_line` fields say where a case-level value came from (0: the case stored earlier).
    `first_at` … `inbound` cover the file's new contacts only.
    """

    first_line: int = 0
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None
    channel: str = ""
    response_at: dt.datetime | None = None
    new_contacts: int = 0
    inbound: int = 0
    department: str | None = None
    department_line: int = 0
    subject_area: str | None = None
    subject_area_line: int = 0
    rosa_level: int | None = None
    rosa_line: int = 0
    resolved_directly: bool | None = None
    resolved_line: int = 0
    stored: _StoredCase | None = None
    case_id: int | None = None


# The case-level columns, and the _CaseDraft attribute holding the line each value came from.
CASE_VALUES = (
    ("department", "department_line"),
    ("subject_area", "subject_area_line"),
    ("rosa_level", "rosa_line"),
    ("resolved_directly", "resolved_line"),
)


class _Problems:
    def __init__(self) -> None:
        self.kept: list[ImportProblem] = []
        self.total = 0

    def add(self, line: int, column: str, code: str, message: str) -> None:
        self.total += 1
        if len(self.kept) < PROBLEMS_KEPT:
            self.kept.append(ImportProblem(line, column, code, message))

    def raise_if_any(self) -> None:
        if self.total:
            raise ContactImportError(self.kept, self.total)


# --- The import ---------------------------------------------------------------------------------


def contacts_import(
    *,
    path: str | os.PathLike[str],
    create_missing: bool = False,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import the contacts in the CSV file at `path`, all or nothing.

    `create_missing`: create departments and subject areas whose codes are unknown (name =
    code); otherwise they are errors. `dry_run`: validate and count, write nothing.
    `progress` receives a line now and then on a long file.

    Raises `ContactImportError` listing the file's problems; OSError when it cannot be read.
    """
    # The import creates millions of objects and no reference cycles: the cyclic collector
    # would only rescan the growing drafts again and again (~7 % of pass 1).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _contacts_import(
            path=Path(path), create_missing=create_missing, dry_run=dry_run, progress=progress
        )
    finally:
        if collecting:
            gc.enable()


def _contacts_import(
    *,
    path: Path,
    create_missing: bool,
    dry_run: bool,
    progress: Callable[[str], None] | None,
) -> ImportResult:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A second import waits here for the first to commit, then sees its cases and
            # contacts. (SQLite's IMMEDIATE transactions queue writers already.)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        run = _Import(path, create_missing=create_missing, progress=progress)
        run.validate()
        if not dry_run:
            run.write()
    return run.result(dry_run=dry_run)


class _Import:
    def __init__(
        self, path: Path, *, create_missing: bool, progress: Callable[[str], None] | None
    ) -> None:
        self.path = path
        self.create_missing = create_missing
        self.progress = progress or (lambda message: None)
        self.problems = _Problems()
        self.drafts: dict[str, _CaseDraft] = {}
        self.ambiguous_refs: set[str] = set()
        self.first_line_of: dict[str, int] = {}  # contact_id → its line: duplicates name both
        self.skipped_lines = array("q")  # lines already imported, ascending: pass 2 skips them
        self.rows = 0
        self.contacts_skipped = 0
        self.survey_answers = 0
        self.direct_not_by_rule = 0
        self.cases_updated = 0
        self.references: dict[int, tuple[str, str]] = {}
        self.new_cases: list[tuple[str, _CaseDraft]] = []
        self.contact_ids: list[tuple[int, int]] = []  # the new contacts' ids, as ranges
        self.now = timezone.now()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.departments: dict[str, int | None] = dict(Department.objects.values_list("code", "pk"))
        self.subject_areas: dict[str, int | None] = dict(
            SubjectArea.objects.values_list("code", "pk")
        )
        self.department_names = {code: code for code in self.departments}
        self.subject_area_names = {code: code for code in self.subject_areas}
        # The other way round, for cases imported earlier (codes as the file writes them).
        self.department_codes = {pk: code for code, pk in self.departments.items()}
        self.subject_area_codes = {pk: code for code, pk in self.subject_areas.items()}
        self.missing_departments: list[str] = []
        self.missing_subject_areas: list[str] = []
        # A first import needs no lookups at all.
        self.look_up_contacts = Contact.objects.filter(external_id__isnull=False).exists()
        self.look_up_cases = Case.objects.exclude(external_ref="").exists()
        # Where each of COLUMNS is in the file's rows (the header may order them as it likes).
        self.positions: tuple[int, ...] = tuple(range(len(COLUMNS)))
        self.order: Callable[[list[str]], tuple[str, ...]] = itemgetter(*self.positions)
        self.width = len(COLUMNS)
        self.file_state: tuple[int, int] | None = None

    # -- pass 1: validate ------------------------------------------------------------------------

    def validate(self) -> None:
        self.file_state = self._file_state()
        with self.path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            if not self._header(reader):
                self.problems.raise_if_any()
            pending: list[_Row] = []
            while True:
                line = reader.line_num + 1
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    self.problems.add(line, "", "csv-invalid", f"felaktig CSV: {exc}.")
                    continue
                if not values:
                    continue  # an empty line
                self.rows += 1
                if not "".join(values).isascii() and not _utf8(values):
                    # Read with surrogateescape: a bad byte is this row's problem, not a
                    # decoding error a whole buffer ahead of the row being read.
                    self.problems.add(line, "", "not-utf8", "raden är inte giltig UTF-8.")
                    continue
                if self.rows % PROGRESS_EVERY == 0:
                    self.progress(f"Kontrollerar: {self.rows} rader …")
                if len(values) != self.width:
                    self.problems.add(
                        line,
                        "",
                        "field-count",
                        f"{len(values)} fält, rubrikraden har {self.width}.",
                    )
                    continue
                row = self._parse(line, values)
                if row is not None:
                    pending.append(row)
                    if len(pending) >= LOOKUP_BATCH:
                        self._absorb(pending)
                        pending = []
            self._absorb(pending)
        if not self.rows and not self.problems.total:
            self.problems.add(1, "", "file-empty", "filen har inga rader efter rubrikraden.")
        self.first_line_of.clear()  # not needed any more: its memory serves the writing
        self._check_cases()
        self.problems.raise_if_any()
        self.progress(f"Kontrollerade {self.rows} rader: {len(self.drafts)} ärenden.")

    def _file_state(self) -> tuple[int, int]:
        stat = self.path.stat()
        return stat.st_size, stat.st_mtime_ns

    def _header(self, reader: Iterator[list[str]]) -> bool:
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self.problems.add(1, "", "csv-invalid", f"felaktig CSV: {exc}.")
            return False
        if not header:
            self.problems.add(1, "", "file-empty", "filen är tom (rubrikraden saknas).")
            return False
        names = [name.strip() for name in header]
        if len(names) == 1 and ";" in names[0]:
            self.problems.add(
                1,
                "",
                "separator",
                "rubrikraden är semikolonseparerad; filen ska vara kommaseparerad.",
            )
            return False
        ok = True
        for name in COLUMNS:
            if name not in names:
                self.problems.add(1, name, "column-missing", "kolumnen saknas i rubrikraden.")
                ok = False
        seen: set[str] = set()
        for name in names:
            if name in seen:
                self.problems.add(1, name, "column-duplicate", "kolumnen finns två gånger.")
                ok = False
            elif name not in COLUMNS:
                shown = name or "(tom)"
                self.problems.add(
                    1,
                    shown,
                    "column-unknown",
                    f"okänd kolumn; kolumnerna är {', '.join(COLUMNS)}.",
                )
                ok = False
            seen.add(name)
        if ok:
            self.positions = tuple(names.index(name) for name in COLUMNS)
            self.order = itemgetter(*self.positions)
            self.width = len(names)
        return ok

    def _parse(self, line: int, values: list[str]) -> _Row | None:
        """The row's values checked one by one; None (and its problems noted) if any is wrong."""
        (
            contact_id,
            case_ref,
            channel_text,
            direction_text,
            occurred_text,
            answered_text,
            department_text,
            area_text,
            rosa_text,
            resolved_text,
            courtesy_text,
        ) = map(str.strip, self.order(values))
        add = self.problems.add
        before = self.problems.total
        if not contact_id:
            add(line, "contact_id", "contact-id-required", "contact_id saknas.")
        elif len(contact_id) > EXTERNAL_MAX:
            add(line, "contact_id", "too-long", f"längre än {EXTERNAL_MAX} tecken.")
        else:
            first = self.first_line_of.setdefault(contact_id, line)
            if first != line:
                add(
                    line,
                    "contact_id",
                    "contact-id-duplicate",
                    f"{contact_id!r} finns redan på rad {first}.",
                )
        if not case_ref:
            add(line, "case_ref", "case-ref-required", "case_ref saknas.")
        elif len(case_ref) > EXTERNAL_MAX:
            add(line, "case_ref", "too-long", f"längre än {EXTERNAL_MAX} tecken.")
        channel = CHANNELS.get(channel_text) or CHANNELS.get(channel_text.lower())
        if channel is None:
            add(
                line,
                "channel",
                "channel-unknown",
                f"okänd kanal {channel_text!r}; tillåtna: {', '.join(Channel.values)}.",
            )
        direction = DIRECTIONS.get(direction_text) or DIRECTIONS.get(direction_text.lower())
        if direction is None:
            add(
                line,
                "direction",
                "direction-unknown",
                f"okänd riktning {direction_text!r}; tillåtna: in, out.",
            )
        occurred_at = self._moment(line, "occurred_at", occurred_text)
        answered_at = self._moment(line, "answered_at", answered_text) if answered_text else None
        if answered_at is not None:
            if (channel, direction) != (Channel.PHONE, Direction.IN) and None not in (
                channel,
                direction,
            ):
                add(
                    line,
                    "answered_at",
                    "answered-at-only-inbound-phone",
                    "får bara anges för inkommande samtal (channel phone, direction in).",
                )
            if occurred_at is not None and answered_at < occurred_at:
                add(
                    line,
                    "answered_at",
                    "answered-before-occurred",
                    "samtalet kan inte ha besvarats innan det kom in (före occurred_at).",
                )
        # Known codes as the dictionaries' own strings: a million rows share a few objects.
        department = self.department_names.get(department_text)
        if department is None and department_text:
            department = self._code(line, "department", department_text)
        subject_area = self.subject_area_names.get(area_text)
        if subject_area is None and area_text:
            subject_area = self._code(line, "subject_area", area_text)
        rosa_level = None
        if rosa_text:
            rosa_level = ROSA_LEVELS.get(rosa_text)
            if rosa_level is None:
                add(line, "rosa_level", "rosa-level-invalid", f"{rosa_text!r} är inte 1–6.")
        resolved_directly = None
        if resolved_text:
            resolved_directly = BOOLEANS.get(resolved_text.lower())
            if resolved_directly is None:
                add(
                    line,
                    "resolved_directly",
                    "boolean-invalid",
                    f"{resolved_text!r}: skriv true, false eller lämna tomt (olöst).",
                )
        courtesy = None
        if courtesy_text:
            courtesy = GRADES.get(courtesy_text)
            if courtesy is None:
                add(line, "courtesy", "grade-invalid", f"{courtesy_text!r} är inte 1–5.")
        if self.problems.total != before:
            return None
        assert channel is not None and direction is not None and occurred_at is not None
        return _Row(
            line,
            contact_id,
            case_ref,
            channel,
            direction,
            occurred_at,
            answered_at,
            department,
            subject_area,
            rosa_level,
            resolved_directly,
            courtesy,
        )

    def _moment(self, line: int, column: str, text: str) -> dt.datetime | None:
        """An aware instant, with the file's offset (aware instants compare by the instant;
        what a draft keeps is converted to UTC, `_utc`)."""
        if not text:
            self.problems.add(line, column, "datetime-required", "tidpunkt saknas.")
            return None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            self.problems.add(
                line,
                column,
                "datetime-invalid",
                f"{text!r} är ingen ISO 8601-tidpunkt (t.ex. 2026-03-02T10:15:00+01:00).",
            )
            return None
        if moment.utcoffset() is None:
            self.problems.add(
                line,
                column,
                "datetime-naive",
                f"{text!r} saknar tidszon; ange UTC-offset, t.ex. +01:00 eller Z.",
            )
            return None
        return moment

    def _code(self, line: int, column: str, text: str) -> str | None:
        """A code not known yet: a problem, or with --create-missing one to create."""
        if column == "department":
            known, names, missing = (
                self.departments,
                self.department_names,
                self.missing_departments,
            )
        else:
            known, names, missing = (
                self.subject_areas,
                self.subject_area_names,
                self.missing_subject_areas,
            )
        similar = [code for code in known if code.lower() == text.lower()]
        if similar:
            self.problems.add(
                line, column, "code-unknown", f"okänd kod {text!r}; menar du {similar[0]!r}?"
            )
            return None
        if not self.create_missing:
            self.problems.add(
                line,
                column,
                "code-unknown",
                f"okänd kod {text!r}; lägg upp den först eller kör med --create-missing.",
            )
            return None
        if len(text) > CODE_MAX or not set(text) <= SLUG_CHARACTERS:
            self.problems.add(
                line,
                column,
                "code-invalid",
                f"{text!r} kan inte bli en kod: högst {CODE_MAX} tecken a–z, 0–9, - och _.",
            )
            return None
        known[text] = None  # created in the write phase
        names[text] = text
        missing.append(text)
        return text

    def _absorb(self, rows: list[_Row]) -> None:
        """Fold a batch of valid rows into the case drafts, after looking up in one go which of
        them, and which of their cases, were imported before."""
        if not rows:
            return
        stored_contacts = (
            self._stored_contacts([row.contact_id for row in rows]) if self.look_up_contacts else {}
        )
        new_refs = {row.case_ref for row in rows if row.case_ref not in self.drafts}
        stored_cases = self._stored_cases(new_refs) if self.look_up_cases and new_refs else {}
        drafts = self.drafts
        for row in rows:
            ref = row.case_ref
            draft = drafts.get(ref)
            if draft is None:
                if ref in self.ambiguous_refs:
                    self._ambiguous(row)
                    continue
                found = stored_cases.get(ref, [])
                if len(found) > 1:
                    self.ambiguous_refs.add(ref)
                    self._ambiguous(row, found)
                    continue
                if not found and row.contact_id not in stored_contacts:
                    drafts[ref] = self._new_case(row)  # the common case, in one step
                    continue
                draft = drafts[ref] = self._draft(found[0] if found else None)
            stored = stored_contacts.get(row.contact_id)
            if stored is None:
                self._add_contact(draft, row)
            elif self._same_as_stored(row, stored):
                self.contacts_skipped += 1
                self.skipped_lines.append(row.line)
            # Most rows repeat their case's values, or leave them empty: checked inline.
            if (
                (row.department is not None and row.department != draft.department)
                or (row.subject_area is not None and row.subject_area != draft.subject_area)
                or (row.rosa_level is not None and row.rosa_level != draft.rosa_level)
                or (
                    row.resolved_directly is not None
                    and row.resolved_directly != draft.resolved_directly
                )
            ):
                self._case_values(ref, draft, row)

    def _ambiguous(self, row: _Row, found: Sequence[_StoredCase] = ()) -> None:
        references = ", ".join(case.reference for case in found)
        self.problems.add(
            row.line,
            "case_ref",
            "case-ref-ambiguous",
            f"{row.case_ref!r} hör till flera ärenden som redan finns"
            + (f" ({references})." if references else "."),
        )

    def _new_case(self, row: _Row) -> _CaseDraft:
        """The draft of a case first seen on this row, a new contact."""
        at = _utc(row.occurred_at)
        # `response_time` reads only channel, direction, occurred_at and answered_at.
        responded = response_time(cast(Contact, row))
        if row.courtesy is not None:
            self.survey_answers += 1
        line = row.line
        return _CaseDraft(
            line,
            at,
            at,
            row.channel,
            None if responded is None else at if responded is row.occurred_at else _utc(responded),
            1,
            1 if row.direction == Direction.IN else 0,
            row.department,
            line if row.department is not None else 0,
            row.subject_area,
            line if row.subject_area is not None else 0,
            row.rosa_level,
            line if row.rosa_level is not None else 0,
            row.resolved_directly,
            line if row.resolved_directly is not None else 0,
        )

    def _draft(self, stored: _StoredCase | None) -> _CaseDraft:
        if stored is None:
            return _CaseDraft()
        return _CaseDraft(
            department=self.department_codes.get(stored.department_id),
            subject_area=self.subject_area_codes.get(stored.subject_area_id),
            rosa_level=stored.rosa_level,
            resolved_directly=stored.resolved_directly,
            stored=stored,
            case_id=stored.pk,
        )

    def _stored_contacts(self, contact_ids: list[str]) -> dict[str, _StoredContact]:
        rows = Contact.objects.filter(_Among(F("external_id"), contact_ids)).values_list(
            "external_id",
            "case__external_ref",
            "channel",
            "direction",
            "occurred_at",
            "answered_at",
        )
        grades = dict(
            SurveyAnswer.objects.filter(
                _Among(F("contact__external_id"), contact_ids), question=SurveyQuestion.COURTESY
            ).values_list("contact__external_id", "grade")
        )
        return {
            external_id: _StoredContact(
                ref, channel, direction, occurred, answered, grades.get(external_id)
            )
            for external_id, ref, channel, direction, occurred, answered in rows
            if external_id is not None
        }

    def _stored_cases(self, refs: set[str]) -> dict[str, list[_StoredCase]]:
        cases = list(
            Case.objects.filter(_Among(F("external_ref"), list(refs))).values_list(
                "external_ref",
                "pk",
                "reference",
                "version",
                "status",
                "reopened_count",
                "created_at",
                "department_id",
                "subject_area_id",
                "rosa_level",
                "resolved_directly",
                "first_response_at",
                "resolved_at",
            )
        )
        if not cases:
            return {}
        last = dict(
            Contact.objects.filter(_Among(F("case_id"), [row[1] for row in cases]))
            .values("case_id")
            .annotate(last=Max("occurred_at"))
            .values_list("case_id", "last")
        )
        found: dict[str, list[_StoredCase]] = {}
        for row in cases:
            found.setdefault(row[0], []).append(_StoredCase._make((*row[1:], last.get(row[1]))))
        return found

    def _same_as_stored(self, row: _Row, stored: _StoredContact) -> bool:
        """An already imported row must say what is stored: a changed export is not silently
        ignored."""
        as_stored = (row.case_ref, row.channel, row.direction, row.occurred_at, row.answered_at)
        if (*as_stored, row.courtesy) == stored:
            return True
        differences = [
            (column, _shown(mine), _shown(theirs))
            for column, mine, theirs in (
                ("case_ref", row.case_ref, stored.case_ref),
                ("channel", row.channel, stored.channel),
                ("direction", row.direction, stored.direction),
                ("occurred_at", row.occurred_at, stored.occurred_at),
                ("answered_at", row.answered_at, stored.answered_at),
                ("courtesy", row.courtesy, stored.courtesy),
            )
            if mine != theirs
        ]
        for column, mine, theirs in differences:
            self.problems.add(
                row.line,
                column,
                "differs-from-imported",
                f"kontakten {row.contact_id!r} är redan importerad med {theirs}, "
                f"filen säger {mine}.",
            )
        return not differences

    def _add_contact(self, draft: _CaseDraft, row: _Row) -> None:
        stored = draft.stored
        if stored is not None and row.occurred_at < stored.created_at:
            self.problems.add(
                row.line,
                "occurred_at",
                "contact-before-case",
                f"ligger före första kontakten i ärende {stored.reference} som redan är "
                f"importerat ({_shown(stored.created_at)}).",
            )
            return
        draft.new_contacts += 1
        if draft.first_at is None or row.occurred_at < draft.first_at:
            draft.first_at = _utc(row.occurred_at)
            draft.first_line = row.line
            draft.channel = row.channel
        if draft.last_at is None or row.occurred_at > draft.last_at:
            draft.last_at = _utc(row.occurred_at)
        responded = response_time(cast(Contact, row))
        if responded is not None and (draft.response_at is None or responded < draft.response_at):
            draft.response_at = _utc(responded)
        if row.direction == Direction.IN:
            draft.inbound += 1
        if row.courtesy is not None:
            self.survey_answers += 1

    def _case_values(self, ref: str, draft: _CaseDraft, row: _Row) -> None:
        """Case-level values: the first one given sticks; a different one is a contradiction."""
        for column, line_attribute in CASE_VALUES:
            value = getattr(row, column)
            if value is None:
                continue
            current = getattr(draft, column)
            if current is None:
                setattr(draft, column, value)
                setattr(draft, line_attribute, row.line)
            elif current != value:
                source = getattr(draft, line_attribute)
                if source:
                    where = f"rad {source} säger {_shown(current)}"
                else:
                    assert draft.stored is not None
                    where = f"{draft.stored.reference} är redan importerat med {_shown(current)}"
                self.problems.add(
                    row.line,
                    column,
                    "case-values-contradict",
                    f"{_shown(value)} för ärende {ref!r}, men {where}.",
                )

    def _check_cases(self) -> None:
        """What can only be judged once all of a case's rows are read."""
        fresh = Case()  # what the rule reads from an imported case: never escalated, no promise
        for ref, draft in self.drafts.items():
            if draft.resolved_line and draft.rosa_level is None:
                self.problems.add(
                    draft.resolved_line,
                    "rosa_level",
                    "rosa-level-required",
                    f"ärende {ref!r} är löst (resolved_directly) men ingen rad anger ROSA-nivå.",
                )
            stored = draft.stored
            if stored is None:
                if draft.resolved_directly and not resolved_directly_rule(
                    by_contact_centre=True,
                    rosa_level=draft.rosa_level or 0,
                    case=fresh,
                    inbound_contacts=draft.inbound,
                ):
                    self.direct_not_by_rule += 1
                continue
            resolves = stored.resolved_directly is None and draft.resolved_directly is not None
            if resolves and (stored.status != CaseStatus.OPEN or stored.reopened_count):
                self.problems.add(
                    draft.resolved_line,
                    "resolved_directly",
                    "case-changed-since-import",
                    f"ärende {stored.reference} ({ref!r}) har hanterats i systemet efter "
                    f"importen (status {CaseStatus(stored.status).label.lower()}"
                    + (", öppnat igen" if stored.reopened_count else "")
                    + "); importen löser det inte. Ta bort lösningen ur filen.",
                )

    # -- writing ---------------------------------------------------------------------------------

    def write(self) -> None:
        self._codes_create()
        self._case_ids()
        self._contacts_write()
        self._stored_cases_update()
        # Last: the reference counter stays locked from here until commit (the facts are built
        # after the cases exist: a few seconds more for a million cases).
        self._cases_write()
        self._facts_build()

    def _facts_build(self) -> None:
        """The per-case facts of every case the file added contacts to (set-based)."""
        touched = [
            draft.case_id
            for draft in self.drafts.values()
            if draft.case_id is not None and draft.new_contacts
        ]
        self.progress(f"Bygger nyckeltalsunderlag för {len(touched)} ärenden …")
        case_facts_rebuild(touched)

    def _codes_create(self) -> None:
        for code in self.missing_departments:
            department = Department(code=code, name=code)
            department._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
            department.save()
            self.departments[code] = department.pk
        for code in self.missing_subject_areas:
            self.subject_areas[code] = SubjectArea.objects.create(code=code, name=code).pk

    def _case_ids(self) -> None:
        """Ids for the new cases, in the order of their first contacts (as their references)."""
        self.new_cases = [
            (ref, draft)
            for ref, draft in self.drafts.items()
            if draft.stored is None and draft.new_contacts
        ]
        self.new_cases.sort(key=lambda item: (item[1].first_at, item[1].first_line))
        for start in range(0, len(self.new_cases), WRITE_BATCH):
            chunk = self.new_cases[start : start + WRITE_BATCH]
            for (_ref, draft), pk in zip(chunk, _ids_reserve(Case, len(chunk)), strict=True):
                draft.case_id = pk

    def _contacts_write(self) -> None:
        """Pass 2: the file again; every row not imported before is written, with its survey
        answer. A block of ids is taken, then the rows are parsed as the COPY asks for them,
        so the server inserts while Python parses."""
        contacts = _Table(
            Contact,
            (
                "id",
                "case_id",
                "channel",
                "direction",
                "occurred_at",
                "answered_at",
                "external_id",
                "created_at",
            ),
        )
        answers = _Table(SurveyAnswer, ("contact_id", "question", "grade", "answered_at"))
        expected = sum(draft.new_contacts for draft in self.drafts.values())
        rows = self._new_contacts()
        written = 0
        while written < expected:
            ids = _ids_reserve(Contact, min(WRITE_BATCH, expected - written))
            grades: list[tuple[int, str, int, dt.datetime]] = []
            contacts.write(self._contact_rows(ids, rows, grades))
            # The grade is about that contact; when the citizen gave it is unknown: its time.
            answers.write(grades)
            _id_ranges(ids, self.contact_ids)
            written += len(ids)
            self.progress(f"Skriver: {written} kontakter …")
        if next(rows, None) is not None or self.file_state != self._file_state():
            raise ContactImportError(
                [ImportProblem(1, "", "file-changed", "filen ändrades under importen.")]
            )
        _history_add(Contact, self.contact_ids, "+", self.now)
        self.progress(f"Skrev {written} kontakter.")

    def _contact_rows(
        self,
        ids: list[int],
        rows: Iterator[tuple[Any, ...]],
        grades: list[tuple[int, str, int, dt.datetime]],
    ) -> Iterator[tuple[Any, ...]]:
        """`len(ids)` contact rows from `rows`, with those ids; their grades go to `grades`."""
        now, courtesy_question = self.now, SurveyQuestion.COURTESY.value
        for pk in ids:
            row = next(rows, None)
            if row is None:
                raise ContactImportError(
                    [ImportProblem(1, "", "file-changed", "filen ändrades under importen.")]
                )
            case_id, channel, direction, occurred, answered, contact_id, courtesy = row
            if courtesy:
                grades.append((pk, courtesy_question, int(courtesy), occurred))
            yield pk, case_id, channel, direction, occurred, answered, contact_id, now

    def _new_contacts(self) -> Iterator[tuple[Any, ...]]:
        """The file's rows again, those already imported left out, as far as the contact goes:
        (case id, channel, direction, occurred_at, answered_at, contact_id, courtesy)."""
        columns = itemgetter(
            *(
                self.positions[COLUMNS.index(name)]
                for name in (
                    "contact_id",
                    "case_ref",
                    "channel",
                    "direction",
                    "occurred_at",
                    "answered_at",
                    "courtesy",
                )
            )
        )
        drafts = self.drafts
        skipped = iter(self.skipped_lines)
        next_skip = next(skipped, None)
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            next(reader)
            previous = reader.line_num
            for values in reader:
                line, previous = previous + 1, reader.line_num
                if not values:
                    continue
                if line == next_skip:
                    next_skip = next(skipped, None)
                    continue
                contact_id, ref, channel, direction, occurred, answered, courtesy = map(
                    str.strip, columns(values)
                )
                yield (
                    drafts[ref].case_id,
                    CHANNELS.get(channel) or channel.lower(),
                    DIRECTIONS.get(direction) or direction.lower(),
                    # Any offset will do: the database driver converts.
                    dt.datetime.fromisoformat(occurred),
                    dt.datetime.fromisoformat(answered) if answered else None,
                    contact_id,
                    courtesy,
                )

    def _stored_case_changes(self) -> list[tuple[_CaseDraft, _CaseValues]]:
        """Cases imported earlier whose own values the file changes: an earlier first response,
        values they lacked, a resolution (see the module notes). Pure: dry runs count them."""
        changes = []
        for draft in self.drafts.values():
            stored = draft.stored
            if stored is None:
                continue
            old = _CaseValues(
                stored.first_response_at,
                stored.department_id,
                stored.subject_area_id,
                stored.rosa_level,
                stored.resolved_directly,
                stored.status,
                stored.resolved_at,
            )
            new = old._replace(
                first_response_at=min(
                    (t for t in (stored.first_response_at, draft.response_at) if t is not None),
                    default=None,
                ),
                department_id=stored.department_id or self.departments.get(draft.department or ""),
                subject_area_id=(
                    stored.subject_area_id or self.subject_areas.get(draft.subject_area or "")
                ),
                rosa_level=draft.rosa_level,
                resolved_directly=draft.resolved_directly,
            )
            if stored.resolved_directly is None and draft.resolved_directly is not None:
                last = [t for t in (stored.last_contact_at, draft.last_at) if t is not None]
                new = new._replace(status=CaseStatus.RESOLVED.value, resolved_at=max(last))
            if new != old:
                changes.append((draft, new))
        return changes

    def _stored_cases_update(self) -> None:
        """Write `_stored_case_changes`, refused if someone changed one of those cases since
        pass 1 read it (the optimistic version check the case forms use)."""
        changes = self._stored_case_changes()
        if not changes:
            return
        versions: dict[int, int] = {}
        for start in range(0, len(changes), LOOKUP_BATCH):
            ids = [draft.case_id for draft, _ in changes[start : start + LOOKUP_BATCH]]
            versions.update(
                Case.objects.select_for_update().filter(pk__in=ids).values_list("pk", "version")
            )
        adapt = connection.ops.adapt_datetimefield_value
        updates = []
        for draft, new in changes:
            stored = draft.stored
            assert stored is not None
            if versions.get(stored.pk) != stored.version:
                raise ContactImportError(
                    [
                        ImportProblem(
                            draft.first_line or draft.resolved_line or 1,
                            "case_ref",
                            "case-changed-during-import",
                            f"ärende {stored.reference} ändrades i systemet under importen; "
                            "kör importen igen.",
                        )
                    ]
                )
            updates.append(
                (
                    adapt(new.first_response_at),
                    new.department_id,
                    new.subject_area_id,
                    new.rosa_level,
                    new.resolved_directly,
                    new.status,
                    adapt(new.resolved_at),
                    adapt(self.now),
                    stored.pk,
                )
            )
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {qn(Case._meta.db_table)} SET first_response_at = %s, "
                "department_id = %s, subject_area_id = %s, rosa_level = %s, "
                "resolved_directly = %s, status = %s, resolved_at = %s, updated_at = %s, "
                "version = version + 1 WHERE id = %s",
                updates,
            )
        _history_add(Case, _id_ranges(row[-1] for row in updates), "~", self.now)
        self.cases_updated = len(updates)

    def _cases_write(self) -> None:
        """The new cases with their references: a block per year, in the order of their first
        contacts, under the year's counter lock (held until commit: this runs last)."""
        cases = _Table(
            Case,
            (
                "id",
                "reference",
                "channel",
                "status",
                "department_id",
                "subject_area_id",
                "summary",
                "external_ref",
                "rosa_level",
                "resolved_directly",
                "created_at",
                "first_response_at",
                "resolved_at",
                "updated_at",
                "version",
            ),
        )
        departments, areas, now = self.departments, self.subject_areas, self.now

        def local_year(item: tuple[str, _CaseDraft]) -> int:
            first_at = item[1].first_at
            assert first_at is not None
            return first_at.astimezone(self.zone).year

        def rows(
            year_cases: list[tuple[str, _CaseDraft]], references: list[str]
        ) -> Iterator[tuple[Any, ...]]:
            for (ref, draft), reference in zip(year_cases, references, strict=True):
                resolved = draft.resolved_directly is not None
                yield (
                    draft.case_id,
                    reference,
                    draft.channel,
                    CaseStatus.RESOLVED.value if resolved else CaseStatus.OPEN.value,
                    departments[draft.department] if draft.department else None,
                    areas[draft.subject_area] if draft.subject_area else None,
                    f"Importerat ärende {ref}",
                    ref,
                    draft.rosa_level,
                    draft.resolved_directly,
                    draft.first_at,
                    draft.response_at,
                    draft.last_at if resolved else None,
                    now,
                    1,
                )

        for year, group in groupby(self.new_cases, key=local_year):
            year_cases = list(group)
            references = references_allocate_block(year=year, count=len(year_cases))
            self.references[year] = (references[0], references[-1])
            cases.write(rows(year_cases, references))
        case_ids = _id_ranges(draft.case_id for _, draft in self.new_cases if draft.case_id)
        _history_add(Case, case_ids, "+", now)
        self.progress(f"Skrev {len(self.new_cases)} ärenden.")

    # -- the result ------------------------------------------------------------------------------

    def result(self, *, dry_run: bool) -> ImportResult:
        drafts = self.drafts.values()
        return ImportResult(
            rows=self.rows,
            contacts_created=sum(d.new_contacts for d in drafts),
            contacts_skipped=self.contacts_skipped,
            cases_created=sum(1 for d in drafts if d.stored is None and d.new_contacts),
            cases_extended=sum(1 for d in drafts if d.stored is not None and d.new_contacts),
            cases_updated=len(self._stored_case_changes()) if dry_run else self.cases_updated,
            survey_answers=self.survey_answers,
            departments_created=list(self.missing_departments),
            subject_areas_created=list(self.missing_subject_areas),
            references=dict(self.references),
            direct_not_by_rule=self.direct_not_by_rule,
            dry_run=dry_run,
        )


def _utc(moment: dt.datetime) -> dt.datetime:
    """In UTC: the many instants a draft keeps then share one tzinfo instead of one each."""
    return moment.astimezone(dt.UTC)


def _utf8(values: list[str]) -> bool:
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(value: object) -> str:
    """A value as the file would write it, in messages."""
    if value is None:
        return "tomt"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()  # local time, as exports usually are
    return repr(value) if isinstance(value, str) else str(value)


class _Among(Lookup):
    """`column IN (values)`, sent as one array parameter on PostgreSQL (`= ANY(%s)`): with
    thousands of values, preparing them one by one and parsing the long IN list cost more
    than the lookup itself. Used directly, not registered as a lookup on any field."""

    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


# --- Writing rows fast --------------------------------------------------------------------------


def _ids_reserve(model: type[Model], count: int) -> list[int]:
    """`count` primary keys nobody else will be given, taken from the table's own sequence, so
    rows can be written with their ids (and rows pointing at them) without reading back."""
    if count < 1:
        return []
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence resolved once: per row, pg_get_serial_sequence costs 10 times nextval.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
            (sequence,) = cursor.fetchone()
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # The transaction holds SQLite's write lock (IMMEDIATE): moving the AUTOINCREMENT
            # counter past the block reserves it, as nextval does.
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT MAX({qn(pk.column)}) FROM {qn(table)}")
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(highest, row[0] if row else 0) + 1
            last = start + count - 1
            if row:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, table])
            else:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last]
                )
            return list(range(start, last + 1))
    # The project runs on SQLite and PostgreSQL only (README); say so instead of guessing.
    raise ImproperlyConfigured(
        f"import_contacts reserves ids on SQLite and PostgreSQL only, not {connection.vendor}"
    )


class _Table:
    """Rows into one model's table: COPY on PostgreSQL, one `executemany` elsewhere.

    A row gives `columns` in that order; every other column gets its field's default, so a
    field added to the model later is written too (or fails loudly if it has no default).
    """

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        fields: dict[str, Field] = {f.column: f for f in model._meta.concrete_fields}
        unknown = [column for column in columns if column not in fields]
        if unknown:
            raise ImproperlyConfigured(f"{model.__name__} has no columns {unknown}")
        rest = [f for f in fields.values() if f.column not in columns and not f.primary_key]
        self.table = model._meta.db_table
        self.columns = [*columns, *(f.column for f in rest)]
        self.defaults = tuple(f.get_default() for f in rest)
        self.postgres = connection.vendor == "postgresql"
        # Binary COPY (a third of the time of text COPY) needs each column's type.
        self.types = [fields[column].db_type(connection) or "" for column in self.columns]
        self.types = [name.split("(")[0].strip() for name in self.types]
        self.moments = [
            n
            for n, column in enumerate(self.columns)
            if fields[column].get_internal_type() == "DateTimeField"
        ]

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Write `rows`, consumed as they are written: a generator that parses or builds them
        keeps Python busy while the server inserts what it has already sent."""
        qn = connection.ops.quote_name
        columns = ", ".join(qn(column) for column in self.columns)
        defaults = self.defaults
        with connection.cursor() as cursor:
            if self.postgres:
                sql = f"COPY {qn(self.table)} ({columns}) FROM STDIN (FORMAT BINARY)"
                with cursor.cursor.copy(sql) as copy:
                    copy.set_types(self.types)
                    for row in rows:
                        copy.write_row(row + defaults)
                return
            adapt = connection.ops.adapt_datetimefield_value
            insert = (
                f"INSERT INTO {qn(self.table)} ({columns}) "
                f"VALUES ({', '.join(['%s'] * len(self.columns))})"
            )
            batch: list[list[Any]] = []
            for row in rows:
                values = list(row + defaults)
                for n in self.moments:
                    if values[n] is not None:
                        values[n] = adapt(values[n])
                batch.append(values)
                if len(batch) >= WRITE_BATCH:
                    cursor.executemany(insert, batch)
                    batch = []
            if batch:
                cursor.executemany(insert, batch)


# The columns simple-history adds to a historical model; anything else must be a tracked field.
HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _id_ranges(
    ids: Iterable[int], ranges: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Runs of consecutive ids (added to `ranges`): ids taken from a sequence in blocks make a
    few long runs."""
    ranges = [] if ranges is None else ranges
    for pk in sorted(ids):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], pk)
        else:
            ranges.append((pk, pk))
    return ranges


def _history_add(
    model: type[Case] | type[Contact],
    ranges: Sequence[tuple[int, int]],
    history_type: str,
    now: dt.datetime,
) -> None:
    """One history row (by nobody, reason "imported") for each row in these id ranges, copied
    from the row as it now stands: one `INSERT ... SELECT` per hundred ranges."""
    if not ranges or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    tracked = [f.column for f in history.tracked_fields]
    expected = {*tracked, "history_id", *HISTORY_COLUMNS}
    actual = {f.column for f in history._meta.concrete_fields}
    if actual != expected:
        raise ImproperlyConfigured(
            f"{history.__name__} has columns the importer does not know: "
            f"{sorted(actual ^ expected)}. Update kpi.importer._history_add."
        )
    qn = connection.ops.quote_name
    columns = ", ".join(qn(column) for column in (*tracked, *HISTORY_COLUMNS))
    values = ", ".join(f"src.{qn(column)}" for column in tracked)
    select = (
        f"INSERT INTO {qn(history._meta.db_table)} ({columns}) "
        f"SELECT {values}, %s, %s, %s, NULL FROM {qn(model._meta.db_table)} src WHERE "
    )
    params = [connection.ops.adapt_datetimefield_value(now), CHANGE_REASON, history_type]
    with connection.cursor() as cursor:
        for start in range(0, len(ranges), 100):
            chunk = ranges[start : start + 100]
            where = " OR ".join([f"src.{qn('id')} BETWEEN %s AND %s"] * len(chunk))
            cursor.execute(select + where, [*params, *(n for pair in chunk for n in pair)])
