"""The one upload service: every file Hearth accepts (signed consent forms, evidence, shared documents)
comes in, is kept and goes out through here.

Coming in, a file must be a PDF, PNG, JPEG or Word (DOCX) document, proved by its own bytes: the name's
extension, the browser's declared type and the magic bytes must all agree, and a DOCX must be a real
OOXML word document whose zip directory looks sane (no zip bombs, no macros). The user's file name is
kept only as sanitised display text. Files are stored outside the web root under random names, written
atomically with owner-only permissions, and described by a `StoredFile` row.

Going out, a file is only ever sent as an attachment, with the type Hearth detected, after a check the
caller supplies (the sharing policy, in the package that owns the record the file belongs to). A
failed check is a 404, so nobody learns that the file exists.

Files on disk follow the database transaction: a file written in a transaction that rolls back is
removed, and a deleted file is only unlinked once the deletion has committed.
"""
import contextlib
import hashlib
import io
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from flask import abort, current_app, has_request_context, send_file
from flask_login import current_user
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from sqlalchemy import event
from sqlalchemy.orm import Session
from wtforms.validators import StopValidation, ValidationError

from app.common.auditing import record, record_refusal
from app.common.upload_models import StoredFile
from app.extensions import db

TYPE_MESSAGE = "The selected file must be a PDF, PNG, JPEG or Word document"
EMPTY_MESSAGE = "The selected file is empty"
MISSING_MESSAGE = "Select a file"
NAME_MESSAGE = "The selected file has a name that cannot be used. Rename the file and try again"

MAX_NAME_LENGTH = 120
# Zip directory limits for DOCX. A real Word document has tens of entries and compresses its XML
# perhaps 10-30 times; anything far beyond that is a decompression bomb or not a document.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024  # small entries may compress extremely well; only large ones are judged
MAX_CONTENT_TYPES_XML = 256 * 1024

DOCX_MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
STORAGE_KEY = re.compile(r"[0-9a-f]{32}")
# Browsers send these when they do not know a type; they say nothing either way.
GENERIC_DECLARED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/x-download"})


class UploadRefused(Exception):
    """The file cannot be accepted. `message` is shown to the user; `reason` is a code for logs and tests."""

    def __init__(self, message, reason="refused"):
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    declared_types: frozenset[str]
    magic: bytes


PDF = FileType("pdf", "PDF", ("pdf",), "application/pdf",
               frozenset({"application/pdf", "application/x-pdf", "application/acrobat"}), b"%PDF-")
PNG = FileType("png", "PNG", ("png",), "image/png", frozenset({"image/png", "image/x-png"}), b"\x89PNG\r\n\x1a\n")
JPEG = FileType("jpeg", "JPEG", ("jpg", "jpeg"), "image/jpeg",
                frozenset({"image/jpeg", "image/jpg", "image/pjpeg"}), b"\xff\xd8\xff")
DOCX = FileType(
    "docx", "Word document", ("docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    # Some systems without Office label .docx as a plain zip or as the old Word type.
    frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "application/msword", "application/zip", "application/x-zip-compressed"}),
    b"PK\x03\x04",
)
FILE_TYPES = (PDF, PNG, JPEG, DOCX)
_BY_EXTENSION = {ext: ft for ft in FILE_TYPES for ext in ft.extensions}

# Named only so a refusal can say why in the log; anything not on the allow-list is refused anyway.
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                     b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    file_type: FileType
    display_name: str


# --- Checking (pure: no app, no database) -------------------------------------------------------------

def size_label(max_bytes: int) -> str:
    mb = 1024 * 1024
    if max_bytes >= mb:
        return f"{max_bytes // mb}MB" if max_bytes % mb == 0 else f"{max_bytes / mb:.1f}MB"
    if max_bytes >= 1024:
        return f"{max_bytes // 1024}KB"
    return f"{max_bytes} bytes"


