"""The job status page: how far a background job has got, refreshed without a hanging request."""
from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from app import audit
from app.auth.access import object_access
from app.common.job_models import Job, JobStatus
from app.common.jobs import job_kind
from app.common.time import london_text
from app.extensions import db
from app.scheduler import system_jobs

bp = Blueprint("scheduler", __name__, template_folder="templates")

REFRESH_SECONDS = 3


@bp.record_once
def _register_system_jobs(state):
    system_jobs.register()


def may_see(user, job, spec) -> bool:
    """The person who asked for the job, or a role its kind allows."""
    if job.requested_by_user_id is not None and job.requested_by_user_id == user.id:
        return True
    return spec is not None and user.role.value in spec.roles


def _load_job(job_id):
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    spec = job_kind(job.kind)
    if not may_see(current_user, job, spec):
        # 404, not 403: whether a job exists is itself not for everyone.
        audit.record_refusal("JobViewRefused", object_type="job", object_id=job.id)
        abort(404)
    return job, spec


def _when(value):
    return london_text(value) or None


def _progress_text(job):
    if job.progress_total:
        text = f"{job.progress_done or 0} of {job.progress_total} done"
    elif job.progress_done:
        text = f"{job.progress_done} done"
    else:
        text = ""
    if job.progress_message:
        text = f"{text}: {job.progress_message}" if text else job.progress_message
    return text


def _view(job, spec):
    result_url = None
    if job.status == JobStatus.SUCCEEDED and spec is not None and spec.result_url is not None:
        result_url = spec.result_url(job)
    title = spec.title(job) if spec is not None and spec.title is not None else f"Background job {job.id}"
    return {
        "id": job.id,
        "title": title,
        "status": job.status.value,
        "status_label": job.status.label,
        "finished": job.status.finished,
        "progress": {"done": job.progress_done, "total": job.progress_total, "message": job.progress_message},
        "progress_text": _progress_text(job),
        "retry_at": _when(job.next_attempt_at_utc) if job.status == JobStatus.QUEUED and job.attempts else None,
        "result_url": result_url,
    }


@bp.route("/jobs/<int:job_id>")
@object_access("the person who asked for the job, or a role its kind allows")
def status(job_id):
    job, spec = _load_job(job_id)
    view = _view(job, spec)
    return render_template("scheduler/job.html", job=job, view=view, page_title=view["title"],
                           requested=_when(job.created_at_utc), started=_when(job.started_at_utc),
                           finished=_when(job.finished_at_utc), refresh_seconds=REFRESH_SECONDS,
                           json_url=url_for("scheduler.status_json", job_id=job.id))


@bp.route("/jobs/<int:job_id>.json")
@object_access("the person who asked for the job, or a role its kind allows")
def status_json(job_id):
    job, spec = _load_job(job_id)
    view = _view(job, spec)
    view.pop("title")
    return view
