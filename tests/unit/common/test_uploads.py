"""The upload checks, without a database: what is accepted, what is refused and with which message."""
import io
import unicodedata

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage

from app.common import uploads
from app.common.uploads import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    TYPE_MESSAGE,
    UploadRefused,
    check_upload,
    content_disposition,
    path_for_key,
    sanitise_name,
    upload_field,
    validate_upload,
)
from tests.unit.common import test_uploads_samples as samples

LIMIT = 10 * 1024 * 1024


def check(data, name, declared=None, limit=LIMIT):
    return check_upload(io.BytesIO(data), name, declared, max_bytes=limit)


def refusal(data, name, declared=None, limit=LIMIT):
    with pytest.raises(UploadRefused) as caught:
        check(data, name, declared, limit)
    return caught.value


# --- Accepted -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("build", "name", "declared", "expected"), [
    (samples.pdf, "consent form.pdf", "application/pdf", PDF),
    (samples.png, "photo.PNG", "image/png", PNG),
    (samples.jpeg, "scan.jpg", "image/jpeg", JPEG),
    (samples.jpeg, "scan.jpeg", "image/pjpeg", JPEG),
    (samples.docx, "letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", DOCX),
    (samples.docx, "letter.docx", "application/octet-stream", DOCX),
    (samples.pdf, "no declared type.pdf", None, PDF),
])
def test_valid_minimal_files_are_accepted_with_our_detected_type(build, name, declared, expected):
    data = build()
    checked = check(data, name, declared)
    assert checked.file_type is expected
    assert checked.data == data
    assert checked.display_name == name


def test_a_file_of_exactly_the_limit_is_accepted():
    data = samples.pdf()
    assert check(data, "a.pdf", limit=len(data)).data == data


# --- Disguised and dangerous content ----------------------------------------------------------------

def test_a_windows_executable_named_report_pdf_is_refused():
    refused = refusal(samples.windows_executable(), "report.pdf", "application/pdf")
    assert (refused.message, refused.reason) == (TYPE_MESSAGE, "executable")


def test_an_elf_binary_is_refused():
    refused = refusal(samples.elf_binary(), "evidence.png", "image/png")
    assert (refused.message, refused.reason) == (TYPE_MESSAGE, "executable")


def test_an_svg_with_a_script_named_png_is_refused():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = refusal(svg, "chart.png", "image/png")
    assert (refused.message, refused.reason) == (TYPE_MESSAGE, "markup")


@pytest.mark.parametrize("html", [
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
    b"\xef\xbb\xbf  \n<html><script>alert(1)</script></html>",  # byte order mark and blank lines first
    "<html><script>x</script></html>".encode("utf-16"),
])
def test_html_named_pdf_is_refused(html):
    refused = refusal(html, "letter.pdf", "application/pdf")
    assert (refused.message, refused.reason) == (TYPE_MESSAGE, "markup")


@pytest.mark.parametrize("name", ["drawing.svg", "page.html", "page.htm", "run.exe", "notes.txt", "noextension"])
def test_names_outside_the_allow_list_are_refused_even_with_valid_content(name):
    assert refusal(samples.pdf(), name).message == TYPE_MESSAGE


def test_unknown_content_is_refused():
    assert refusal(b"just some text", "notes.pdf").reason == "unknown_type"


def test_a_png_signature_without_an_image_header_is_not_a_png():
    assert refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "a.png").reason == "unknown_type"


@pytest.mark.parametrize(("build", "name"), [
    (samples.png, "photo.pdf"),
    (samples.pdf, "scan.jpg"),
    (samples.jpeg, "image.png"),
    (samples.docx, "letter.pdf"),
    (samples.pdf, "letter.docx"),
])
def test_extension_and_content_must_agree(build, name):
    refused = refusal(build(), name)
    assert (refused.message, refused.reason) == (TYPE_MESSAGE, "extension_mismatch")


@pytest.mark.parametrize("declared", ["text/html", "image/svg+xml", "application/x-msdownload", "image/png"])
def test_a_declared_type_that_contradicts_the_content_is_refused(declared):
    assert refusal(samples.pdf(), "report.pdf", declared).reason == "declared_type_mismatch"


# --- DOCX: real word documents only, no bombs --------------------------------------------------------

def test_a_zip_bomb_named_docx_is_refused_from_its_directory():
    bomb = samples.zip_bomb_docx()
    assert len(bomb) < 200 * 1024  # small on the wire: only the directory gives it away
    refused = refusal(bomb, "report.docx")
    assert (refused.message, refused.reason) == (TYPE_MESSAGE, "zip_bomb")


def test_a_zip_with_too_many_entries_is_refused():
    entries = [(f"word/part{n}.xml", b"") for n in range(uploads.MAX_ZIP_ENTRIES + 1)]
    assert refusal(samples.docx(extra=entries), "report.docx").reason == "zip_bomb"


