"""Group reports: the monthly PDF holds the (suppressed) figures, the archive keeps one entry per type and
period with its SHA-256, and the statutory returns honour opt-outs."""
import csv
import hashlib
import io
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from app.cases.models import Person
from app.common.time import today_london
from app.extensions import db
from app.reporting import reports, returns, services
from app.reporting.models import ArchivedReport, ReportType
from app.reporting.periods import parse_period


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


def test_monthly_pdf_holds_the_suppressed_figures(programme):
    entry, made = reports.generate("monthly", "2026-10")
    assert made
    content = reports.archive_path(entry).read_bytes()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Monthly programme report" in text and "October 2026" in text
    assert "Page 1 of" in text
    # Referrals: early help 3 and police 2, total 5 (shown: 5 is not below the threshold).
    assert "fewer than 5" in text
    assert "Median time to triage" in text and "1 working day" in text
    assert "Median time from referral to attachment" in text and "15 days" in text
    # Caseload for the board: the spread, not named key workers. Two key workers (4 and 2 open cases) in
    # the "1 to 10" band: hidden as fewer than 5, and so is the median.
    assert "Alex Key" not in text and "Key workers by number of open cases" in text
    band_line = next(line for line in text.splitlines() if line.strip().startswith("1 to 10"))
    assert "fewer than 5" in band_line and "2" not in band_line.replace("fewer than 5", "")
    assert "Not shown for fewer than 5 key workers" in text
    # Tagged PDF (PDF/UA-1).
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert "Tagged:          yes" in info


def test_archive_entry_has_the_files_checksum_and_is_made_once(programme):
    entry, made = reports.generate("quarterly-return", "2026-Q3")
    assert made
    path = reports.archive_path(entry)
    assert entry.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and reports.intact(entry)
    again, made_again = reports.generate("quarterly-return", "2026-Q3")
    assert again.id == entry.id and not made_again
    count = db.session.scalar(select(func.count(ArchivedReport.id))
                              .where(ArchivedReport.report_type == ReportType.QUARTERLY_RETURN))
    assert count == 1
    path.write_bytes(path.read_bytes() + b"tampered")
    assert not reports.intact(entry)


def test_wrong_period_kind_and_unavailable_types_are_refused(programme):
    with pytest.raises(reports.ReportError, match="quarter"):
        reports.generate("quarterly-return", "2026-10")
    with pytest.raises(reports.ReportError, match="month"):
        reports.generate("monthly", "2026-Q3")
    with pytest.raises(reports.ReportError, match="There is no claim round for October 2026"):
        reports.generate("claim-round", "2026-10")


def test_claim_round_summary_holds_exact_figures(programme, claims):
    entry, _ = reports.generate("claim-round", "2026-10")
    text = pdf_text(reports.archive_path(entry).read_bytes())
    assert "Claim round summary" in text and "For finance and internal audit only" in text
    assert "OFFICIAL-SENSITIVE" in text and "Page 1 of" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "sf_2022 Results payment 6 £4,800.00" in lines  # exact: nothing suppressed for finance
    assert any(line.startswith("Sampled (10%) 2") for line in lines)
    assert "Signed off 1" in lines and "Rejected 1" in lines
    assert "Family not eligible at attachment 1" in lines
    assert "HF-T0000" not in text  # aggregates only: no family references


def test_quarterly_return_counts(programme):
    # Quarter 3 of the financial year 2026-27: October to December 2026.
    rows = {(m, b): c for m, b, c in returns.quarterly_return(parse_period("2026-Q3"))}
    # Attached in October to December: F1-F6.
    assert rows[("families_attached", "all")] == 6
    assert rows[("families_in_sustainment", "at_quarter_end")] == 2  # F9 (July) and F10 (November)
    assert rows[("needs_resolved", programme.headline_a)] == 1  # F1's, on 20 October
    assert ("needs_resolved", programme.headline_b) not in rows  # resolved in September: the previous quarter
    assert rows[("claims_made", "results")] == 0 and rows[("claims_paid", "attachment_fee")] == 0  # no rounds


