"""`manage.py import_contacts`: contacts from an old system or a telephony export become cases,
contacts and survey answers, all or nothing, and feed the KKiK measures like logged contacts do.

Each test writes its CSV with `csv_file(row(...), ...)`: a row names only the columns that are not
empty. Line numbers in the assertions are as in the file: the header is line 1.
"""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from cases import services
from cases.models import (
    Case,
    CaseStatus,
    Contact,
    Department,
    ReferenceCounter,
    SubjectArea,
    SurveyAnswer,
)
from kpi.importer import COLUMNS, PROBLEMS_KEPT, ContactImportError, contacts_import
from kpi.models import DayCases
from kpi.report import kkik_report
from tests.factories import SubjectAreaFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = dt.UTC


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def row(contact_id: str, case_ref: str, **values: str) -> dict[str, str]:
    """One contact; an inbound phone call at 2026-03-02 10:00 local unless told otherwise."""
    values.setdefault("channel", "phone")
    values.setdefault("direction", "in")
    values.setdefault("occurred_at", "2026-03-02T10:00:00+01:00")
    return {"contact_id": contact_id, "case_ref": case_ref, **values}


@pytest.fixture
def csv_file(tmp_path, db):
    counter = iter(range(1, 1000))

    def write(*rows: dict[str, str], header: str = ",".join(COLUMNS), prefix: str = "") -> str:
        lines = [header]
        for values in rows:
            unknown = set(values) - set(COLUMNS)
            assert not unknown, unknown
            lines.append(",".join(values.get(column, "") for column in COLUMNS))
        path = tmp_path / f"kontakter-{next(counter)}.csv"
        path.write_text(prefix + "\n".join(lines) + "\n", encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def bygglov(db):
    return SubjectAreaFactory(code="bygglov", name="Bygglov")


def problems_of(path: str, **options: bool) -> list[tuple[int, str, str]]:
    with pytest.raises(ContactImportError) as caught:
        contacts_import(path=path, **options)
    return [(p.line, p.column, p.code) for p in caught.value.problems]


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("import_contacts", *args, stdout=out)
    return out.getvalue()


# --- What an import creates ---------------------------------------------------------------------


def test_rows_become_cases_contacts_and_survey_answers(department, bygglov, csv_file):
    path = csv_file(
        # A: one call answered in 45 s, resolved directly, rated 5.
        row(
            "c1",
            "A",
            answered_at="2026-03-02T10:00:45+01:00",
            department="bygg",
            subject_area="bygglov",
            rosa_level="1",
            resolved_directly="true",
            courtesy="5",
        ),
        # B: an abandoned call, then the citizen gets through; still open. The case-level
        # values may come on any row.
        row("c2", "B", occurred_at="2026-03-02T11:00:00+01:00"),
        row(
            "c3",
            "B",
            occurred_at="2026-03-02T11:05:00+01:00",
            answered_at="2026-03-02T11:05:20+01:00",
            department="bygg",
        ),
        # C: an e-mail answered on Monday (in UTC in the file), resolved but not directly.
        row("c4", "C", channel="email", occurred_at="2026-03-13T09:00:00Z"),
        row(
            "c5",
            "C",
            channel="email",
            direction="out",
            occurred_at="2026-03-16T10:00:00+01:00",
            rosa_level="2",
            resolved_directly="false",
            courtesy="4",
        ),
    )

    result = contacts_import(path=path)

    assert (result.rows, result.contacts_created, result.contacts_skipped) == (5, 5, 0)
    assert (result.cases_created, result.cases_extended, result.survey_answers) == (3, 0, 2)
    assert result.references == {2026: ("KT-2026-000001", "KT-2026-000003")}
    a, b, c = (Case.objects.get(external_ref=ref) for ref in "ABC")
    assert a.reference == "KT-2026-000001"
    assert (a.channel, a.status, a.rosa_level, a.resolved_directly) == (
        "phone",
        "resolved",
        1,
        True,
    )
    assert a.created_at == a.resolved_at == local(2026, 3, 2, 10, 0)
    assert a.first_response_at == local(2026, 3, 2, 10, 0, 45)
    assert (a.department, a.subject_area) == (department, bygglov)
    assert a.summary == "Importerat ärende A"
    assert (a.ever_escalated, a.version, a.assigned_to, a.resolved_by) == (False, 1, None, None)

    assert (b.status, b.resolved_directly, b.rosa_level, b.resolved_at) == (
        "open",
        None,
        None,
        None,
    )
    assert b.department == department and b.subject_area is None
    assert b.created_at == local(2026, 3, 2, 11, 0)  # the abandoned call came first
    assert b.first_response_at == local(2026, 3, 2, 11, 5, 20)
    abandoned, answered = b.contacts.order_by("occurred_at")
    assert abandoned.external_id == "c2" and abandoned.is_abandoned_call
    assert answered.answered_at == local(2026, 3, 2, 11, 5, 20)

    assert (c.channel, c.status, c.resolved_directly, c.rosa_level) == (
        "email",
        "resolved",
        False,
        2,
    )
    assert c.created_at == local(2026, 3, 13, 10, 0)
    assert c.first_response_at == c.resolved_at == local(2026, 3, 16, 10, 0)
    assert c.reference == "KT-2026-000003"

    grades = dict(SurveyAnswer.objects.values_list("contact__external_id", "grade"))
    assert grades == {"c1": 5, "c5": 4}
    assert set(SurveyAnswer.objects.values_list("question", flat=True)) == {"courtesy"}
    reply = Contact.objects.get(external_id="c5")
    assert reply.survey_answers.get().answered_at == reply.occurred_at


def test_every_new_case_and_contact_has_an_imported_history_row(department, csv_file):
    path = csv_file(
        row("c1", "A", department="bygg"),
        row("c2", "A", direction="out", occurred_at="2026-03-02T10:30:00+01:00"),
    )
    contacts_import(path=path)

    case = Case.objects.get()
    (created,) = case.history.all()
    assert (created.history_type, created.history_change_reason) == ("+", "imported")
    assert created.history_user is None
    assert (created.reference, created.department_id) == (case.reference, department.pk)
    contact_history = Contact.history.order_by("external_id")
    assert [(h.external_id, h.history_type, h.history_change_reason) for h in contact_history] == [
        ("c1", "+", "imported"),
        ("c2", "+", "imported"),
    ]
    assert {h.case_id for h in contact_history} == {case.pk}


def test_the_case_page_says_the_case_was_imported(department, csv_file, agent_client):
    contacts_import(path=csv_file(row("c1", "A", department="bygg")))

    case = Case.objects.get()
    page = agent_client.get(f"/cases/{case.reference}/").content.decode()

    assert "importerade ärendet från det tidigare systemet" in page
    assert "skapade ärendet" not in page


def test_the_first_contact_sets_channel_and_start_and_ties_go_by_file_order(csv_file):
    path = csv_file(
        row("w", "D", channel="web", occurred_at="2026-03-02T12:00:00+01:00"),
        row("p", "D", channel="phone", occurred_at="2026-03-02T11:00:00+01:00"),
        row("v", "D", channel="visit", occurred_at="2026-03-02T10:00:00Z"),  # = 11:00 local
    )
    contacts_import(path=path)

    case = Case.objects.get()
    assert (case.channel, case.created_at) == ("phone", local(2026, 3, 2, 11, 0))
    # The visit answered the citizen when it happened: the first response.
    assert case.first_response_at == local(2026, 3, 2, 11, 0)


def test_references_follow_the_local_year_and_the_counter(make_case, csv_file):
    make_case(occurred_at=local(2026, 2, 1, 9, 0))  # KT-2026-000001, logged in the product
    path = csv_file(
        # In file order: a March case, then New Year's Eve 23:30 local (2025), then 00:30 on
        # New Year's Day local, which is still 2025 in UTC but belongs to 2026.
        row("m", "MARCH", occurred_at="2026-03-01T09:00:00+01:00"),
        row("e", "EVE", occurred_at="2025-12-31T22:30:00Z"),
        row("n", "NEW-YEAR", occurred_at="2025-12-31T23:30:00Z"),
    )

    result = contacts_import(path=path)

    references = dict(
        Case.objects.exclude(external_ref="").values_list("external_ref", "reference")
    )
    assert references == {
        "EVE": "KT-2025-000001",
        "NEW-YEAR": "KT-2026-000002",  # numbered in the order of the first contacts
        "MARCH": "KT-2026-000003",
    }
    assert result.references == {
        2025: ("KT-2025-000001", "KT-2025-000001"),
        2026: ("KT-2026-000002", "KT-2026-000003"),
    }
    assert dict(ReferenceCounter.objects.values_list("year", "last_number")) == {2025: 1, 2026: 3}


def test_resolved_directly_is_kept_as_given_and_counted_when_the_rule_disagrees(csv_file):
    path = csv_file(
        row("a", "DEEP", rosa_level="5", resolved_directly="true"),
        row("b", "TWICE", occurred_at="2026-03-02T09:00:00+01:00"),
        row("c", "TWICE", rosa_level="1", resolved_directly="true"),
        row("d", "SIMPLE", rosa_level="2", resolved_directly="true"),
    )

    result = contacts_import(path=path)

    assert result.direct_not_by_rule == 2  # ROSA 5, and two inbound contacts
    assert set(Case.objects.values_list("resolved_directly", flat=True)) == {True}


# --- Importing again ----------------------------------------------------------------------------


def counts() -> dict[str, object]:
    return {
        "cases": Case.objects.count(),
        "contacts": Contact.objects.count(),
        "answers": SurveyAnswer.objects.count(),
        "case history": Case.history.count(),
        "contact history": Contact.history.count(),
        "counter": list(ReferenceCounter.objects.values_list("year", "last_number")),
        "versions": list(Case.objects.order_by("pk").values_list("version", flat=True)),
    }


def test_importing_the_same_file_again_changes_nothing(department, csv_file):
    path = csv_file(
        row("c1", "A", answered_at="2026-03-02T10:00:20+01:00", courtesy="3"),
        row("c2", "A", direction="out", occurred_at="2026-03-02T14:00:00+01:00"),
        row(
            "c3", "B", channel="email", department="bygg", rosa_level="1", resolved_directly="true"
        ),
    )
    first = contacts_import(path=path)
    before = counts()

    again = contacts_import(path=path)

    assert (first.contacts_created, first.cases_created, first.survey_answers) == (3, 2, 1)
    assert (again.rows, again.contacts_skipped) == (3, 3)
    assert (again.contacts_created, again.cases_created, again.survey_answers) == (0, 0, 0)
    assert (again.cases_extended, again.cases_updated) == (0, 0)
    assert counts() == before
    assert "Redan importerade (hoppades över): 3" in run_command(path)
    assert counts() == before


def test_new_contacts_join_the_case_imported_earlier(csv_file):
    contacts_import(path=csv_file(row("c1", "A")))  # an abandoned call: open, no response yet
    case = Case.objects.get()
    later = csv_file(
        row("c1", "A"),
        row(
            "c2",
            "A",
            occurred_at="2026-03-02T10:30:00+01:00",
            answered_at="2026-03-02T10:30:10+01:00",
            rosa_level="1",
            resolved_directly="true",
        ),
    )

    result = contacts_import(path=later)

    assert (result.contacts_created, result.contacts_skipped) == (1, 1)
    assert (result.cases_created, result.cases_extended, result.cases_updated) == (0, 1, 1)
    case.refresh_from_db()
    assert (case.status, case.rosa_level, case.resolved_directly) == ("resolved", 1, True)
    assert case.resolved_at == local(2026, 3, 2, 10, 30)
    assert case.first_response_at == local(2026, 3, 2, 10, 30, 10)
    assert case.version == 2  # an open form on the case now gets a conflict, not a lost update
    assert [h.history_type for h in case.history.order_by("history_id")] == ["+", "~"]
    assert case.history.latest("history_id").history_change_reason == "imported"
    assert case.contacts.count() == 2 and case.reference == "KT-2026-000001"


def test_a_changed_export_of_an_imported_contact_is_an_error_naming_the_column(csv_file):
    contacts_import(path=csv_file(row("c1", "A", courtesy="4")))

    changed = csv_file(
        row("c1", "A", channel="visit", occurred_at="2026-03-02T10:05:00+01:00", courtesy="4"),
        row("c2", "A", occurred_at="2026-03-02T11:00:00+01:00"),
    )

    with pytest.raises(ContactImportError) as caught:
        contacts_import(path=changed)
    assert [(p.line, p.column, p.code) for p in caught.value.problems] == [
        (2, "channel", "differs-from-imported"),
        (2, "occurred_at", "differs-from-imported"),
    ]
    assert "2026-03-02T10:00:00+01:00" in caught.value.problems[1].message
    assert Contact.objects.count() == 1  # c2 was not added either


def test_case_values_must_agree_with_the_case_imported_earlier(
    department, other_department, csv_file
):
    contacts_import(path=csv_file(row("c1", "A", department="bygg", rosa_level="2")))

    path = csv_file(row("c2", "A", occurred_at="2026-03-03T09:00:00+01:00", department="skola"))

    with pytest.raises(ContactImportError) as caught:
        contacts_import(path=path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.code) == (
        2,
        "department",
        "case-values-contradict",
    )
    assert "KT-2026-000001" in problem.message and "'bygg'" in problem.message


def test_a_contact_before_the_imported_case_began_is_refused(csv_file):
    contacts_import(path=csv_file(row("c1", "A")))

    early = csv_file(row("c0", "A", occurred_at="2026-03-02T09:59:00+01:00"))

    assert problems_of(early) == [(2, "occurred_at", "contact-before-case")]


def test_a_case_worked_on_since_the_import_is_not_resolved_by_a_later_file(agent, csv_file):
    contacts_import(path=csv_file(row("c1", "A")))
    services.case_set_waiting(case=Case.objects.get(), by=agent)

    later = csv_file(
        row("c2", "A", occurred_at="2026-03-03T09:00:00+01:00"),
        row(
            "c3",
            "A",
            occurred_at="2026-03-03T09:10:00+01:00",
            rosa_level="1",
            resolved_directly="true",
        ),
    )

    assert problems_of(later) == [(3, "resolved_directly", "case-changed-since-import")]
    assert Case.objects.get().status == CaseStatus.WAITING_FOR_CITIZEN


def test_a_case_ref_shared_by_two_cases_in_the_system_is_refused(make_case, csv_file):
    for day in (1, 2):
        case = make_case(occurred_at=local(2026, 2, day, 9, 0))
        Case.objects.filter(pk=case.pk).update(external_ref="DUBBEL")

    path = csv_file(row("c1", "DUBBEL"), row("c2", "DUBBEL"))

    with pytest.raises(ContactImportError) as caught:
        contacts_import(path=path)
    assert [(p.line, p.column, p.code) for p in caught.value.problems] == [
        (2, "case_ref", "case-ref-ambiguous"),
        (3, "case_ref", "case-ref-ambiguous"),
    ]
    assert "KT-2026-000001" in caught.value.problems[0].message


def test_values_the_imported_case_lacks_are_filled_in(department, bygglov, csv_file):
    contacts_import(path=csv_file(row("c1", "A")))

    result = contacts_import(
        path=csv_file(row("c1", "A", department="bygg", subject_area="bygglov"))
    )

    case = Case.objects.get()
    assert (result.contacts_skipped, result.cases_extended, result.cases_updated) == (1, 0, 1)
    assert (case.department, case.subject_area, case.status) == (department, bygglov, "open")
    assert [h.history_type for h in case.history.order_by("history_id")] == ["+", "~"]


# --- Bad input: every problem with its line and column, nothing imported ------------------------


@pytest.mark.parametrize(
    ("values", "column", "code"),
    [
        ({"contact_id": ""}, "contact_id", "contact-id-required"),
        ({"contact_id": "x" * 101}, "contact_id", "too-long"),
        ({"case_ref": ""}, "case_ref", "case-ref-required"),
        ({"channel": "fax"}, "channel", "channel-unknown"),
        ({"direction": "up"}, "direction", "direction-unknown"),
        ({"occurred_at": ""}, "occurred_at", "datetime-required"),
        ({"occurred_at": "2026-03-02T10:00:00"}, "occurred_at", "datetime-naive"),
        ({"occurred_at": "2026-03-02"}, "occurred_at", "datetime-naive"),
        ({"occurred_at": "2 mars 2026"}, "occurred_at", "datetime-invalid"),
        ({"answered_at": "2026-03-02T10:01:00"}, "answered_at", "datetime-naive"),
        (
            {"channel": "email", "answered_at": "2026-03-02T10:01:00+01:00"},
            "answered_at",
            "answered-at-only-inbound-phone",
        ),
        (
            {"direction": "out", "answered_at": "2026-03-02T10:01:00+01:00"},
            "answered_at",
            "answered-at-only-inbound-phone",
        ),
        (
            {"answered_at": "2026-03-02T09:59:59+01:00"},
            "answered_at",
            "answered-before-occurred",
        ),
        ({"department": "nope"}, "department", "code-unknown"),
        ({"subject_area": "nope"}, "subject_area", "code-unknown"),
        ({"rosa_level": "7"}, "rosa_level", "rosa-level-invalid"),
        ({"rosa_level": "0"}, "rosa_level", "rosa-level-invalid"),
        ({"rosa_level": "två"}, "rosa_level", "rosa-level-invalid"),
        ({"rosa_level": "1", "resolved_directly": "ja"}, "resolved_directly", "boolean-invalid"),
        ({"courtesy": "6"}, "courtesy", "grade-invalid"),
        ({"courtesy": "4.5"}, "courtesy", "grade-invalid"),
    ],
)
def test_an_invalid_value_is_reported_with_its_line_and_column(values, column, code, csv_file):
    path = csv_file(row("ok", "A"), {**row("bad", "B"), **values}, row("ok2", "C"))

    assert problems_of(path) == [(3, column, code)]
    assert Case.objects.count() == 0


def test_every_problem_of_a_row_and_of_the_file_is_listed(csv_file):
    path = csv_file(
        row("c1", "A", channel="fax", occurred_at="igår", courtesy="0"),
        row("c2", "B"),
        row("c3", "C", direction="sideways"),
    )

    assert problems_of(path) == [
        (2, "channel", "channel-unknown"),
        (2, "occurred_at", "datetime-invalid"),
        (2, "courtesy", "grade-invalid"),
        (4, "direction", "direction-unknown"),
    ]


def test_a_duplicate_contact_id_names_the_first_line(csv_file):
    path = csv_file(row("c1", "A"), row("c2", "A"), row("c1", "B"))

    with pytest.raises(ContactImportError) as caught:
        contacts_import(path=path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.code) == (4, "contact_id", "contact-id-duplicate")
    assert "rad 2" in problem.message


@pytest.mark.parametrize(
    ("column", "first", "second"),
    [
        ("rosa_level", "2", "3"),
        ("resolved_directly", "true", "false"),
        ("department", "bygg", "skola"),
        ("subject_area", "bygglov", "forskola"),
    ],
)
def test_contradicting_case_values_name_both_lines(
    column, first, second, department, other_department, bygglov, csv_file
):
    SubjectAreaFactory(code="forskola", name="Förskola")
    rosa = {} if column == "rosa_level" else {"rosa_level": "2"}
    path = csv_file(
        row("c1", "A", **{column: first}, **rosa),
        row("c2", "B", **{column: second}, **rosa),  # another case may differ
        row("c3", "A", occurred_at="2026-03-02T10:10:00+01:00"),  # empty: no contradiction
        row("c4", "A", occurred_at="2026-03-02T10:20:00+01:00", **{column: second}),
    )

    with pytest.raises(ContactImportError) as caught:
        contacts_import(path=path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.code) == (5, column, "case-values-contradict")
    assert "rad 2" in problem.message


def test_a_resolved_case_needs_a_rosa_level_on_some_row(csv_file):
    path = csv_file(
        row("c1", "A", resolved_directly="false"),
        row("c2", "B", resolved_directly="true"),
        row("c3", "B", occurred_at="2026-03-02T11:00:00+01:00", rosa_level="3"),
    )

    assert problems_of(path) == [(2, "rosa_level", "rosa-level-required")]


def test_unknown_codes_are_created_only_when_asked(csv_file):
    path = csv_file(row("c1", "A", department="miljo", subject_area="miljo-och-halsa-2"))

    assert problems_of(path) == [
        (2, "department", "code-unknown"),
        (2, "subject_area", "code-unknown"),
    ]
    result = contacts_import(path=path, create_missing=True)

    assert result.departments_created == ["miljo"]
    assert result.subject_areas_created == ["miljo-och-halsa-2"]
    created = Department.objects.get(code="miljo")
    assert created.name == "miljo"
    assert created.history.get().history_change_reason == "imported"
    assert SubjectArea.objects.get(code="miljo-och-halsa-2").name == "miljo-och-halsa-2"
    case = Case.objects.get()
    assert (case.department.code, case.subject_area.code) == ("miljo", "miljo-och-halsa-2")


def test_create_missing_refuses_codes_that_cannot_be_codes_or_differ_only_in_case(
    department, csv_file
):
    path = csv_file(
        row("c1", "A", department="Bygg"),
        row("c2", "B", department="Miljö och hälsa"),
    )

    assert problems_of(path, create_missing=True) == [
        (2, "department", "code-unknown"),  # "menar du 'bygg'?"
        (3, "department", "code-invalid"),
    ]
    assert not Department.objects.exclude(pk=department.pk).exists()


def test_header_problems_are_reported_on_line_1(csv_file):
    columns = [c for c in COLUMNS if c != "courtesy"] + ["note", "channel"]

    assert problems_of(csv_file(header=",".join(columns))) == [
        (1, "note", "column-unknown"),
        (1, "channel", "column-duplicate"),
        (1, "courtesy", "column-missing"),
    ]
    assert problems_of(csv_file(header=";".join(COLUMNS))) == [(1, "", "separator")]
    assert problems_of(csv_file(header="")) == [(1, "", "file-empty")]
    assert problems_of(csv_file()) == [(1, "", "file-empty")]  # a header and no rows


def test_columns_may_come_in_any_order(csv_file, tmp_path):
    path = tmp_path / "omkastad.csv"
    path.write_text(
        "courtesy,case_ref,contact_id,occurred_at,channel,direction,answered_at,department,"
        "subject_area,rosa_level,resolved_directly\n"
        "5,A,c1,2026-03-02T10:00:00+01:00,phone,in,,,,1,true\n",
        encoding="utf-8",
    )

    contacts_import(path=path)

    contact = Contact.objects.get()
    assert (contact.external_id, contact.case.external_ref) == ("c1", "A")
    assert contact.survey_answers.get().grade == 5


def test_wrong_field_counts_and_broken_quoting_are_reported(csv_file, tmp_path):
    path = tmp_path / "trasig.csv"
    good = "c1,A,phone,in,2026-03-02T10:00:00+01:00,,,,,,"
    path.write_text(
        ",".join(COLUMNS) + f"\n{good}\nc2,A,phone\n" + 'c3,"A"x,phone,in,,,,,,,\n',
        encoding="utf-8",
    )

    assert problems_of(str(path)) == [(3, "", "field-count"), (4, "", "csv-invalid")]


def test_line_numbers_count_lines_in_the_file_even_inside_quoted_values(tmp_path, db):
    path = tmp_path / "flerradig.csv"
    path.write_text(
        ",".join(COLUMNS) + "\n"
        'c1,"Ärende\nmed radbrytning",phone,in,2026-03-02T10:00:00+01:00,,,,,,\n'
        "c2,B,phone,in,2026-03-02T10:00:00,,,,,,\n",
        encoding="utf-8",
    )

    assert problems_of(str(path)) == [(4, "occurred_at", "datetime-naive")]


def test_a_byte_order_mark_windows_line_ends_and_padded_values_are_accepted(csv_file, tmp_path):
    path = tmp_path / "excel.csv"
    text = (
        " contact_id , case_ref,channel,direction,occurred_at,answered_at,department,"
        "subject_area,rosa_level,resolved_directly,courtesy\r\n"
        " c1 , A ,Phone,IN, 2026-03-02T10:00:00+01:00 ,,,, 1 ,TRUE, 4 \r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    result = contacts_import(path=path)

    assert result.contacts_created == 1
    contact = Contact.objects.get()
    assert (contact.external_id, contact.channel, contact.direction) == ("c1", "phone", "in")
    assert contact.case.external_ref == "A" and contact.case.resolved_directly is True


def test_a_line_that_is_not_utf8_is_named(tmp_path, db):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (",".join(COLUMNS) + "\n").encode()
        + b"c1,A,phone,in,2026-03-02T10:00:00+01:00,,,,,,\n"
        + "c2,Ärende,phone,in,2026-03-02T10:00:00+01:00,,,,,,\n".encode("latin-1")
    )

    assert problems_of(str(path)) == [(3, "", "not-utf8")]


def test_one_bad_line_at_the_end_imports_nothing(department, csv_file):
    rows = [
        row(f"c{n}", f"A{n % 7}", occurred_at=f"2026-03-02T10:{n:02d}:00+01:00", courtesy="5")
        for n in range(50)
    ]
    path = csv_file(
        *rows,
        row("new-department", "Z", department="nytt"),
        row("last", "Z", occurred_at="2026-03-02T11:00:00"),
    )

    assert problems_of(path, create_missing=True) == [(53, "occurred_at", "datetime-naive")]
    assert (Case.objects.count(), Contact.objects.count(), SurveyAnswer.objects.count()) == (
        0,
        0,
        0,
    )
    assert not ReferenceCounter.objects.exists()
    assert not Department.objects.filter(code="nytt").exists()


def test_a_file_full_of_errors_is_counted_to_the_end(csv_file):
    path = csv_file(*(row(f"c{n}", "A", channel="fax") for n in range(PROBLEMS_KEPT + 200)))

    with pytest.raises(ContactImportError) as caught:
        contacts_import(path=path)

    assert caught.value.total == PROBLEMS_KEPT + 200
    assert len(caught.value.problems) == PROBLEMS_KEPT
    assert caught.value.problems[0].line == 2


def test_a_dry_run_counts_and_writes_nothing(csv_file):
    path = csv_file(
        row("c1", "A", department="ny", courtesy="3"),
        row("c2", "B", rosa_level="1", resolved_directly="true"),
    )

    result = contacts_import(path=path, dry_run=True, create_missing=True)

    assert result.dry_run
    assert (result.rows, result.contacts_created, result.cases_created) == (2, 2, 2)
    assert (result.survey_answers, result.departments_created) == (1, ["ny"])
    assert (Case.objects.count(), Contact.objects.count(), Department.objects.count()) == (0, 0, 0)
    assert not ReferenceCounter.objects.exists()


# --- The command --------------------------------------------------------------------------------


def test_the_command_prints_a_summary(department, csv_file):
    path = csv_file(
        row("c1", "A", department="bygg", courtesy="5"),
        row("c2", "A", direction="out", occurred_at="2026-03-02T10:20:00+01:00"),
    )

    printed = run_command(path)

    assert "Rader lästa: 2" in printed
    assert "Kontakter skapade: 2" in printed
    assert "Redan importerade (hoppades över): 0" in printed
    assert "Ärenden skapade: 1, utökade med nya kontakter: 0" in printed
    assert "Svar i servicemätningen (bemötande): 1" in printed
    assert "KT-2026-000001 – KT-2026-000001" in printed
    # The dashboard's day rollups already hold the imported day.
    assert DayCases.objects.get(day=dt.date(2026, 3, 2)).cases == 1
    dry = run_command(path, "--dry-run")
    assert "ingenting skrevs" in dry and "Redan importerade (hoppades över): 2" in dry


def test_the_command_lists_at_most_200_problems_and_counts_the_rest(csv_file):
    path = csv_file(*(row(f"c{n}", "A", direction="x") for n in range(250)))

    with pytest.raises(CommandError) as caught:
        run_command(path)

    message = str(caught.value)
    assert message.startswith("Inget importerades: 250 fel i filen.")
    assert "rad 2, direction: okänd riktning 'x'" in message
    assert "rad 201, direction" in message and "rad 202, direction" not in message
    assert message.rstrip().endswith("… och 50 fel till.")


def test_the_command_names_a_file_it_cannot_read(tmp_path, db):
    with pytest.raises(CommandError, match="Kan inte läsa"):
        run_command(str(tmp_path / "finns-inte.csv"))


def test_create_missing_through_the_command(csv_file):
    path = csv_file(row("c1", "A", department="ny-forvaltning"))

    with pytest.raises(CommandError, match="--create-missing"):
        run_command(path)
    assert "Förvaltningar skapade: ny-forvaltning" in run_command(path, "--create-missing")


# --- The imported history feeds the KKiK report -------------------------------------------------

# Worked out by hand (DOMAIN.md's definitions):
# phone: offered A, B, C (abandoned), C again, D = 5; answered within 60 s: A (45 s), C (20 s),
#        D (30 s) = 3 → 60.0 %; direct answer: A only (B took 61 s; C's second call is not its
#        first inbound contact and C was not resolved directly; D is open) = 1 → 20.0 %.
# e-mail: E received Fri 13 Mar 10:00, answered Mon 10:00 → within 1; F received Fri 10:00,
#         answered by phone Tue 09:00 → within 2; G never answered → 1/3, 2/3.
# courtesy: grades 5, 4, 1 → 25 × (10 − 3) / 3 = 58.3, three answers: not published.
# direct-answer rate: resolved A, B, C, E, F; direct A, B, E → 60.0 %; bygg 3/3, skola 0/2.
# The 2025 case (New Year's Eve 23:59 local) lies outside the period.
KKIK_ROWS = [
    row(
        "a1",
        "A",
        answered_at="2026-03-02T10:00:45+01:00",
        department="bygg",
        rosa_level="1",
        resolved_directly="true",
        courtesy="5",
    ),
    row(
        "b1",
        "B",
        occurred_at="2026-03-02T11:00:00+01:00",
        answered_at="2026-03-02T11:01:01+01:00",
        department="bygg",
        rosa_level="2",
        resolved_directly="true",
        courtesy="1",
    ),
    row("c1", "C", occurred_at="2026-03-02T12:00:00+01:00", department="skola"),
    row(
        "c2",
        "C",
        occurred_at="2026-03-02T12:05:00+01:00",
        answered_at="2026-03-02T12:05:20+01:00",
        rosa_level="2",
        resolved_directly="false",
    ),
    row(
        "d1",
        "D",
        occurred_at="2026-03-02T13:00:00+01:00",
        answered_at="2026-03-02T13:00:30+01:00",
        department="bygg",
    ),
    row("e1", "E", channel="email", occurred_at="2026-03-13T10:00:00+01:00", department="bygg"),
    row(
        "e2",
        "E",
        channel="email",
        direction="out",
        occurred_at="2026-03-16T10:00:00+01:00",
        rosa_level="1",
        resolved_directly="true",
        courtesy="4",
    ),
    row("f1", "F", channel="email", occurred_at="2026-03-13T09:00:00Z", department="skola"),
    row(
        "f2",
        "F",
        channel="phone",
        direction="out",
        occurred_at="2026-03-17T09:00:00+01:00",
        rosa_level="5",
        resolved_directly="false",
    ),
    row("g1", "G", channel="email", occurred_at="2026-03-02T10:00:00+01:00", department="bygg"),
    row(
        "h1",
        "H",
        occurred_at="2025-12-31T23:59:00+01:00",
        answered_at="2025-12-31T23:59:05+01:00",
        department="bygg",
        rosa_level="1",
        resolved_directly="true",
        courtesy="5",
    ),
]


def test_imported_contacts_feed_the_kkik_report(department, other_department, csv_file):
    contacts_import(path=csv_file(*KKIK_ROWS))

    report = kkik_report(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))

    assert report == {
        "period": {"from": "2026-01-01", "to": "2026-12-31"},
        "email": {
            "received": 3,
            "within_1_working_day": 33.3,
            "within_2_working_days": 66.7,
            "buckets": {"1": 1, "2": 1, "5": 0, "10": 0, "unanswered": 1},
        },
        "phone": {"offered": 5, "answered_within_60s": 60.0, "direct_answer": 20.0},
        "courtesy": {"rated": 3, "index": 58.3, "published": False},
        "direct_answer_rate": {
            "resolved": 5,
            "rate": 60.0,
            "by_department": {"bygg": 100.0, "skola": 0.0},
        },
    }
    skola = kkik_report(
        date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31), department="skola"
    )
    assert skola["phone"] == {"offered": 2, "answered_within_60s": 50.0, "direct_answer": 0.0}
    new_years_eve = kkik_report(date_from=dt.date(2025, 12, 31), date_to=dt.date(2025, 12, 31))
    assert new_years_eve["phone"]["offered"] == 1
    assert new_years_eve["courtesy"] == {"rated": 1, "index": 100.0, "published": False}


def test_imported_figures_equal_the_same_contacts_logged_through_the_services(
    agent, department, csv_file
):
    """The importer writes in bulk; the measures must not see a difference from the product."""
    contacts_import(path=csv_file(*KKIK_ROWS[:2]))
    imported = kkik_report(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    Case.objects.all().delete()
    for values in KKIK_ROWS[:2]:
        case = services.case_create(
            channel="phone",
            summary="Samtal",
            by=agent,
            department=department,
            occurred_at=dt.datetime.fromisoformat(values["occurred_at"]),
            answered_at=dt.datetime.fromisoformat(values["answered_at"]),
        )
        services.survey_answer_record(
            contact=case.contacts.get(), question="courtesy", grade=int(values["courtesy"])
        )
        Case.objects.filter(pk=case.pk).update(
            status="resolved",
            rosa_level=int(values["rosa_level"]),
            resolved_directly=True,
            resolved_at=case.created_at,
        )
        services.case_facts_refresh([case.pk])  # written past the services, as an import does

    assert kkik_report(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)) == imported
