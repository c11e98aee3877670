"""Reporting pages: who may reach them, the dashboard with its charts and exports, downloads checked by
report type and audited, schedules and opt-outs through their forms, and the family progress summary."""
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.common.job_models import Job
from app.extensions import db
from app.reporting import reports
from app.reporting.models import NisOptOut, ReportSchedule
from tests.conftest import post_form

DASH = "/reports/dashboard?period=2026-10"


def _events(action):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


@pytest.mark.parametrize("client_name, status", [
    ("programme_manager_client", 200), ("admin_client", 200), ("key_worker_client", 403),
    ("finance_officer_client", 403), ("ig_officer_client", 403),
])
def test_dashboard_is_for_programme_managers_and_admins(request, app, monkeypatch, programme, client_name, status):
    monkeypatch.setitem(app.config, "REPORT_SUPPRESSION_THRESHOLD", 2)
    client = request.getfixturevalue(client_name)
    assert client.get(DASH).status_code == status
    assert client.get("/reports/dashboard/charts/states.svg?period=2026-10").status_code == status


def test_dashboard_shows_suppressed_tables_beside_chart_images(app, monkeypatch, programme, programme_manager_client):
    page = programme_manager_client.get(DASH).get_data(as_text=True)
    # Threshold 5: every count in the fixture's caseload is hidden, so it has no chart (a bar would tell).
    assert "fewer than 5" in page and 'charts/caseload.svg' not in page
    assert programme_manager_client.get("/reports/dashboard/charts/caseload.svg?period=2026-10").status_code == 404
    monkeypatch.setitem(app.config, "REPORT_SUPPRESSION_THRESHOLD", 2)
    page = programme_manager_client.get(DASH).get_data(as_text=True)
    assert "October 2026" in page and "Families by lifecycle state" in page
    assert 'src="/reports/dashboard/charts/referrals.svg?period=2026-10"' in page
    assert "fewer than 2" in page and "1 working day" in page
    svg = programme_manager_client.get("/reports/dashboard/charts/referrals.svg?period=2026-10")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.get_data(as_text=True).lstrip().startswith("<?xml") and 'width="100%"' in svg.get_data(as_text=True)


def test_bad_filters_show_errors_and_keep_what_was_typed(programme, programme_manager_client):
    response = programme_manager_client.get("/reports/dashboard?period=2026-13&agency=999999")
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Enter a real month" in page and "Select an agency from the list" in page
    assert 'value="2026-13"' in page


def test_exports_are_suppressed_escaped_and_audited(programme, programme_manager_client):
    before = _events("DashboardExported")
    response = programme_manager_client.get("/reports/dashboard/export.csv?period=2026-10")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert "fewer than 5" in text and "Alex Key" in text
    xlsx = programme_manager_client.get("/reports/dashboard/export.xlsx?period=2026-10")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "fewer than 5" in values
    assert _events("DashboardExported") == before + 2


def test_export_escapes_formula_cells(programme, programme_manager_client):
    programme.kw1.name = "=cmd|' /C calc'!A0"
    db.session.commit()
    text = programme_manager_client.get("/reports/dashboard/export.csv?period=2026-10").get_data(as_text=True)
    assert "'=cmd|" in text and "\n=cmd" not in text and ",=cmd" not in text


def test_download_is_checked_by_report_type_and_audited(programme, app, client, factory):
    from tests.conftest import signed_in_client

    monthly, _ = reports.generate("monthly", "2026-10")
    nis, _ = reports.generate("nis-extract", "2026-10")
    db.session.commit()
    finance = signed_in_client(app, factory.user("finance_officer"))
    ig = signed_in_client(app, factory.user("ig_officer"))
    before = _events("ReportDownloaded")
    response = finance.get(f"/reports/archive/{monthly.id}/download")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert finance.get(f"/reports/archive/{nis.id}/download").status_code == 404
    assert ig.get(f"/reports/archive/{monthly.id}/download").status_code == 404
    assert ig.get(f"/reports/archive/{nis.id}/download").status_code == 200
    assert _events("ReportDownloaded") == before + 2
    listing = finance.get("/reports/").get_data(as_text=True)
    assert "Monthly programme report" in listing and "National Impact Study identifiers" not in listing
    # A file changed on disk is refused, not served.
    path = reports.archive_path(monthly)
    path.write_bytes(path.read_bytes() + b"x")
    assert finance.get(f"/reports/archive/{monthly.id}/download").status_code == 409


def test_a_report_asked_for_from_the_page_goes_to_its_status_page(programme, programme_manager_client):
    response = post_form(programme_manager_client, "/reports/request", {"report_type": "monthly", "period": "2026-09"},
                         form_url="/reports/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    again = post_form(programme_manager_client, "/reports/request", {"report_type": "monthly", "period": "2026-09"},
                      form_url="/reports/")
    assert again.headers["Location"] == response.headers["Location"]
    assert db.session.scalar(select(func.count(Job.id)).where(Job.dedupe_key == "report:monthly:2026-09")) == 1
    status = programme_manager_client.get(response.headers["Location"])
    assert "Monthly programme report: September 2026" in status.get_data(as_text=True)
    bad = post_form(programme_manager_client, "/reports/request", {"report_type": "monthly", "period": "2026-Q3"},
                    form_url="/reports/")
    assert bad.status_code == 400 and "Enter a month" in bad.get_data(as_text=True)


