"""Every place a file enters Hearth, posted through its real route: a signed consent form, outcome evidence,
a shared document and its new version (the upload service), and the referral and evidence CSV imports (the
shared CSV reader, which takes the upload service's name and markup checks). Each hostile file (a disguised
executable, an oversized file, a path-climbing name with either slash, an SVG carrying script, a zip bomb)
is refused with a GOV.UK error that keeps what else was typed, and nothing reaches the disk or the database.
A plain, acceptable file goes through each upload route, so the refusals are not the route failing anyway."""
import io
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.cases import services as cases
from app.cases.models import FamilyStatus
from app.common.time import today_london
from app.common.upload_models import StoredFile
from app.common.uploads import NAME_MESSAGE, TYPE_MESSAGE
from app.extensions import db
from app.outcomes.models import Evidence, EvidenceImportBatch
from app.referrals.models import Referral, ReferralImportBatch
from app.sharing.models import Consent
from app.teamwork import services as teamwork
from app.teamwork.models import Document, DocumentVersion
from tests.conftest import post_form, signed_in_client
from tests.integration.outcomes.conftest import descriptor
from tests.unit.common import test_uploads_samples as samples

LIMIT = 64 * 1024
CSV_MESSAGE = "The selected file must be a CSV file"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b"<script>fetch('/families/search?q=a').then(r => r.text()).then(alert)</script></svg>")


