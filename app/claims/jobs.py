"""The background build of a claim round ("claims.build_round"), run by the scheduler's worker. Its dedupe
key names the round and the build day, so two requests on the same day share one job."""
from datetime import date

from flask import url_for

from app.auth.models import Role, User
from app.claims import rounds, services
from app.common import jobs
from app.extensions import db

KIND = "claims.build_round"


def dedupe_key(month: date, built_on: date) -> str:
    return f"claims:round:{month:%Y-%m}:{built_on.isoformat()}"


def request_build(month: date, actor, today: date):
    return jobs.enqueue(KIND, dedupe_key(month, today), {"month": f"{month:%Y-%m}", "built_on": today.isoformat()},
                        requested_by=actor)


def run_build_job(job, progress):
    params = job.params or {}
    try:
        month = rounds.parse_round(params.get("month", ""))
        built_on = date.fromisoformat(params.get("built_on", ""))
    except ValueError:
        raise jobs.JobError("The job names no valid round") from None
    actor = db.session.get(User, job.requested_by_user_id) if job.requested_by_user_id else None
    try:
        result = services.build_round(month, actor=actor, today=built_on,
                                      progress=lambda done, total, message: progress(done, total, message))
    except services.ClaimsError as exc:
        raise jobs.JobError(str(exc)) from None
    return {"round": result.round.code, "added": result.added, "considered": result.considered}


def _title(job):
    return f"Claim round {(job.params or {}).get('month', '')}"


def _result_url(job):
    month = (job.result or {}).get("round")
    return url_for("claims.round_detail", code=month) if month else None


def register():
    jobs.register_job_handler(KIND, run_build_job, roles=(Role.FINANCE_OFFICER, Role.ADMIN), title=_title,
                              result_url=_result_url, max_attempts=3)
