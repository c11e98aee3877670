"""Safe PDF rendering for every package (case packs, reports, claim evidence).

WeasyPrint renders HTML from our own templates. Its URL fetcher is replaced by one that refuses
`file:` and every external URL, so a template (or text typed into a record) can never make the
server read local files or call out to the network; images and styles must be inline or `data:`.
The output is tagged (PDF/UA-1), so screen readers can follow it.
"""
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class FetchRefused(ValueError):
    """A PDF tried to load a resource that is not inline data."""


class InlineOnlyFetcher(URLFetcher):
    """Fetches `data:` URLs only; file:, http:, https:, ftp: and the rest are refused (and the
    resource is left out of the PDF, as WeasyPrint does for any failed fetch)."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.lower().startswith("data:"):
            raise FetchRefused(f"PDF resources must be inline; refused a {url.split(':', 1)[0]}: URL")
        return super().fetch(url, headers)


def render_pdf(html: str, base_url: str | None = None, **options) -> bytes:
    """A tagged PDF of `html`. `base_url` only resolves relative links; nothing is fetched from it.
    `options` go to WeasyPrint's write_pdf (for example uncompressed_pdf=True to inspect the output)."""
    return HTML(string=html, base_url=base_url, url_fetcher=InlineOnlyFetcher()).write_pdf(
        pdf_variant="pdf/ua-1", **options)