def test_a_docx_over_the_total_uncompressed_size_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 10_000)
    stored = samples.docx(extra=[("word/media/photo.bin", bytes(range(256)) * 50)])
    assert refusal(stored, "report.docx").reason == "zip_bomb"


def test_a_plain_zip_renamed_docx_is_refused():
    plain = samples.zip_of([("holiday/photo.jpg", samples.jpeg()), ("readme.txt", b"hello")])
    refused = refusal(plain, "holiday.docx")
    assert (refused.message, refused.reason) == (TYPE_MESSAGE, "not_word_document")


def test_a_zip_with_the_entries_but_not_a_word_content_type_is_refused():
    fake = samples.zip_of([("[Content_Types].xml", "<Types/>"), ("word/document.xml", samples.DOCX_DOCUMENT)])
    assert refusal(fake, "letter.docx").reason == "not_word_document"


def test_a_macro_enabled_document_renamed_docx_is_refused():
    macro = samples.docx(extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macros")])
    assert refusal(macro, "letter.docx").reason == "macro_document"


def test_a_truncated_zip_is_refused():
    assert refusal(samples.docx()[:60], "letter.docx").reason == "not_word_document"


def test_an_executable_with_a_zip_appended_is_refused():
    refused = refusal(samples.windows_executable() + samples.docx(), "letter.docx")
    assert refused.reason == "executable"


# --- Size ------------------------------------------------------------------------------------------

def test_an_empty_file_is_refused():
    refused = refusal(b"", "empty.pdf")
    assert (refused.message, refused.reason) == ("The selected file is empty", "empty")


def test_an_oversized_file_is_refused_without_reading_it_all():
    class CountingStream(io.BytesIO):
        largest_read = 0

        def read(self, size=-1):
            CountingStream.largest_read = max(CountingStream.largest_read, size)
            assert size != -1, "an unbounded read would buffer the whole upload"
            return super().read(size)

    stream = CountingStream(samples.pdf() + b"\x00" * (LIMIT + 5000))
    with pytest.raises(UploadRefused) as caught:
        check_upload(stream, "big.pdf", "application/pdf", max_bytes=LIMIT)
    assert caught.value.message == "The selected file must be smaller than 10MB"
    assert CountingStream.largest_read == LIMIT + 1
    assert stream.tell() == LIMIT + 1


def test_one_byte_over_the_limit_is_refused():
    data = samples.pdf()
    assert refusal(data, "a.pdf", limit=len(data) - 1).reason == "too_large"


# --- Names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "../../etc/passwd.pdf",
    "..\\..\\x.pdf",
    "a/../b.pdf",
    "report\x00.pdf",
    "report.pdf\x00.exe",
    "report\n.pdf",
    "report\r\nSet-Cookie: x=1.pdf",
    "..",
])
def test_names_that_climb_folders_or_carry_control_characters_are_refused(name):
    refused = refusal(samples.pdf(), name)
    assert refused.reason == "bad_name"
    assert "Rename the file" in refused.message


@pytest.mark.parametrize(("raw", "display"), [
    ("C:\\Users\\kw\\Documents\\consent.pdf", "consent.pdf"),
    ("/home/kw/consent.pdf", "consent.pdf"),
    ("  consent form (signed).pdf  ", "consent form (signed).pdf"),
    ('what"s<this>.pdf', "what_s_this_.pdf"),
    ("report.pdf.", "report.pdf"),
    ("Zoë's formulaire.pdf", "Zoë's formulaire.pdf"),
    ("invoice\u202efdp.pdf", "invoicefdp.pdf"),  # a right-to-left override cannot reorder the extension
])
def test_names_keep_only_a_safe_display_name(raw, display):
    assert sanitise_name(raw) == display


def test_a_right_to_left_override_cannot_disguise_an_executable():
    # Shown by a browser as "reportexe.pdf", but the real extension is .exe.
    assert refusal(samples.pdf(), "report\u202efdp.exe").reason == "extension_mismatch"


def test_long_names_are_shortened_keeping_the_extension():
    name = sanitise_name("a" * 500 + ".pdf")
    assert len(name) == uploads.MAX_NAME_LENGTH
    assert name.endswith("aaa.pdf")


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_no_name_means_no_file_was_chosen(raw):
    with pytest.raises(UploadRefused) as caught:
        sanitise_name(raw)
    assert caught.value.message == "Select a file"


# --- Download headers and storage keys ---------------------------------------------------------------

def test_content_disposition_is_an_attachment_with_an_rfc_6266_name():
    header = content_disposition("Zoë's consent; form.pdf")
    assert header.startswith("attachment; ")
    assert "filename*=UTF-8''Zo%C3%AB%27s%20consent%3B%20form.pdf" in header
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback.isascii() and fallback.endswith(".pdf")