def test_schedules_created_edited_and_paused_in_the_ui(programme, programme_manager_client):
    form = programme_manager_client.get("/reports/schedules/new").get_data(as_text=True)
    assert "How often" in form
    data = {"name": "Monthly pack", "report_type": "monthly", "cron": "0 7 1 * *", "period_rule": "previous_month",
            "recipient_roles": ["programme_manager", "finance_officer"]}
    response = post_form(programme_manager_client, "/reports/schedules/new", data)
    assert response.status_code == 302
    schedule = db.session.scalar(select(ReportSchedule).where(ReportSchedule.name == "Monthly pack"))
    assert schedule.recipient_roles == ["finance_officer", "programme_manager"] and not schedule.paused
    bad = post_form(programme_manager_client, f"/reports/schedules/{schedule.id}/edit", {**data, "cron": "every day"})
    assert bad.status_code == 400 and "cron form" in bad.get_data(as_text=True)
    assert 'value="every day"' in bad.get_data(as_text=True)
    post_form(programme_manager_client, f"/reports/schedules/{schedule.id}/edit", {**data, "cron": "0 6 2 * *"})
    db.session.refresh(schedule)
    assert schedule.cron == "0 6 2 * *"
    post_form(programme_manager_client, f"/reports/schedules/{schedule.id}/pause", {"paused": "1"},
              form_url="/reports/schedules")
    db.session.refresh(schedule)
    assert schedule.paused
    assert "Paused" in programme_manager_client.get("/reports/schedules").get_data(as_text=True)


def test_ig_officer_records_an_opt_out(programme, ig_officer_client, programme_manager_client):
    assert programme_manager_client.get("/reports/study-opt-outs").status_code == 403
    missing = ig_officer_client.get("/reports/study-opt-outs/new?family=HF-999999")
    assert missing.status_code == 400 and "No family has that reference" in missing.get_data(as_text=True)
    url = "/reports/study-opt-outs/new?family=HF-T00001"
    page = ig_officer_client.get(url).get_data(as_text=True)
    assert "Sarah Tester" in page
    sarah_id = next(p.id for p in programme.families[1].members if p.given_name == "Sarah")
    bad = post_form(ig_officer_client, url, {"person": sarah_id, "opted_out_on": ["31", "2", "2026"],
                                             "reason": "Letter"})
    assert bad.status_code == 400 and "must be a real date" in bad.get_data(as_text=True)
    ok = post_form(ig_officer_client, url, {"person": sarah_id, "opted_out_on": ["3", "11", "2026"],
                                            "reason": "Letter to the IG team"})
    assert ok.status_code == 302
    assert db.session.scalar(select(NisOptOut).where(NisOptOut.person_id == sarah_id)) is not None
    assert "Sarah Tester" in ig_officer_client.get("/reports/study-opt-outs").get_data(as_text=True)


def test_family_progress_summary_goes_through_the_sharing_policy(programme, app, factory):
    from tests.conftest import signed_in_client

    family = programme.families[1]
    lead = signed_in_client(app, programme.kw1)
    response = lead.get(f"/reports/families/{family.id}/progress-summary.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    stranger = signed_in_client(app, factory.user("key_worker"))
    assert stranger.get(f"/reports/families/{family.id}/progress-summary.pdf").status_code == 404
    assert _events("FamilyProgressSummaryPrinted") == 1


def test_the_family_record_links_to_its_progress_summary(programme, app):
    from tests.conftest import signed_in_client

    family = programme.families[1]
    lead = signed_in_client(app, programme.kw1)
    summary = lead.get(f"/families/{family.id}").get_data(as_text=True)
    href = f"/reports/families/{family.id}/progress-summary.pdf"
    assert "Documents to print" in summary and f'href="{href}"' in summary
    assert "Download the progress summary for a case review (PDF)" in summary
    assert lead.get(href).data.startswith(b"%PDF")


def test_people_may_ask_only_for_reports_they_may_read(programme, finance_officer_client, ig_officer_client):
    page = finance_officer_client.get("/reports/").get_data(as_text=True)
    assert "Claim round summary" in page and "National Impact Study identifiers" not in page
    refused = post_form(finance_officer_client, "/reports/request", {"report_type": "nis-extract", "period": "2026-10"},
                        form_url="/reports/")
    assert refused.status_code == 400 and "Select the report to make" in refused.get_data(as_text=True)
    asked = post_form(ig_officer_client, "/reports/request", {"report_type": "nis-extract", "period": "2026-Q3"},
                      form_url="/reports/")
    assert asked.status_code == 302
    assert ig_officer_client.get(asked.headers["Location"]).status_code == 200