def sanitise_name(raw: str | None) -> str:
    """The user's file name as safe display text: no folders, no control or format characters, length-limited.
    A name that tries to climb folders or carries control characters is refused outright: no browser sends one."""
    if raw is None or not raw.strip():
        raise UploadRefused(MISSING_MESSAGE, "no_file")
    name = unicodedata.normalize("NFC", raw)
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UploadRefused(NAME_MESSAGE, "bad_name")
    parts = re.split(r"[\\/]", name)
    if any(part.strip() == ".." for part in parts):
        raise UploadRefused(NAME_MESSAGE, "bad_name")
    # Old browsers send the whole client path; only its last part is the name.
    name = parts[-1]
    # Format characters (right-to-left override, zero-width) can disguise the real extension.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = re.sub(r'[<>:"|?*]', "_", name).strip(" .")
    if not name:
        raise UploadRefused(NAME_MESSAGE, "bad_name")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    """Read at most max_bytes + 1 bytes, so an oversized upload is never buffered whole."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {size_label(max_bytes)}", "too_large")
    if not data:
        raise UploadRefused(EMPTY_MESSAGE, "empty")
    return data


def _refuse_type(reason):
    raise UploadRefused(TYPE_MESSAGE, reason)


def looks_like_markup(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n")
    return head.startswith(b"<")


def detect_type(data: bytes) -> FileType | None:
    """The allow-listed type whose magic bytes start the data, if any. DOCX is only a candidate here."""
    for file_type in FILE_TYPES:
        if data.startswith(file_type.magic):
            if file_type is PNG and data[12:16] != b"IHDR":
                return None  # a PNG signature with no image header is not a PNG
            return file_type
    return None


def check_docx(data: bytes) -> None:
    """Refuse a zip that is not an OOXML word document, or whose directory promises a bomb.
    Only the zip directory is trusted here, and only after its sizes are checked; the single part
    read ([Content_Types].xml) is read with a cap, so a directory that lies cannot make us inflate much."""
    # Hostile archives can make zipfile and zlib raise almost anything; every failure is a refusal, never a 500.
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        _refuse_type("not_word_document")
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            _refuse_type("zip_bomb")
        total = sum(info.file_size for info in infos)
        if total > MAX_ZIP_UNCOMPRESSED or (total > ZIP_RATIO_FLOOR and total > MAX_ZIP_RATIO * len(data)):
            _refuse_type("zip_bomb")
        for info in infos:
            if info.file_size > ZIP_RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                _refuse_type("zip_bomb")
            if info.flag_bits & 0x1 or info.filename.startswith("/") or ".." in info.filename.split("/"):
                _refuse_type("not_word_document")
        names = [info.filename for info in infos]
        if len(set(names)) != len(names) or "[Content_Types].xml" not in names or "word/document.xml" not in names:
            _refuse_type("not_word_document")
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            _refuse_type("macro_document")
        try:
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(MAX_CONTENT_TYPES_XML + 1)
        except Exception:
            _refuse_type("not_word_document")
    if len(content_types) > MAX_CONTENT_TYPES_XML:
        _refuse_type("zip_bomb")
    if b"macroEnabled" in content_types:
        _refuse_type("macro_document")
    if DOCX_MAIN_PART.encode() not in content_types:
        _refuse_type("not_word_document")


def check_upload(stream: BinaryIO, filename: str | None, declared_type: str | None, *, max_bytes: int) -> CheckedUpload:
    """Everything that decides whether a file is accepted. Raises UploadRefused with the user's message."""
    display_name = sanitise_name(filename)
    data = read_limited(stream, max_bytes)
    if looks_like_markup(data):
        _refuse_type("markup")  # HTML or SVG could run script if ever opened inline
    if data.startswith(_EXECUTABLE_MAGIC):
        _refuse_type("executable")
    detected = detect_type(data)
    if detected is None:
        _refuse_type("unknown_type")
    _, dot, extension = display_name.rpartition(".")
    if not dot or _BY_EXTENSION.get(extension.lower()) is not detected:
        _refuse_type("extension_mismatch")
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared not in GENERIC_DECLARED_TYPES and declared not in detected.declared_types:
        _refuse_type("declared_type_mismatch")
    if detected is DOCX:
        check_docx(data)
    return CheckedUpload(data=data, file_type=detected, display_name=display_name)


# --- In the app -------------------------------------------------------------------------------------

def validate_upload(file_storage) -> CheckedUpload:
    """Check a werkzeug FileStorage against the app's limit; the stream is rewound for a later store."""
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadRefused(MISSING_MESSAGE, "no_file")
    stream = file_storage.stream
    try:
        return check_upload(stream, file_storage.filename, file_storage.mimetype,
                            max_bytes=current_app.config["UPLOAD_MAX_BYTES"])
    except UploadRefused as refused:
        # The reason code only: the name the user gave may itself be personal data.
        current_app.logger.warning("upload refused: %s", refused.reason)
        raise
    finally:
        if stream.seekable():
            stream.seek(0)


class AllowedUpload:
    """WTForms validator: puts the refusal message on the field, so the GOV.UK error summary shows it."""

    def __init__(self, required=True):
        self.required = required
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form, field):
        if not field.data or not getattr(field.data, "filename", None):
            if self.required:
                field.errors[:] = []
                raise StopValidation(MISSING_MESSAGE)
            return
        try:
            validate_upload(field.data)
        except UploadRefused as refused:
            raise ValidationError(refused.message) from None


def upload_field(label, required=True, hint=None, **kwargs):
    """A GOV.UK file upload field with the upload checks attached."""
    return FileField(label, widget=GovFileInput(), validators=[AllowedUpload(required)],
                     description=hint or "", **kwargs)