def xlsx_bomb() -> bytes:
    """A workbook whose one sheet inflates from about 50 KB to 50 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                                'content-types"/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (50 * 1024 * 1024))
    return buffer.getvalue()


@dataclass
class Place:
    family: object
    lead: object
    manager: object
    need: object
    document: object
    police_agency: object
    attendance: object  # a descriptor


@dataclass(frozen=True)
class EntryPoint:
    name: str
    who: str  # "lead" or "manager"
    url: object  # Place -> str
    field: str
    form: object  # Place -> the rest of the form, as a browser would send it
    kept: str | None  # something typed that the refusal page must show again
    counted: tuple  # tables that must not grow on a refusal
    csv: bool = False


def _since(days):
    day = today_london() - timedelta(days=days)
    return [str(day.day), str(day.month), str(day.year)]


ENTRY_POINTS = [
    EntryPoint("consent form", "lead", lambda p: f"/families/{p.family.id}/consent/new", "signed_form",
               lambda p: {"person_ids": [str(m.id) for m in p.family.members[:1]], "given_by": "person",
                          "given_on": _since(1), "method": "signed_form", "witness_name": "Kept Witness Name",
                          "categories": ["health"], "recipient_kinds": ["early_help"],
                          "purposes": ["case_coordination"]},
               "Kept Witness Name", (StoredFile, Consent)),
    EntryPoint("outcome evidence", "lead", lambda p: f"/families/{p.family.id}/outcomes/evidence/new", "document",
               lambda p: {"need_id": str(p.need.id), "value": "93", "period_start": _since(200),
                          "period_end": _since(100), "source": "Kept attendance return"},
               "Kept attendance return", (StoredFile, Evidence)),
    EntryPoint("shared document", "lead", lambda p: f"/families/{p.family.id}/documents/new", "upload",
               lambda p: {"title": "Kept document title", "category": "case_note"},
               "Kept document title", (StoredFile, Document, DocumentVersion)),
    EntryPoint("new version of a document", "lead",
               lambda p: f"/families/{p.family.id}/documents/{p.document.id}/versions/new", "upload",
               lambda p: {}, None, (StoredFile, DocumentVersion)),
    EntryPoint("referral import", "manager", lambda p: "/referrals/import", "file", lambda p: {}, None,
               (ReferralImportBatch, Referral, StoredFile), csv=True),
    EntryPoint("evidence import", "manager", lambda p: "/outcomes/imports", "file",
               lambda p: {"agency_id": str(p.police_agency.id), "descriptor_id": str(p.attendance.id)},
               None, (EvidenceImportBatch, Evidence, StoredFile), csv=True),
]


def _ext(entry, upload_ext):
    return "csv" if entry.csv else upload_ext


# (id, entry -> (bytes, file name, declared type), entry -> the message the page must show)
HOSTILE = [
    ("windows-executable", lambda e: (samples.windows_executable(), f"report.{_ext(e, 'pdf')}", "application/pdf"),
     lambda e: CSV_MESSAGE if e.csv else TYPE_MESSAGE),
    ("elf-executable", lambda e: (samples.elf_binary(), f"report.{_ext(e, 'pdf')}", "application/octet-stream"),
     lambda e: CSV_MESSAGE if e.csv else TYPE_MESSAGE),
    ("oversized", lambda e: ((b"name,date\n" * (LIMIT // 10 + 10)) if e.csv else samples.pdf() + b"0" * LIMIT,
                             f"big.{_ext(e, 'pdf')}", "application/pdf"),
     lambda e: "The selected file must be smaller than 64KB"),
    ("path-traversal", lambda e: (samples.pdf(), f"../../etc/passwd.{_ext(e, 'pdf')}", "application/pdf"),
     lambda e: NAME_MESSAGE),
    # Escaped on the wire (a quoted-string), so the app really receives ..\..\etc\passwd.pdf.
    ("path-traversal-backslash", lambda e: (samples.pdf(), f"..\\\\..\\\\etc\\\\passwd.{_ext(e, 'pdf')}",
                                            "application/pdf"), lambda e: NAME_MESSAGE),
    ("svg-with-script", lambda e: (SVG, "drawing.svg", "image/svg+xml"),
     lambda e: CSV_MESSAGE if e.csv else TYPE_MESSAGE),
    ("svg-named-as-allowed", lambda e: (SVG, f"drawing.{_ext(e, 'pdf')}", "application/pdf"),
     lambda e: CSV_MESSAGE if e.csv else TYPE_MESSAGE),
    ("zip-bomb-docx", lambda e: (samples.zip_bomb_docx(), f"report.{_ext(e, 'docx')}",
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
     lambda e: CSV_MESSAGE if e.csv else TYPE_MESSAGE),
    ("zip-bomb-xlsx", lambda e: (xlsx_bomb(), "report.xlsx",
                                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
     lambda e: CSV_MESSAGE if e.csv else TYPE_MESSAGE),
]


@pytest.fixture
def place(app, factory, monkeypatch):
    for setting in ("UPLOAD_MAX_BYTES", "REFERRAL_IMPORT_MAX_BYTES", "EVIDENCE_IMPORT_MAX_BYTES"):
        monkeypatch.setitem(app.config, setting, LIMIT)
    lead, manager = factory.user("key_worker"), factory.user("programme_manager")
    police_agency = factory.agency("police")
    attached = today_london() - timedelta(days=400)
    family = cases.create_family(address_line_1="1 Mill Lane", town="Northfield", postcode="LS2 7HY",
                                 lead_practitioner=lead, status=FamilyStatus.ATTACHED, attached_on=attached,
                                 actor=lead)
    child = cases.add_person(family, given_name="Isla", family_name="Smith", relationship_to_family="child",
                             date_of_birth=today_london().replace(year=today_london().year - 10))
    attendance = descriptor("school_attendance_below_90")
    need = cases.add_need(family, descriptor=attendance, identified_on=attached, person_ids=[child.id],
                          at_attachment=True, actor=lead)
    document = teamwork.add_document(family, title="Plan", category="case_note", actor=lead, upload=FileStorage(
        stream=io.BytesIO(samples.pdf()), filename="plan.pdf", content_type="application/pdf"))
    db.session.commit()
    return Place(family, lead, manager, need, document, police_agency, attendance)


def _files(app):
    folder = Path(app.config["UPLOADS_DIR"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _counts(entry):
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in entry.counted}


def _post(app, place, entry, data, name, mimetype):
    client = signed_in_client(app, getattr(place, entry.who))
    form = {**entry.form(place), entry.field: (io.BytesIO(data), name, mimetype)}
    return post_form(client, entry.url(place), form, content_type="multipart/form-data")


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=[e.name for e in ENTRY_POINTS])
@pytest.mark.parametrize(("case", "payload", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_clearly_and_leaves_nothing(app, place, entry, case, payload, message):
    data, name, mimetype = payload(entry)
    files, counts = _files(app), _counts(entry)
    response = _post(app, place, entry, data, name, mimetype)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and message(entry) in page, page[page.find("govuk-error-summary"):][:600]
    assert f'href="#{entry.field}"' in page  # the summary links to the file field
    if entry.kept:
        assert entry.kept in page
    db.session.expire_all()
    assert _files(app) == files
    assert _counts(entry) == counts


@pytest.mark.parametrize("entry", [e for e in ENTRY_POINTS if not e.csv], ids=[e.name for e in ENTRY_POINTS
                                                                             if not e.csv])
def test_an_acceptable_file_goes_through_each_upload_route(app, place, entry):
    """Also: a name whose backslashes the multipart parser took as escapes arrives as plain text, and is
    kept only as display text with no folder in it."""
    files, counts = _files(app), _counts(entry)
    response = _post(app, place, entry, samples.pdf(), "..\\..\\etc\\passwd.pdf", "application/pdf")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert len(_files(app)) == len(files) + 1
    assert _counts(entry)["StoredFile"] == counts["StoredFile"] + 1
    stored = db.session.scalar(select(StoredFile).order_by(StoredFile.id.desc()).limit(1))
    assert stored.original_name == "etcpasswd.pdf"


def test_a_good_file_is_not_kept_when_the_rest_of_the_consent_form_is_refused(app, place):
    """The service refuses the agreement after the file was stored: the page is shown again (and committed),
    so the file must go, or it would be kept with nothing recorded that refers to it."""
    entry = ENTRY_POINTS[0]
    files, counts = _files(app), _counts(entry)
    client = signed_in_client(app, place.lead)
    tomorrow = today_london() + timedelta(days=1)
    form = {**entry.form(place), "given_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
            "signed_form": (io.BytesIO(samples.pdf()), "signed.pdf", "application/pdf")}
    response = post_form(client, entry.url(place), form, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "must be today or in the past" in page
    assert "Select the file again" in page and "Kept Witness Name" in page
    db.session.expire_all()
    assert _counts(entry) == counts
    assert _files(app) == files