def test_quarterly_return_counts_claims_made_and_paid(programme, claims):
    """October's round (the `claims` fixture) was submitted on 20 October: six results claims not rejected
    (F7's rejected one left out), 6 x 80,000p. A September round submitted on 25 September (the previous
    quarter) was paid on 10 November: two results claims and one attachment fee, plus one rejected claim.
    November's draft round counts nowhere."""
    from app.claims import models as m
    from app.outcomes.facts import ClaimType

    paid = m.ClaimRound(month=date(2026, 9, 1), status=m.RoundStatus.PAID, window_start=date(2024, 9, 1),
                        window_end=date(2026, 3, 31), submitted_on=date(2026, 9, 25), paid_on=date(2026, 11, 10),
                        submitted_amount_pence=170000, paid_amount_pence=170000)
    db.session.add(paid)
    db.session.flush()
    for n, kind, pence, extra in [
        (9, ClaimType.RESULTS, 80000, {}), (10, ClaimType.RESULTS, 80000, {}),
        (7, ClaimType.ATTACHMENT_FEE, 10000, {}),
        (7, ClaimType.RESULTS, 80000, {"status": m.ClaimStatus.REJECTED,
                                        "rejection_reason": m.RejectionReason.NOT_SUSTAINED}),
    ]:
        db.session.add(m.Claim(round_id=paid.id, family_id=programme.families[n].id, programme="sf_2022",
                               claim_type=kind, rule_set_code="sf22", amount_pence=pence,
                               judged_on=date(2026, 9, 1), conditions=[], **extra))
    db.session.flush()

    rows = {(m_, b): c for m_, b, c in returns.quarterly_return(parse_period("2026-Q3"))}
    assert rows[("claims_made", "results")] == 6
    assert rows[("claims_made_value_pence", "results")] == 480000
    assert rows[("claims_made", "attachment_fee")] == 0
    assert rows[("claims_paid", "results")] == 2
    assert rows[("claims_paid_value_pence", "results")] == 160000
    assert rows[("claims_paid", "attachment_fee")] == 1
    assert rows[("claims_paid_value_pence", "attachment_fee")] == 10000
    # The previous quarter (July to September) made the September round's three claims, paid none.
    earlier = {(m_, b): c for m_, b, c in returns.quarterly_return(parse_period("2026-Q2"))}
    assert earlier[("claims_made", "results")] == 2 and earlier[("claims_made", "attachment_fee")] == 1
    assert earlier[("claims_paid", "results")] == 0
    text = returns.quarterly_return_csv(parse_period("2026-Q3")).decode()
    assert "2026-Q3,claims_paid,attachment_fee,1" in text and "not_yet_recorded" not in text


def _nis(period="2026-10"):
    return list(csv.DictReader(io.StringIO(returns.nis_extract_csv(parse_period(period)).decode())))


def test_nis_extract_programme_and_comparison_groups(programme):
    rows = _nis()
    by_name = {(r["forenames"], r["surname"]): r for r in rows}
    sarah = by_name[("Sarah", "Tester")]
    assert sarah["family_id"] == "HF-T00001" and sarah["group"] == "programme"
    assert sarah["date_screened"] == "2026-10-02" and sarah["support_start"] == "2026-10-05"
    assert sarah["criteria_met"] == programme.headline_a and sarah["nhs_number"] == "9434765919"
    assert sarah["intensity_hours"] == "1.5"  # one 90-minute visit in October (the deleted one does not count)
    assert ("Zed", "Compare") not in by_name  # F7 has no accepted, triaged referral: not in the comparison group


def test_nis_extract_leaves_out_people_who_opted_out(programme, factory):
    ig = factory.user("ig_officer")
    sarah = db.session.scalar(select(Person).where(Person.given_name == "Sarah", Person.family_name == "Tester"))
    services.record_opt_out(sarah, opted_out_on=today_london(), reason="Letter to the IG team", actor=ig)
    names = {(r["forenames"], r["surname"]) for r in _nis()}
    assert ("Sarah", "Tester") not in names and ("Olly", "Tester") in names
    with pytest.raises(services.OptOutError):
        services.record_opt_out(sarah, opted_out_on=today_london(), reason="Again", actor=ig)


def test_csv_cells_that_look_like_formulas_are_escaped(programme):
    sarah = db.session.scalar(select(Person).where(Person.given_name == "Sarah"))
    sarah.given_name = "=HYPERLINK(\"http://x\")"
    db.session.flush()
    rows = _nis()
    assert any(r["forenames"] == "'=HYPERLINK(\"http://x\")" for r in rows)
