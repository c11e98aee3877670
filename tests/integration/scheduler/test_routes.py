"""The job status page: who may see a job, what it shows while running and when done."""
import pytest

from app.auth.models import Role
from app.common.job_models import Job, JobStatus
from app.common.jobs import register_job_handler
from app.extensions import db


def _report_handler(job, progress):
    return {"file_id": 1}


register_job_handler("test_routes_report", _report_handler, roles=(Role.PROGRAMME_MANAGER,),
                     title=lambda job: f"Monthly report for {job.params['period']}",
                     result_url=lambda job: f"/reports/files/{job.result['file_id']}")


def _job(user=None, status=JobStatus.RUNNING, kind="test_routes_report", **fields):
    job = Job(kind=kind, dedupe_key=f"test:{kind}:{status.value}:{id(fields)}:{len(fields)}",
              params=fields.pop("params", {"period": "2026-10"}), status=status,
              requested_by_user_id=user.id if user else None, **fields)
    db.session.add(job)
    db.session.commit()
    return job


def test_the_requester_sees_progress_that_refreshes_itself(key_worker_client):
    job = _job(key_worker_client.user, progress_done=12, progress_total=40, progress_message="families counted")
    page = key_worker_client.get(f"/jobs/{job.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Monthly report for 2026-10" in html and "In progress" in html
    assert "12 of 40 done: families counted" in html
    assert f'data-json-url="/jobs/{job.id}.json"' in html and "<script type=\"module\" nonce=" in html
    assert "Check the progress again" in html  # without JavaScript, a link does the refreshing


def test_the_json_view_gives_status_and_progress(key_worker_client):
    job = _job(key_worker_client.user, progress_done=3, progress_total=4)
    data = key_worker_client.get(f"/jobs/{job.id}.json").get_json()
    assert data["status"] == "running" and not data["finished"]
    assert data["progress"] == {"done": 3, "total": 4, "message": None}
    assert data["progress_text"] == "3 of 4 done" and data["result_url"] is None


def test_a_finished_job_links_to_its_result_and_stops_refreshing(key_worker_client):
    job = _job(key_worker_client.user, status=JobStatus.SUCCEEDED, result={"file_id": 9})
    html = key_worker_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'href="/reports/files/9"' in html and "View the result" in html
    assert "fetch(" not in html
    assert key_worker_client.get(f"/jobs/{job.id}.json").get_json()["result_url"] == "/reports/files/9"


def test_a_failed_job_says_why_in_safe_words(key_worker_client):
    job = _job(key_worker_client.user, status=JobStatus.FAILED, error="There is nothing to report for this month")
    html = key_worker_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "could not be completed: There is nothing to report for this month" in html


def test_a_job_waiting_to_retry_says_when(key_worker_client):
    from datetime import UTC, datetime

    job = _job(key_worker_client.user, status=JobStatus.QUEUED, attempts=1,
               next_attempt_at_utc=datetime(2026, 10, 5, 13, 30, tzinfo=UTC))
    html = key_worker_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "tried again automatically at 5 October 2026 at 2:30pm" in html


def test_a_role_the_kind_allows_may_see_anyones_job(programme_manager_client, factory):
    job = _job(factory.user(role="key_worker"))
    assert programme_manager_client.get(f"/jobs/{job.id}").status_code == 200


@pytest.mark.parametrize("url", ["/jobs/{id}", "/jobs/{id}.json"])
def test_anyone_else_gets_not_found(practitioner_client, factory, url):
    job = _job(factory.user(role="key_worker"))
    assert practitioner_client.get(url.format(id=job.id)).status_code == 404
    assert practitioner_client.get(url.format(id=999_999)).status_code == 404


def test_system_jobs_are_for_administrators(admin_client, key_worker_client):
    job = _job(None, kind="system", params={"name": "anchor_audit_chain"}, status=JobStatus.SUCCEEDED)
    assert "System job: anchor_audit_chain" in admin_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert key_worker_client.get(f"/jobs/{job.id}").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, factory):
    job = _job(factory.user())
    response = client.get(f"/jobs/{job.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
