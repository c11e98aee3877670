"""Shared documents: through the upload service, versions kept, every view and download audited, and a
document in a category an agency may not see is never sent to its users."""
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.teamwork.models import Document, DocumentVersion
from tests.conftest import post_form
from tests.integration.teamwork.conftest import PDF_BYTES, PNG_BYTES, client_for, upload


def _events(name):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == name))


def _post_document(client, team, **overrides):
    data = {"title": "School report", "description": "Autumn term", "category": "education", "upload": upload()}
    data.update(overrides)
    return post_form(client, f"/families/{team.family.id}/documents/new", data,
                     content_type="multipart/form-data")


def test_upload_versions_and_downloads(app, team):
    kw = client_for(app, team.key_worker)
    response = _post_document(kw, team)
    assert response.status_code == 302
    document = db.session.scalar(select(Document))
    base = f"/families/{team.family.id}/documents/{document.id}"
    second = post_form(kw, f"{base}/versions/new", {"upload": upload(PNG_BYTES, "scan.png", "image/png")},
                       content_type="multipart/form-data")
    assert second.status_code == 302
    versions = db.session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document.id)
                                  .order_by(DocumentVersion.version)).all()
    assert [v.version for v in versions] == [1, 2] and versions[0].stored_file_id != versions[1].stored_file_id
    viewed = _events("DocumentViewed")
    assert "scan.png" in kw.get(base).get_data(as_text=True)
    assert _events("DocumentViewed") == viewed + 1
    first = kw.get(f"{base}/versions/1")
    assert first.status_code == 200 and first.data == PDF_BYTES
    assert "attachment" in first.headers["Content-Disposition"]
    assert kw.get(f"{base}/versions/2").data == PNG_BYTES
    assert _events("DocumentDownloaded") == 2
    assert kw.get(f"{base}/versions/3").status_code == 404


def test_wrong_type_refused_and_fields_kept(app, team):
    kw = client_for(app, team.key_worker)
    response = _post_document(kw, team, title="Keep my title", upload=upload(b"MZ\x90\x00binary", "tool.exe",
                                                                              "application/octet-stream"))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "must be a PDF, PNG, JPEG or Word document" in text and "Keep my title" in text
    assert db.session.scalar(select(func.count(Document.id))) == 0


def test_too_large_refused(app, team):
    app.config["UPLOAD_MAX_BYTES"], before = 100, app.config["UPLOAD_MAX_BYTES"]
    try:
        response = _post_document(client_for(app, team.key_worker), team, upload=upload(PDF_BYTES + b"x" * 200))
    finally:
        app.config["UPLOAD_MAX_BYTES"] = before
    assert "must be smaller than" in response.get_data(as_text=True)


def test_withheld_document_is_not_sent(app, team):
    health = client_for(app, team.health)
    assert _post_document(health, team, title="MARKER-DOC", description="MARKER-DESC", category="health"
                          ).status_code == 302
    document = db.session.scalar(select(Document))
    police = client_for(app, team.police)
    listing = police.get(f"/families/{team.family.id}/documents").get_data(as_text=True)
    assert "MARKER" not in listing and "Document by" in listing
    page = police.get(f"/families/{team.family.id}/documents/{document.id}").get_data(as_text=True)
    assert "MARKER" not in page
    assert police.get(f"/families/{team.family.id}/documents/{document.id}/versions/1").status_code == 404
    assert police.get(f"/families/{team.family.id}/documents/{document.id}/versions/new").status_code == 404
