"""Uploads and downloads through real routes and the real request boundary (commits for real, on a database
of the module's own): the form shows refusals in the GOV.UK error summary, downloads are attachments, a
failed access check is a 404 whose refusal is audited, and a request that fails leaves no file behind."""
import io
import re
import stat
from pathlib import Path

import pytest
from flask import abort, redirect, render_template_string, request
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from app.audit.integrity import verify
from app.audit.models import AuditEvent
from app.auth.access import signed_in
from app.common.upload_models import StoredFile
from app.common.uploads import send_stored_file, store_upload, upload_field
from app.extensions import db
from tests.conftest import make_app_on_own_database, signed_in_client
from tests.databases import ThrowawayDatabase
from tests.factories import Factory
from tests.unit.common import test_uploads_samples as samples

pytestmark = pytest.mark.own_database

PAGE = """{% extends "common/base.html" %}
{% block content %}
<form method="post" enctype="multipart/form-data" novalidate>{{ form.document }}</form>
{% endblock %}"""


class EvidenceForm(FlaskForm):
    document = upload_field("Upload the signed consent form")


@pytest.fixture(scope="module")
def files_app(db_kind):
    with ThrowawayDatabase(db_kind) as url:
        flask_app = make_app_on_own_database(url, WTF_CSRF_ENABLED=False)

        @signed_in
        def upload():
            form = EvidenceForm()
            if form.validate_on_submit():
                stored = store_upload(form.document.data)
                if request.args.get("then") == "fail":
                    abort(400)  # something after the store goes wrong: the boundary rolls back
                return redirect(f"/_test/files/{stored.id}")
            return render_template_string(PAGE, form=form)

        @signed_in
        def download(file_id):
            stored = db.session.get(StoredFile, file_id)
            # The caller's access check: here a query flag stands in for the sharing policy.
            return send_stored_file(stored, lambda: request.args.get("allow") == "yes")

        flask_app.add_url_rule("/_test/upload", "upload", upload, methods=["GET", "POST"])
        flask_app.add_url_rule("/_test/files/<int:file_id>", "download", download)
        yield flask_app
        with flask_app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def kw_client(files_app):
    with files_app.app_context():
        user = Factory().user(role="key_worker")
        db.session.commit()
        test_client = signed_in_client(files_app, user)
        test_client.user_id = user.id
    return test_client


def files_in(app):
    folder = Path(app.config["UPLOADS_DIR"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def actions(app):
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
        return [(e.action, e.object_id, e.outcome) for e in events]


def row_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StoredFile))


def post_file(client, data, name, mimetype="application/octet-stream", query=""):
    return client.post(f"/_test/upload{query}", data={"document": (io.BytesIO(data), name, mimetype)},
                       content_type="multipart/form-data")


def test_upload_then_download_as_an_attachment(files_app, kw_client):
    data = samples.docx()
    response = post_file(kw_client, data, "Family plan.docx")
    assert response.status_code == 302
    file_id = int(response.headers["Location"].rsplit("/", 1)[1])

    [path] = [p for p in files_in(files_app) if p.name == _key(files_app, file_id)]
    assert re.fullmatch(r"[0-9a-f]{32}", path.name) and path.parent.name == path.name[:2]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    download = kw_client.get(f"/_test/files/{file_id}?allow=yes")
    assert download.status_code == 200
    assert download.get_data() == data
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"Family plan.docx\"; filename*=UTF-8''Family%20plan.docx")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    assert ("FileUploaded", str(file_id), "done") in actions(files_app)
    assert ("FileDownloaded", str(file_id), "done") in actions(files_app)


def test_a_failing_access_check_is_a_404_and_an_audited_refusal(files_app, kw_client):
    file_id = int(post_file(kw_client, samples.pdf(), "a.pdf").headers["Location"].rsplit("/", 1)[1])
    before = actions(files_app)

    response = kw_client.get(f"/_test/files/{file_id}")
    assert response.status_code == 404
    assert samples.pdf() not in response.get_data()
    assert "Content-Disposition" not in response.headers
    # Same answer as for a file that does not exist, so nobody learns which ids are real.
    assert kw_client.get("/_test/files/999999").status_code == 404

    new = actions(files_app)[len(before):]
    assert new == [("FileDownloadRefused", str(file_id), "refused")]
    with files_app.app_context():
        refusal = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "FileDownloadRefused"))
        assert refusal.actor_user_id == kw_client.user_id
        assert verify().ok


def test_a_signed_out_visitor_cannot_download(files_app, kw_client):
    file_id = int(post_file(kw_client, samples.pdf(), "a.pdf").headers["Location"].rsplit("/", 1)[1])
    response = files_app.test_client().get(f"/_test/files/{file_id}?allow=yes")
    assert response.status_code == 302
    assert "sign-in" in response.headers["Location"]


@pytest.mark.parametrize(("data", "name", "message"), [
    (samples.windows_executable(), "report.pdf", "The selected file must be a PDF, PNG, JPEG or Word document"),
    (samples.elf_binary(), "report.pdf", "The selected file must be a PDF, PNG, JPEG or Word document"),
    (samples.zip_bomb_docx(), "report.docx", "The selected file must be a PDF, PNG, JPEG or Word document"),
    (b"<html><script>alert(1)</script></html>", "report.pdf",
     "The selected file must be a PDF, PNG, JPEG or Word document"),
    (b"", "empty.pdf", "The selected file is empty"),
    (samples.pdf(), "../../etc/passwd.pdf", "The selected file has a name that cannot be used"),
], ids=["executable", "elf", "zip-bomb", "html", "empty", "traversal"])
def test_a_refused_upload_shows_the_error_summary_and_writes_nothing(files_app, kw_client, data, name, message):
    files_before, rows_before = files_in(files_app), row_count(files_app)
    response = post_file(kw_client, data, name)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and message in body
    assert files_in(files_app) == files_before
    assert row_count(files_app) == rows_before


def test_an_oversized_upload_is_refused(files_app, kw_client, monkeypatch):
    monkeypatch.setitem(files_app.config, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    files_before = files_in(files_app)
    response = post_file(kw_client, samples.pdf() + b"\x00" * (10 * 1024 * 1024), "big.pdf")
    assert "The selected file must be smaller than 10MB" in response.get_data(as_text=True)
    assert files_in(files_app) == files_before


def test_a_request_that_fails_after_storing_leaves_no_file_and_no_row(files_app, kw_client):
    files_before, rows_before = files_in(files_app), row_count(files_app)
    response = post_file(kw_client, samples.png(), "photo.png", "image/png", query="?then=fail")
    assert response.status_code == 400
    assert files_in(files_app) == files_before
    assert row_count(files_app) == rows_before


def _key(app, file_id):
    with app.app_context():
        return db.session.get(StoredFile, file_id).storage_key