def test_content_disposition_fallback_cannot_break_out_of_its_quotes():
    header = content_disposition('a"; filename=evil.exe.pdf')
    assert header.count('"') == 2


@pytest.fixture
def bare_app(tmp_path):
    app = Flask(__name__)
    app.config.update(UPLOADS_DIR=str(tmp_path / "uploads"), UPLOAD_MAX_BYTES=2048, SECRET_KEY="x",
                      WTF_CSRF_ENABLED=False)
    return app


@pytest.mark.parametrize("key", ["../" * 10 + "etc/passwd", "ABCDEF" * 5 + "00", "0" * 31, "0" * 33, "g" * 32,
                                 "0" * 31 + "/", None, 12])
def test_a_storage_key_only_becomes_a_path_when_it_is_32_hex_characters(bare_app, key):
    with bare_app.app_context(), pytest.raises(ValueError):
        path_for_key(key)


def test_a_valid_storage_key_maps_under_uploads_dir_by_its_first_two_characters(bare_app, tmp_path):
    with bare_app.app_context():
        path = path_for_key("ab" + "0" * 30)
    assert path == (tmp_path / "uploads" / "ab" / ("ab" + "0" * 30)).resolve()


def test_uploads_are_refused_a_home_inside_the_web_root(bare_app):
    bare_app.config["UPLOADS_DIR"] = bare_app.static_folder + "/uploads"
    with bare_app.app_context(), pytest.raises(RuntimeError):
        path_for_key("0" * 32)


# --- In a form ---------------------------------------------------------------------------------------

def storage(data, name, mimetype="application/octet-stream"):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type=mimetype)


def test_validate_upload_uses_the_configured_limit_and_rewinds_the_stream(bare_app):
    small = storage(samples.pdf(), "a.pdf")
    with bare_app.app_context():
        assert validate_upload(small).file_type is PDF
        assert small.stream.tell() == 0
        with pytest.raises(UploadRefused) as caught:
            validate_upload(storage(samples.pdf() + b"\x00" * 3000, "big.pdf"))
    assert caught.value.message == "The selected file must be smaller than 2KB"


def test_validate_upload_with_no_file_asks_for_one(bare_app):
    with bare_app.app_context(), pytest.raises(UploadRefused) as caught:
        validate_upload(storage(b"", ""))
    assert caught.value.message == "Select a file"


class EvidenceForm(FlaskForm):
    document = upload_field("Upload the signed form")


class OptionalForm(FlaskForm):
    document = upload_field("Attach a document (optional)", required=False)


def post_form(app, form_class, files):
    with app.test_request_context(method="POST", data=files, content_type="multipart/form-data"):
        form = form_class()  # Flask-WTF reads request.files, as in a real view
        return form.validate(), form.errors


@pytest.mark.parametrize(("data", "name", "message"), [
    (samples.windows_executable(), "report.pdf", TYPE_MESSAGE),
    (b"", "empty.pdf", "The selected file is empty"),
    (samples.pdf() + b"\x00" * 3000, "big.pdf", "The selected file must be smaller than 2KB"),
], ids=["executable", "empty", "oversized"])
def test_the_form_field_shows_the_refusal_message(bare_app, data, name, message):
    ok, errors = post_form(bare_app, EvidenceForm, {"document": storage(data, name)})
    assert not ok
    assert errors == {"document": [message]}


def test_the_form_field_accepts_a_valid_file(bare_app):
    ok, errors = post_form(bare_app, EvidenceForm, {"document": storage(samples.png(), "photo.png", "image/png")})
    assert ok, errors


def test_a_required_field_with_no_file_asks_for_one_and_an_optional_one_does_not(bare_app):
    assert post_form(bare_app, EvidenceForm, {}) == (False, {"document": ["Select a file"]})
    assert post_form(bare_app, OptionalForm, {}) == (True, {})


# --- Hostile bytes never crash the check ---------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.binary(min_size=1, max_size=8), cut=st.booleans())
def test_a_damaged_docx_is_either_accepted_or_refused_never_a_crash(position, replacement, cut):
    data = bytearray(samples.docx())
    position %= len(data)
    damaged = bytes(data[:position]) if cut and position else bytes(
        data[:position] + replacement + data[position + len(replacement):])
    try:
        checked = check(damaged, "letter.docx")
    except UploadRefused as refused:
        assert refused.message == TYPE_MESSAGE or refused.reason == "empty"
    else:
        assert checked.file_type is DOCX


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=300))
def test_any_name_is_refused_or_becomes_a_safe_display_name(name):
    try:
        display = sanitise_name(name)
    except UploadRefused:
        return
    assert display and len(display) <= uploads.MAX_NAME_LENGTH
    assert "/" not in display and "\\" not in display and display not in (".", "..")
    assert not any(unicodedata.category(ch).startswith("C") for ch in display)
