"""Browser journeys: Debian's Chromium, driven by Playwright, against the real app on 127.0.0.1.

The package has its own database (SQLite or PostgreSQL, per --db), built with create_all and filled with
the real demo seed, so journeys sign in as the demo accounts. The app is served by a real WSGI server in
a background thread. Every page a journey visits goes through `check_page`: a screenshot under
test-results/browser/, axe-core's WCAG 2.0/2.1/2.2 A and AA rules (zero violations allowed), and reflow
at 320 CSS pixels (400% zoom) without sideways scrolling.
"""
import os
import re
import shutil
import threading

import pytest

from tests.browser.helpers import (
    AXE_PATH,
    CHROMIUM_ARGS,
    DESKTOP,
    REFLOW_WIDTH,
    RESULTS_DIR,
    ROOT,
    format_violations,
    run_axe,
    sideways_overflow,
    sign_in,
)
from tests.databases import ThrowawayDatabase


def _missing(reason):
    """Outside CI a missing browser skips the journeys with the reason; in CI it is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs the browser tests: {reason}", pytrace=False)
    pytest.skip(reason)


# --- the app, served for real ------------------------------------------------------------------------

@pytest.fixture(scope="package")
def demo_password():
    from config import DEV_DEMO_PASSWORD

    return DEV_DEMO_PASSWORD


@pytest.fixture(scope="package")
def live_app(db_kind, demo_password):
    """The app on a database of its own, with the schema and the demo seed committed."""
    from app.demo.seed import run_seed
    from app.extensions import db
    from tests.conftest import make_app_on_own_database

    with ThrowawayDatabase(db_kind) as url:
        flask_app = make_app_on_own_database(url, DEMO_PASSWORD=demo_password)
        with flask_app.app_context():
            run_seed(flask_app.config)
            db.session.commit()
            db.session.remove()
        yield flask_app
        with flask_app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="package")
def jobs_worker(live_app):
    """The jobs worker, beside the served app as `make run` starts `flask scheduler run` beside the web
    server: the real Worker (app/scheduler/worker.py) claiming and running queued jobs (claim rounds,
    reports) in a thread until the package ends. Timed system jobs and schedule sources are left out:
    no journey waits for them."""
    from app.scheduler.worker import Worker

    worker = Worker(live_app, worker_id="browser-journeys", poll_seconds=0.2)

    def loop():
        while not worker.stopping.is_set():
            if not worker.run_one():
                worker.wake.wait(worker.poll_seconds)
                worker.wake.clear()

    thread = threading.Thread(target=loop, name="hearth-jobs-worker", daemon=True)
    thread.start()
    yield worker
    worker.stop()
    thread.join(timeout=30)


@pytest.fixture
def in_app(live_app):
    """in_app(fn) -> fn's result, run in the served app's context and committed: for a journey to read the
    demo data it starts from (which family, which person); never for a step a user can do in the browser."""
    from app.extensions import db

    def run(fn):
        with live_app.app_context():
            try:
                result = fn()
                db.session.commit()
                return result
            finally:
                db.session.remove()

    return run


@pytest.fixture(scope="package")
def base_url(live_app):
    """Serve the app on 127.0.0.1 and a free port (port 0: the OS picks one) until the package ends."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="hearth-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# --- the browser -------------------------------------------------------------------------------------

@pytest.fixture(scope="package")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        _missing("chromium is not installed: run `apt-get update && apt-get install -y chromium` "
                 "(as root; `make test` does this itself when run as root)")
    if not AXE_PATH.exists():
        _missing(f"axe-core is not installed at {AXE_PATH.relative_to(ROOT)}: run `make install` (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, base_url):
    """new_page() -> a page in a fresh browser context (its own cookies) on the live app. The context
    bypasses the Content-Security-Policy only so that axe-core can be injected (stack.md, trap 9)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=base_url, viewport=DESKTOP, bypass_csp=True, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="package")
def authenticators():
    """email -> the Authenticator a journey set up for that user (journeys share one database, so a later
    journey signing in as them must give a code)."""
    return {}


@pytest.fixture
def page_as(new_page, demo_password, authenticators):
    """page_as(email, password=demo password) -> a page signed in through the real sign-in form (with a
    code from the user's authenticator app, when a journey has set one up)."""

    def make(email, password=None):
        page = new_page()
        sign_in(page, email, password or demo_password, authenticators.get(email))
        signed_in = page.get_by_role("button", name="Sign out")
        assert signed_in.count() == 1, f"{email} could not sign in: the page says {page.locator('h1').inner_text()!r}"
        return page

    return make


# --- looking at each page ----------------------------------------------------------------------------

@pytest.fixture
def check_page(request):
    """check_page(page, step): screenshot, axe-core (zero violations) and reflow at 320px for one step."""
    folder = RESULTS_DIR / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    steps = []

    def check(page, step):
        page.wait_for_load_state("load")
        steps.append(step)
        name = f"{len(steps):02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', step).strip('-')}"
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        violations = run_axe(page)
        assert not violations, (f"{step} ({page.url}): {len(violations)} accessibility "
                                f"violation(s) (WCAG 2.2 AA, axe-core):\n{format_violations(violations)}")
        narrow = folder / f"{name}-320px.png"
        overflow = sideways_overflow(page, screenshot=str(narrow))
        assert overflow <= 0, (f"{step} ({page.url}) scrolls sideways by {overflow}px at {REFLOW_WIDTH} CSS pixels "
                               f"wide (WCAG 1.4.10 reflow); see {narrow}")

    return check

