"""Hearth on more than one machine (docs/DEPLOYMENT.md): two gunicorn instances of the real app (`wsgi:app`) on
two ports, one PostgreSQL, one Redis (this run's own key prefix), one report archive folder, and a browser whose
requests a load balancer sends to either instance (cookies are per host, not per port, so one requests.Session
is one browser). Each test moves between the instances and shows that what one instance did holds on the other:
sign-in failure limits, a disabled account's open session, a consent withdrawal, and reports made once by two
schedulers racing (the scheduler processes of tests/integration/scheduler/test_processes.py)."""
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth import services as auth_services
from app.cases import services as cases
from app.cases.models import FamilyStatus
from app.common.job_models import Job, JobStatus
from app.common.time import today_london
from app.extensions import db
from app.reporting.models import ArchivedReport
from app.sharing import services as sharing
from tests.conftest import make_app_on_own_database
from tests.databases import ThrowawayDatabase
from tests.factories import TEST_PASSWORD, Factory
from tests.integration.auth.test_rate_limit import REDIS_URI, _redis_or_skip
from tests.integration.scheduler.test_processes import Scheduler, _until

pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parents[3]
MARKER = "MARKER-HEALTH-VISIT-SHARED-BY-CONSENT"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Council:
    app: object  # in-process, on the same database: for setting up and for checking what the instances did
    url: str
    reports: Path
    instances: list  # base URLs
    ids: dict = field(default_factory=dict)

    def browser(self):
        session = requests.Session()
        # What the load balancer adds (TRUSTED_PROXIES=1): the client's address and scheme.
        session.headers.update({"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "http"})
        return session


class Instance:
    """`gunicorn wsgi:app` with two workers, configured only by the environment, as in production (--preload
    imports the app once per instance rather than once per worker: the machine running the tests is small)."""

    def __init__(self, env, log):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "wb") as output:
            command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                       "--preload", "--timeout", "60", "--graceful-timeout", "5", "wsgi:app"]
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)

    def wait_until_healthy(self, timeout=90):  # startup is slow on a busy machine
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(f"{self.base}/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or its workers still starting
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.base} did not become healthy:\n{Path(self.log).read_text()[-3000:]}")



