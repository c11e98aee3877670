"""The upload service against a real database (SQLite and PostgreSQL), inside the rolled-back test transaction:
where files land, what the row and the audit say, downloads, and the disk following the transaction."""
import hashlib
import io
import stat
from pathlib import Path

import pytest
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from app.audit.models import AuditEvent
from app.common.upload_models import StoredFile
from app.common.uploads import (
    UploadRefused,
    delete_stored_file,
    open_stored_file,
    send_stored_file,
    store_upload,
)
from app.extensions import db
from tests.unit.common import test_uploads_samples as samples


@pytest.fixture
def uploads_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOADS_DIR", str(folder))
    return folder


@pytest.fixture
def signed_in(app, factory):
    """A request context with a signed-in key worker, as a view would run."""
    user = factory.user(role="key_worker")
    with app.test_request_context("/"):
        login_user(user)
        yield user


def upload(data, name, mimetype="application/octet-stream"):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type=mimetype)


def files_in(folder: Path):
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def test_a_stored_file_lands_under_uploads_dir_with_a_random_name_and_owner_only_access(uploads_dir, signed_in):
    data = samples.pdf()
    stored = store_upload(upload(data, "Consent form.pdf", "application/pdf"))

    assert len(stored.storage_key) == 32 and int(stored.storage_key, 16) >= 0
    path = uploads_dir / stored.storage_key[:2] / stored.storage_key
    assert files_in(uploads_dir) == [path]  # no extension, no temporary file left behind
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "Consent" not in str(path)


def test_the_row_records_our_detection_and_the_uploader(uploads_dir, signed_in):
    data = samples.docx()
    # The browser calls it a zip; what is stored is what Hearth detected.
    stored = store_upload(upload(data, "C:\\Users\\kw\\letter.docx", "application/zip"))
    row = db.session.get(StoredFile, stored.id)
    assert row.original_name == "letter.docx"
    assert row.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert row.size == len(data)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.uploaded_by_user_id == signed_in.id
    assert row.created_at_utc is not None


def test_an_upload_is_audited_with_ids_and_codes_only(uploads_dir, signed_in):
    stored = store_upload(upload(samples.png(), "Smith family photo.png", "image/png"))
    [event] = events("FileUploaded")
    assert (event.object_type, event.object_id, event.actor_user_id) == ("stored_file", str(stored.id), signed_in.id)
    assert event.details == {"file_type": "png", "size": stored.size}
    assert "Smith" not in repr(event.details)


def test_two_uploads_of_the_same_file_get_different_names(uploads_dir, signed_in):
    first = store_upload(upload(samples.jpeg(), "a.jpg"))
    second = store_upload(upload(samples.jpeg(), "a.jpg"))
    assert first.storage_key != second.storage_key
    assert first.sha256 == second.sha256
    assert len(files_in(uploads_dir)) == 2


@pytest.mark.parametrize(("data", "name"), [
    (samples.windows_executable(), "report.pdf"),
    (samples.pdf(), "../../etc/passwd.pdf"),
    (b"", "empty.pdf"),
    (b"<svg onload='alert(1)'/>", "x.png"),
], ids=["executable", "traversal", "empty", "svg"])
def test_nothing_is_written_for_a_refused_upload(uploads_dir, signed_in, data, name):
    rows_before = db.session.scalar(select(func.count()).select_from(StoredFile))
    with pytest.raises(UploadRefused):
        store_upload(upload(data, name))
    assert files_in(uploads_dir) == []
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == rows_before
    assert events("FileUploaded") == []


def test_an_oversized_upload_is_refused_using_the_configured_limit(app, uploads_dir, signed_in, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    with pytest.raises(UploadRefused) as caught:
        store_upload(upload(samples.pdf() + b"\x00" * 2000, "big.pdf"))
    assert caught.value.message == "The selected file must be smaller than 1KB"
    assert files_in(uploads_dir) == []


def test_send_stored_file_sends_an_attachment_with_the_detected_type(uploads_dir, signed_in):
    data = samples.pdf()
    stored = store_upload(upload(data, "Zoë's consent.pdf", "application/octet-stream"))
    response = send_stored_file(stored, lambda: True)
    response.direct_passthrough = False
    assert response.status_code == 200
    assert response.get_data() == data
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; ")
    assert "filename*=UTF-8''Zo%C3%AB%27s%20consent.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    response.close()
    [event] = events("FileDownloaded")
    assert (event.object_id, event.actor_user_id) == (str(stored.id), signed_in.id)


@pytest.mark.parametrize("check", [False, lambda: False, lambda: None, lambda: "yes", lambda: object()],
                         ids=["false", "returns-false", "returns-none", "truthy-string", "truthy-object"])
def test_anything_but_a_true_access_check_is_a_404(uploads_dir, signed_in, check):
    stored = store_upload(upload(samples.pdf(), "a.pdf"))
    with pytest.raises(NotFound):
        send_stored_file(stored, check)
    assert events("FileDownloaded") == []


def test_a_missing_file_is_a_404(uploads_dir, signed_in):
    with pytest.raises(NotFound):
        send_stored_file(None, True)


def test_a_tampered_storage_key_never_becomes_a_path(uploads_dir, signed_in):
    stored = store_upload(upload(samples.pdf(), "a.pdf"))
    stored.storage_key = "../" * 8 + "etc/passwd"
    with pytest.raises(ValueError):
        send_stored_file(stored, True)
    with pytest.raises(ValueError):
        open_stored_file(stored)


def test_open_stored_file_gives_internal_readers_the_content(uploads_dir, signed_in):
    stored = store_upload(upload(samples.png(), "a.png"))
    with open_stored_file(stored) as handle:
        assert handle.read() == samples.png()


def test_a_file_stored_in_a_transaction_that_rolls_back_is_removed(uploads_dir, signed_in):
    store_upload(upload(samples.pdf(), "a.pdf"))
    assert len(files_in(uploads_dir)) == 1
    db.session.rollback()
    assert files_in(uploads_dir) == []


def test_a_committed_file_survives_and_a_deleted_one_goes_only_when_the_deletion_commits(uploads_dir, signed_in):
    stored = store_upload(upload(samples.pdf(), "a.pdf"))
    file_id = stored.id
    db.session.commit()  # in these tests a savepoint, released: the same path as a real commit
    [path] = files_in(uploads_dir)

    delete_stored_file(db.session.get(StoredFile, file_id))
    assert path.exists()  # not yet: the deletion could still roll back
    db.session.rollback()
    assert path.exists()
    assert db.session.get(StoredFile, file_id) is not None

    delete_stored_file(db.session.get(StoredFile, file_id))
    db.session.commit()
    assert not path.exists()
    assert db.session.get(StoredFile, file_id) is None
    assert [e.object_id for e in events("FileDeleted")] == [str(file_id)]


def test_a_released_savepoint_does_not_settle_the_file(uploads_dir, signed_in):
    with db.session.begin_nested():
        store_upload(upload(samples.pdf(), "a.pdf"))
    assert len(files_in(uploads_dir)) == 1
    db.session.rollback()  # the outer transaction decides
    assert files_in(uploads_dir) == []


def test_the_database_refuses_a_content_type_we_never_detect(uploads_dir, signed_in):
    from sqlalchemy.exc import IntegrityError

    db.session.add(StoredFile(storage_key="0" * 32, original_name="x.html", content_type="text/html", size=1,
                              sha256="0" * 64))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
