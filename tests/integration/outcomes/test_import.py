"""Evidence import: all-or-nothing validation, then matching that attaches exactly the confident rows and holds
back the ambiguous and unmatched ones for a person to resolve. Nothing is attached on a guess."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.cases import services as case_services
from app.cases.identifiers import upn_check_letter
from app.extensions import db
from app.outcomes import importer
from app.outcomes.models import Evidence, EvidenceImportBatch, EvidenceImportRow, ImportRowStatus, MatchMethod
from tests.conftest import post_form
from tests.integration.outcomes.conftest import descriptor, term

HEADER = "nhs_number,upn,given_name,family_name,date_of_birth,postcode,period_start,period_end,value,source"
CHILD_UPN = upn_check_letter("999400125001") + "999400125001"


@pytest.fixture
def people(outcomes):
    """Isla has a UPN; two people called Jordan Taylor, born the same day, live in two other families."""
    outcomes.child.upn = CHILD_UPN  # valid and normalised, as the services store it
    jordans = []
    for postcode in ("LS1 4AP", "LS6 2QT"):
        family = case_services.create_family(postcode=postcode)
        jordans.append(case_services.add_person(family, given_name="Jordan", family_name="Taylor",
                                                relationship_to_family="child", date_of_birth=date(2012, 6, 15)))
    db.session.commit()
    return outcomes, jordans


def _csv(*rows, header=HEADER):
    begin, end = term(0)
    lines = [header]
    for row in rows:
        lines.append(row.format(start=begin.isoformat(), end=end.isoformat()))
    return "\n".join(lines).encode()


GOOD_ROWS = (
    "943 476 5919,,,,,,{start},{end},95,Attendance return",              # line 2: Natalie by NHS number
    f",{CHILD_UPN},,,,,{{start}},{{end}},88.5,Attendance return",        # line 3: Isla by UPN
    ",,Jordan,Taylor,2012-06-15,,{start},{end},91,Attendance return",     # line 4: two Jordans fit
    ",,Nobody,Known,2001-01-01,,{start},{end},91,Attendance return",      # line 5: nobody fits
    ",,Isla,Smith,02/03/2015,LS2 7HY,{start},{end},97,Attendance return",  # line 6: one confident match
)


def _import(data, outcomes, name="return.csv"):
    return importer.import_evidence(data, name, agency=outcomes.school.agency,
                                    descriptor=descriptor("school_attendance_below_90"), actor=None)


def _rows(batch):
    return {r.line: r for r in db.session.scalars(select(EvidenceImportRow).where(EvidenceImportRow.batch_id ==
                                                                                   batch.id))}


def test_matching_attaches_exactly_the_confident_rows_and_holds_back_the_rest(people):
    outcomes, jordans = people
    result = _import(_csv(*GOOD_ROWS), outcomes)
    assert (result.attached, result.held) == (3, 2)
    rows = _rows(result.batch)
    assert {line: (r.status, r.match_method, r.person_id) for line, r in rows.items()} == {
        2: (ImportRowStatus.ATTACHED, MatchMethod.NHS_NUMBER, outcomes.mother.id),
        3: (ImportRowStatus.ATTACHED, MatchMethod.UPN, outcomes.child.id),
        4: (ImportRowStatus.AMBIGUOUS, None, None),
        5: (ImportRowStatus.UNMATCHED, None, None),
        6: (ImportRowStatus.ATTACHED, MatchMethod.MATCHING, outcomes.child.id),
    }
    assert sorted(rows[4].candidate_person_ids) == sorted(j.id for j in jordans)
    evidence = db.session.scalars(select(Evidence).order_by(Evidence.id)).all()
    assert [(e.family_id, e.need_id, e.holding_agency_id, [p.id for p in e.people]) for e in evidence] == [
        (outcomes.family.id, outcomes.attendance.id, outcomes.school.agency_id, [outcomes.mother.id]),
        (outcomes.family.id, outcomes.attendance.id, outcomes.school.agency_id, [outcomes.child.id]),
        (outcomes.family.id, outcomes.attendance.id, outcomes.school.agency_id, [outcomes.child.id]),
    ]
    # nothing reached the Jordans' families on a guess
    assert not any(e.family_id in {j.family_id for j in jordans} for e in evidence)


def test_an_identifier_on_two_people_is_held_too(people):
    outcomes, jordans = people
    jordans[0].nhs_number = "9434765919"  # the same NHS number as Natalie: a duplicate record
    db.session.commit()
    result = _import(_csv(GOOD_ROWS[0]), outcomes)
    assert (result.attached, result.held) == (0, 1)
    assert _rows(result.batch)[2].status is ImportRowStatus.AMBIGUOUS


def test_a_person_resolves_held_rows_on_the_import_page(people, programme_manager_client):
    outcomes, jordans = people
    batch = _import(_csv(*GOOD_ROWS), outcomes).batch
    db.session.commit()
    rows = _rows(batch)
    page = programme_manager_client.get(f"/outcomes/imports/{batch.id}").get_data(as_text=True)
    assert "Line 4" in page and "Line 5" in page and "Line 2<" not in page
    url = f"/outcomes/imports/{batch.id}/rows/{rows[4].id}"
    refused = post_form(programme_manager_client, url, {"person_id": str(outcomes.mother.id)})
    assert "Select one of the people listed" in refused.get_data(as_text=True)
    assert post_form(programme_manager_client, url, {"person_id": str(jordans[1].id)}).status_code == 302
    db.session.expire_all()
    resolved = db.session.get(EvidenceImportRow, rows[4].id)
    assert (resolved.status, resolved.match_method, resolved.person_id) == (
        ImportRowStatus.RESOLVED, MatchMethod.PERSON, jordans[1].id)
    assert db.session.get(Evidence, resolved.evidence_id).family_id == jordans[1].family_id
    again = programme_manager_client.get(url, follow_redirects=True).get_data(as_text=True)
    assert "already been dealt with" in again
    unmatched = f"/outcomes/imports/{batch.id}/rows/{rows[5].id}"
    assert post_form(programme_manager_client, unmatched, {"person_id": "none"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(EvidenceImportRow, rows[5].id).status is ImportRowStatus.DISCARDED
    assert db.session.scalar(select(func.count(Evidence.id))) == 4


@pytest.mark.parametrize(("row", "line", "column", "message"), [
    ("943 476 5919,,,,,,{start},{end},150,x", 3, "value", "The percentage must be between 0 and 100"),
    ("943 476 5919,,,,,,{start},{end},,x", 3, "value", "Enter a percentage for the period"),
    ("943 476 5910,,,,,,{start},{end},90,x", 3, "nhs_number", "Enter a valid NHS number"),
    ("943 476 5919,,,,,,31/02/2025,{end},90,x", 3, "period_start", "must be a real date"),
    ("943 476 5919,,,,,,{end},{start},90,x", 3, "period_end", "same as or after the first day"),
    (",,Isla,,,,{start},{end},90,x", 3, "nhs_number", "Give an NHS number, a UPN, or a first name"),
    ("943 476 5919,,,,,,{start},2099-01-01,90,x", 3, "period_end", "today or in the past"),
])
def test_one_bad_row_refuses_the_whole_file(people, row, line, column, message):
    outcomes, _ = people
    with pytest.raises(importer.ImportRefused) as refused:
        _import(_csv(GOOD_ROWS[0], row), outcomes)
    [problem] = refused.value.problems
    assert (problem.line, problem.column) == (line, column) and message in problem.message
    assert db.session.scalar(select(func.count(Evidence.id))) == 0
    assert db.session.scalar(select(func.count(EvidenceImportBatch.id))) == 0


def test_bad_files_are_refused_before_any_row(people):
    outcomes, _ = people
    for data, name, message in [
        (_csv(GOOD_ROWS[0], header=HEADER + ",colour"), "a.csv", "Unknown column"),
        (_csv(header="nhs_number,period_start,period_end"), "a.csv", "Missing column"),
        (b"", "a.csv", "empty"),
        (_csv(*GOOD_ROWS), "a.xlsx", "must be a CSV file"),
    ]:
        with pytest.raises(importer.ImportRefused) as refused:
            _import(data, outcomes, name)
        assert any(message in p.message for p in refused.value.problems), (name, refused.value.problems)
    _import(_csv(*GOOD_ROWS), outcomes)
    with pytest.raises(importer.ImportRefused, match="problem"):
        _import(_csv(*GOOD_ROWS), outcomes)  # the same file again


def test_yes_no_measures_take_yes_or_no(people):
    outcomes, _ = people
    need = descriptor("adult_mental_health_need")
    with pytest.raises(importer.ImportRefused) as refused:
        importer.import_evidence(_csv("943 476 5919,,,,,,{start},{end},maybe,x"), "m.csv",
                                 agency=outcomes.school.agency, descriptor=need)
    assert refused.value.problems[0].message == "The value must be yes or no for this measure"
    result = importer.import_evidence(_csv("943 476 5919,,,,,,{start},{end},Yes,x"), "m.csv",
                                      agency=outcomes.school.agency, descriptor=need)
    evidence = db.session.scalar(select(Evidence))
    assert result.attached == 1 and evidence.value_yes is True and evidence.need_id is None  # no such need yet


def test_the_import_page_and_the_command_line(people, app, programme_manager_client, tmp_path):
    outcomes, _ = people
    form = {"agency_id": str(outcomes.school.agency_id),
            "descriptor_id": str(descriptor("school_attendance_below_90").id)}
    bad = {**form, "file": (io.BytesIO(_csv(GOOD_ROWS[0], "943 476 5919,,,,,,{start},{end},150,x")), "r.csv")}
    page = post_form(programme_manager_client, "/outcomes/imports", bad, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "The percentage must be between 0 and 100" in html and "nothing was" in html
    good = {**form, "file": (io.BytesIO(_csv(*GOOD_ROWS)), "r.csv")}
    done = post_form(programme_manager_client, "/outcomes/imports", good, content_type="multipart/form-data")
    assert done.status_code == 302 and "/outcomes/imports/" in done.headers["Location"]

    path = tmp_path / "incidents.csv"
    path.write_bytes(_csv(GOOD_ROWS[1]))
    args = ["outcomes", "import-evidence", str(path), "--agency", outcomes.school.agency.name,
            "--descriptor", "school_attendance_below_90"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "1 row(s) attached, 0 held" in result.output
    path.write_bytes(_csv("943 476 5919,,,,,,{start},{end},150,x"))
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1 and "line 2, column value" in result.output
    result = app.test_cli_runner().invoke(args=[*args[:4], "No such agency", *args[5:]])
    assert result.exit_code != 0 and "No active agency" in result.output