def _stop(processes):
    """SIGTERM to all at once, then wait for each (a graceful stop takes seconds each; one after another adds up)."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def council(db_kind, tmp_path_factory):
    if db_kind != "postgresql":
        pytest.skip("several instances share one PostgreSQL (SQLite is the single-user demo)")
    redis_client = _redis_or_skip()
    prefix = f"hearth-test-{uuid.uuid4().hex}"
    folder = tmp_path_factory.mktemp("two_instances")
    reports, uploads = folder / "reports", folder / "uploads"
    with ThrowawayDatabase("postgresql") as url:
        app = make_app_on_own_database(url)
        app.config.update(REPORTS_DIR=str(reports), UPLOADS_DIR=str(uploads))
        env = {**os.environ, "HEARTH_ENV": "test", "TEST_DATABASE_URL": url, "REPORTS_DIR": str(reports),
               "UPLOADS_DIR": str(uploads), "RATELIMIT_STORAGE_URI": REDIS_URI, "RATELIMIT_KEY_PREFIX": prefix,
               "TRUSTED_PROXIES": "1", "PYTHONPATH": str(ROOT)}
        # Everything starts at once (the schema is there; the rows come while they start): each process
        # takes seconds to import the app.
        instances = [Instance(env, folder / f"gunicorn-{n}.log") for n in (1, 2)]
        schedulers = [Scheduler(url, reports, name, "--poll-seconds", "0.2") for name in ("S1", "S2")]
        try:
            ids = _set_up(app)
            for instance in instances:
                instance.wait_until_healthy()
            for scheduler in schedulers:
                scheduler.wait_for("started")
            yield Council(app, url, reports, [i.base for i in instances], ids)
        finally:
            _stop([process.process for process in instances + schedulers])
            for key in redis_client.scan_iter(match=f"*{prefix}*"):
                redis_client.delete(key)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _set_up(app):
    """A council and a health service; a family whose mother agreed to share her health information with the
    council, and a health visit note about her."""
    with app.app_context():
        council = auth_services.create_agency("Two Instances Council", "early_help")
        health = auth_services.create_agency("Two Instances Health", "health")

        def user(email, role, agency):
            return Factory().user(role, agency=agency, email=email, name=email.split("@")[0].title())

        kw = user("kw@two.example", "key_worker", council)
        health_visitor = user("hv@two.example", "practitioner", health)
        admin = user("admin@two.example", "admin", council)
        user("manager@two.example", "programme_manager", council)
        user("limited@two.example", "key_worker", council)
        leaver = user("leaver@two.example", "key_worker", council)
        today = today_london()
        family = cases.create_family(address_line_1="3 Load Lane", town="Northfield", postcode="LS2 7HY",
                                     lead_practitioner=kw, status=FamilyStatus.ATTACHED,
                                     attached_on=today - timedelta(days=60), actor=kw)
        mum = cases.add_person(family, given_name="Ada", family_name="Balance", relationship_to_family="parent",
                               date_of_birth=date(1990, 2, 3))
        cases.add_team_member(family, role_description="Health visitor", user=health_visitor,
                              joined_on=today - timedelta(days=60))
        sharing.create_agreement(name="Two instances ISA", starts_on=today - timedelta(days=365),
                                 review_on=today + timedelta(days=365), actor=admin,
                                 flows=[("health", "early_help", "health", "case_coordination")])
        [consent] = sharing.record_consent(
            family, person_ids=[mum.id], given_by="person", given_on=today - timedelta(days=30), method="verbal",
            witness_name="A Witness", scope=[("health", None, "early_help", "case_coordination")], actor=kw)
        cases.add_case_note(family, body=f"{MARKER} note", category="health", person_ids=[mum.id],
                            actor=health_visitor)
        db.session.commit()
        return {"family": family.id, "consent": consent.id, "leaver": leaver.id, "leaver_agency": council.id}


def _token(response):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text)
    assert match, f"no CSRF token on {response.url}"
    return match.group(1)


def _post_form(browser, base, path, data, form_path=None):
    token = _token(browser.get(base + (form_path or path)))
    return browser.post(base + path, data={"csrf_token": token, **data}, allow_redirects=False)


def _sign_in(browser, base, email, password=TEST_PASSWORD):
    return _post_form(browser, base, "/sign-in", {"email": email, "password": password})


def _signed_in(council, email, on=0):
    browser = council.browser()
    response = _sign_in(browser, council.instances[on], email)
    assert response.status_code == 302, response.text[-500:]
    return browser


def test_sign_in_failures_count_across_both_instances(council):
    first, second = council.instances
    browser = council.browser()
    failures = [_sign_in(browser, (first, second)[n % 2], "limited@two.example", f"wrong-guess-{n:04d}").status_code
                for n in range(10)]
    assert failures == [200] * 10  # five on each instance
    # The eleventh attempt, with the right password, on either instance: the shared count refuses it.
    assert _sign_in(browser, first, "limited@two.example").status_code == 429
    assert _sign_in(council.browser(), second, "limited@two.example").status_code == 429


def test_a_user_disabled_on_one_instance_is_signed_out_on_the_other(council):
    first, second = council.instances
    leaver = _signed_in(council, "leaver@two.example", on=0)
    assert leaver.get(f"{second}/families/mine", allow_redirects=False).status_code == 200
    admin = _signed_in(council, "admin@two.example", on=1)
    edit = f"/admin/users/{council.ids['leaver']}/edit"
    response = _post_form(admin, second, edit, {"name": "Leaver", "role": "key_worker",
                                                "agency": council.ids["leaver_agency"], "status": "disabled"})
    assert response.status_code == 302, response.text[-800:]
    for base in (first, second):
        page = leaver.get(f"{base}/families/mine", allow_redirects=False)
        assert page.status_code == 302 and "/sign-in" in page.headers["Location"]


def test_a_consent_withdrawn_through_one_instance_is_enforced_by_the_other(council):
    first, second = council.instances
    key_worker = _signed_in(council, "kw@two.example", on=1)
    family = council.ids["family"]
    notes = f"/families/{family}/notes"
    assert MARKER in key_worker.get(second + notes).text
    response = _post_form(key_worker, first, f"/families/{family}/consent/{council.ids['consent']}/withdraw", {},
                          form_path=f"/families/{family}/consent")
    assert response.status_code == 302
    after = key_worker.get(second + notes)
    assert after.status_code == 200 and MARKER not in after.text


def test_reports_requested_on_both_instances_are_made_once_by_two_schedulers(council):
    first, second = council.instances
    manager = _signed_in(council, "manager@two.example", on=0)
    this_month = today_london().replace(day=1)
    periods = [(this_month - timedelta(days=1)).strftime("%Y-%m"),
               (this_month - timedelta(days=40)).replace(day=1).strftime("%Y-%m")]
    job_pages = {}
    for period in periods:
        for base in (first, second):  # the same report asked for through both instances: one job
            response = _post_form(manager, base, "/reports/request", {"report_type": "monthly", "period": period},
                                  form_path="/reports/")
            assert response.status_code == 302, response.text[-800:]
            job_pages.setdefault(period, set()).add(response.headers["Location"])
    assert all(len(pages) == 1 for pages in job_pages.values())

    # The council's two schedulers (started with the instances) take the jobs.
    _until(lambda: _count(council, select(func.count()).select_from(Job).where(
        Job.kind.like("report%"), Job.status == JobStatus.SUCCEEDED)) == len(periods), timeout=120)

    with council.app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.kind.like("report%"))).all()
        assert sorted(job.attempts for job in jobs) == [1, 1]
        entries = db.session.scalars(select(ArchivedReport).order_by(ArchivedReport.period)).all()
        assert sorted(entry.period for entry in entries) == sorted(periods)
        made = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "ReportGenerated"))
        assert made == len(periods)
        files = sorted(p.name for p in (council.reports).rglob("*.pdf"))
        assert files == sorted(Path(entry.filename).name for entry in entries)
        archive_ids = [entry.id for entry in entries]
    # The archive is shared storage: either instance serves the same file.
    for archive_id in archive_ids:
        downloads = [manager.get(f"{base}/reports/archive/{archive_id}/download") for base in (first, second)]
        assert [d.status_code for d in downloads] == [200, 200]
        assert downloads[0].content == downloads[1].content and downloads[0].content.startswith(b"%PDF")


def _count(council, statement):
    with council.app.app_context():
        return db.session.scalar(statement)
