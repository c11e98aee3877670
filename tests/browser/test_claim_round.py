"""Journey: a finance officer builds this month's claim round, a background job, and follows it on the
progress page; a second finance officer approves it (four eyes; step-up with an authenticator app, which
they set up on the way) and downloads the finance export as CSV and as a spreadsheet."""
import csv
import io
import re

import openpyxl
from playwright.sync_api import expect

from tests.browser.helpers import from_home, set_up_authenticator


def _download(page, link):
    """Click a download link; the file's name and bytes."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    with open(download.path(), "rb") as file:
        return download.suggested_filename, file.read()


def test_finance_builds_a_round_a_colleague_approves_it_and_exports_it(page_as, check_page, jobs_worker,
                                                                       authenticators):
    from app.common.time import today_london

    month = today_london().replace(day=1)
    code, name = f"{month:%Y-%m}", f"{month:%B %Y}"

    preparer = page_as("finance@demo.test")
    from_home(preparer, "Claims")
    h1 = preparer.get_by_role("heading", level=1)
    expect(h1).to_have_text("Claims")
    check_page(preparer, "claims")
    preparer.get_by_label("Round").fill(code)
    preparer.get_by_role("button", name="Build the round's claims").click()

    # The progress page: it follows the job by itself until the worker has finished.
    expect(preparer).to_have_url(re.compile(r"/jobs/\d+$"))
    expect(preparer.get_by_role("main")).to_contain_text(f"Claim round {code}")
    check_page(preparer, "progress page")
    result = preparer.get_by_role("button", name="View the result")  # a link drawn as a button
    expect(result).to_be_visible(timeout=60_000)
    expect(preparer.get_by_role("main")).to_contain_text("Finished")
    check_page(preparer, "progress page - finished")
    result.click()
    expect(h1).to_contain_text(name)
    expect(preparer.get_by_text("You prepared this round, so another finance officer must approve it.")).to_be_visible()
    expect(preparer.get_by_role("button", name="Approve the round")).to_have_count(0)
    claims = preparer.get_by_role("table").last.locator("tbody tr")
    expect(claims.first).to_be_visible()
    count = claims.count()
    shown = {text.strip() for text in claims.locator("td:first-child").all_inner_texts()}  # family references
    check_page(preparer, "round built")

    # The second finance officer approves; approving asks for a code, so they set up their app first.
    approver = page_as("finance2@demo.test")
    from_home(approver, "Claims")
    approver.get_by_role("link", name=name, exact=True).click()
    check_page(approver, "round to approve")
    approver.get_by_role("button", name="Approve the round").click()
    authenticators["finance2@demo.test"] = set_up_authenticator(approver, check_page)
    # A form sent before the step-up is not replayed: back on the round, they approve again.
    expect(approver.get_by_role("heading", level=1)).to_contain_text(name)
    approver.get_by_role("button", name="Approve the round").click()
    expect(approver.get_by_text(f"Round {code} approved")).to_be_visible()
    main = approver.get_by_role("main")
    expect(main).to_contain_text("Alison Fry")
    expect(main.locator("code.hearth-reference")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    check_page(approver, "round approved")

    # The finance export, both ways: one row per claim.
    filename, data = _download(approver, approver.get_by_role("link", name=f"CSV for {name}"))
    assert filename == f"claim-round-{code}.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == count + 2 and rows[-1][0].startswith("TOTAL"), f"header, {count} claims, total: {rows}"
    assert rows[0][:3] == ["family_reference", "rule_set", "claim_type"], rows[0]
    references = {row[0] for row in rows[1:-1]}
    assert references == shown, (references, shown)
    assert all(row[7] == "Alison Fry" for row in rows[1:-1]), rows

    filename, data = _download(approver, approver.get_by_role("link", name=f"Excel for {name}"))
    assert filename == f"claim-round-{code}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(cells) == count + 2 and list(cells[0]) == rows[0], cells[:2]
    assert {row[0] for row in cells[1:-1]} == references
