"""The safe PDF renderer (app/common/pdf.py) used by the step-up pack, reports and claims."""
import pytest

from app.common.pdf import FetchRefused, InlineOnlyFetcher, render_pdf


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/a.png", "https://example.com/a.css",
                                 "ftp://example.com/x", "FILE:///etc/hosts"])
def test_the_fetcher_refuses_files_and_external_urls(url):
    with pytest.raises(FetchRefused):
        InlineOnlyFetcher()(url)


def test_inline_data_is_allowed():
    response = InlineOnlyFetcher()("data:text/plain,hello")
    assert response.read() if hasattr(response, "read") else response


def test_renders_a_tagged_pdf_and_leaves_out_what_it_refused():
    pdf = render_pdf('<html lang="en"><head><title>Pack</title></head><body><h1>Pack</h1>'
                     '<img src="file:///etc/passwd" alt=""><link rel="stylesheet" href="http://example.com/x.css">'
                     "</body></html>", base_url="http://hearth.example/", uncompressed_pdf=True)
    assert pdf.startswith(b"%PDF")
    assert b"/StructTreeRoot" in pdf  # tagged for screen readers (PDF/UA)
    assert b"root:" not in pdf
