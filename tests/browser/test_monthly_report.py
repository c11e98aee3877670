"""Journey: a programme manager asks for last month's programme report; the jobs worker makes the PDF
while the progress page follows it; the manager downloads it from there, and again from the archive."""
import re
import subprocess
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.helpers import from_home


def test_manager_makes_and_downloads_the_monthly_pdf(page_as, check_page, jobs_worker):
    from app.common.time import today_london

    last_month = today_london().replace(day=1) - timedelta(days=1)
    period, name = f"{last_month:%Y-%m}", f"{last_month:%B %Y}"

    manager = page_as("manager@demo.test")
    from_home(manager, "Reports")
    expect(manager.get_by_role("heading", level=1)).to_have_text("Reports")
    check_page(manager, "reports")

    # A missing period is refused with the error summary, and the choice made is kept.
    manager.get_by_role("radio", name="Monthly programme report").check()
    manager.get_by_role("button", name="Make the report").click()
    expect(manager.locator(".govuk-error-summary")).to_be_focused()
    expect(manager.get_by_role("radio", name="Monthly programme report")).to_be_checked()
    check_page(manager, "reports - period missing")

    manager.get_by_label("Period").fill(period)
    manager.get_by_role("button", name="Make the report").click()
    expect(manager).to_have_url(re.compile(r"/jobs/\d+$"))
    check_page(manager, "progress page")
    result = manager.get_by_role("button", name="View the result")  # a link drawn as a button
    expect(result).to_be_visible(timeout=90_000)
    check_page(manager, "progress page - finished")
    pdf = _download(manager, result)  # the result of a report job is the file itself
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert name.encode() in text, text[:500]
    # A PDF that assistive technology can read: tagged (structure for screen readers), with a title.
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(rf"^Title:\s+Monthly programme report .* {name}$", info, re.M), info

    # The report stays in the archive, with its SHA-256, and downloads from there too.
    from_home(manager, "Reports")
    row = manager.get_by_role("row").filter(has_text=name).filter(has_text="Monthly programme report").first
    expect(row).to_be_visible()
    check_page(manager, "report archive")
    assert _download(manager, row.get_by_role("link").first) == pdf


def _download(page, link):
    """Click a link that downloads a PDF; its bytes, checked to be a PDF of some substance."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    with open(download.path(), "rb") as file:
        pdf = file.read()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000, pdf[:40]
    return pdf