def _uploads_root() -> Path:
    root = Path(current_app.config["UPLOADS_DIR"]).resolve()
    static = Path(current_app.static_folder).resolve() if current_app.static_folder else None
    if static is not None and (root == static or static in root.parents):
        # Anything under the static folder is served to anyone: refuse to store files there.
        raise RuntimeError("UPLOADS_DIR must be outside the web root")
    return root


def path_for_key(storage_key: str) -> Path:
    """The only way a storage key becomes a path, after proving it is 32 lower-case hex characters."""
    if not isinstance(storage_key, str) or not STORAGE_KEY.fullmatch(storage_key):
        raise ValueError("not a storage key")
    return _uploads_root() / storage_key[:2] / storage_key


def _write_atomically(data: bytes, storage_key: str) -> Path:
    target = path_for_key(storage_key)
    target.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.parent.mkdir(mode=0o700, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        _unlink_quietly(temp_name)
        raise
    return target


def store_upload(file_storage, *, uploaded_by=None) -> StoredFile:
    """Check and keep an uploaded file; returns its flushed StoredFile row. Raises UploadRefused, having
    written nothing, when the file is not acceptable. The caller's transaction decides whether it stays."""
    checked = validate_upload(file_storage)
    if uploaded_by is None and has_request_context() and current_user and current_user.is_authenticated:
        uploaded_by = current_user
    storage_key = secrets.token_hex(16)
    path = _write_atomically(checked.data, storage_key)
    try:
        stored = StoredFile(
            storage_key=storage_key,
            original_name=checked.display_name,
            content_type=checked.file_type.content_type,
            size=len(checked.data),
            sha256=hashlib.sha256(checked.data).hexdigest(),
            uploaded_by_user_id=uploaded_by.id if uploaded_by is not None else None,
        )
        db.session.add(stored)
        db.session.flush()
        record("FileUploaded", actor=uploaded_by, object_type="stored_file", object_id=stored.id,
               file_type=checked.file_type.code, size=stored.size)
    except BaseException:
        _unlink_quietly(path)
        raise
    db.session.info.setdefault(_WRITTEN, []).append(str(path))
    return stored


def send_stored_file(stored_file: StoredFile | None, may_download: Callable[[], bool] | bool):
    """Send a file as an attachment if the caller's access check passes; otherwise 404, audited."""
    if stored_file is None:
        abort(404)
    # Only a real True opens the file: a truthy object (a policy Decision, a list) must not pass by accident.
    allowed = may_download() if callable(may_download) else may_download
    if allowed is not True:
        record_refusal("FileDownloadRefused", object_type="stored_file", object_id=stored_file.id)
        abort(404)
    path = path_for_key(stored_file.storage_key)
    if not path.is_file():
        current_app.logger.error("stored file %s is missing from UPLOADS_DIR", stored_file.id)
        abort(404)
    record("FileDownloaded", object_type="stored_file", object_id=stored_file.id)
    response = send_file(path, mimetype=stored_file.content_type, as_attachment=True,
                         download_name=stored_file.original_name, conditional=False, etag=False, max_age=None)
    response.headers["Content-Disposition"] = content_disposition(stored_file.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 6266 / RFC 8187 `filename*`."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r'[^A-Za-z0-9 !#$&+,.^_`|~()\[\]{}=@;\'-]', "_", fallback).strip() or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def open_stored_file(stored_file: StoredFile) -> BinaryIO:
    """For internal readers (evidence packs, exports): the caller has already applied the access rule."""
    return open(path_for_key(stored_file.storage_key), "rb")  # the caller closes it


def delete_stored_file(stored_file: StoredFile) -> None:
    """Delete the row now and the file once the deletion commits (retention)."""
    path = path_for_key(stored_file.storage_key)
    file_id = stored_file.id
    db.session.delete(stored_file)
    db.session.flush()
    record("FileDeleted", object_type="stored_file", object_id=file_id)
    db.session.info.setdefault(_TO_DELETE, []).append(str(path))


# --- Keeping the disk in step with the transaction ---------------------------------------------------

_WRITTEN = "hearth_uploads_written"
_TO_DELETE = "hearth_uploads_to_delete"


def _unlink_quietly(path):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


@event.listens_for(Session, "after_commit")
def _files_after_commit(session):
    if session.in_nested_transaction():
        return  # a savepoint was released: the outer transaction decides
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_TO_DELETE, []):
        _unlink_quietly(path)


@event.listens_for(Session, "after_transaction_end")
def _files_after_transaction_end(session, transaction):
    if transaction.parent is not None:
        return
    # Still listed after the outermost transaction ended: it was rolled back (or closed) without a commit.
    for path in session.info.pop(_WRITTEN, []):
        _unlink_quietly(path)
    session.info.pop(_TO_DELETE, None)
