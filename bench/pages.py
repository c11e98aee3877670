"""Page latency under concurrency (PostgreSQL) or one request at a time (SQLite), against gunicorn.

    .venv/bin/python bench/pages.py --db postgresql --families 60000 --workers 4 --concurrency 4 --seconds 20
    .venv/bin/python bench/pages.py --db sqlite --families 1000 --workers 1 --concurrency 1 --seconds 15

Starts gunicorn (sync workers) on 127.0.0.1 against the database `prepare.py` made, signs in as the role
each page is for (a key worker for their own families, the first programme manager, a finance officer
with a step-up code for the export), then for each page runs `--concurrency` client threads in a loop for
`--seconds` seconds after a short warm-up, and records every request's wall time as the client saw it.
Any answer other than 200 counts as an error (and is reported). Writes bench/results/pages_<db>_<N>.json.

The load generator is plain `requests` in threads: the server is separate processes, so the client's GIL
only limits how fast requests are sent, not how fast they are served; on a 2-core machine the client and
the workers share the cores, which is why every comparison in BENCHMARKS.md is a ratio from one run.
"""
import argparse
import re
import statistics
import subprocess
import threading
import time

import pyotp
import requests
import sqlalchemy as sa
from common import PASSWORD, ROOT, VENV_BIN, app_env, database_url, save

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a benchmark-only authenticator for finance1


def start_gunicorn(url: str, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind",
                                f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning", "wsgi:app"],
                               cwd=ROOT, env=app_env(url))
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(1)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 180 seconds")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def sign_in(base: str, email: str, totp: str | None = None) -> requests.Session:
    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/sign-in").text).group(1)
    answer = session.post(f"{base}/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD})
    if totp and answer.url.endswith("/sign-in/code"):
        token = CSRF.search(answer.text).group(1)
        answer = session.post(f"{base}/sign-in/code", data={"csrf_token": token, "code": pyotp.TOTP(totp).now()})
    if "/sign-in" in answer.url:
        raise SystemExit(f"could not sign in as {email}")
    return session


def pick(url: str) -> dict:
    """The people and records the pages are asked about, from the database itself."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        users = dict(conn.execute(sa.text("SELECT email, id FROM users")).all())
        key_worker = users["keyworker1@synth.test"]
        families = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM families WHERE lead_practitioner_id = :kw AND status IN ('active', 'plan') "
            "ORDER BY id LIMIT 20"), {"kw": key_worker})]
        surname = conn.execute(sa.text(
            "SELECT p.family_name FROM people p WHERE p.family_id = :f ORDER BY p.id LIMIT 1"),
            {"f": families[0]}).scalar()
        # The round finance works on: the newest round with claims (the draft being prepared).
        code = conn.execute(sa.text(
            "SELECT r.month FROM claim_rounds r JOIN claims c ON c.round_id = r.id "
            "GROUP BY r.month ORDER BY r.month DESC LIMIT 1")).scalar()
        claims_in_round = conn.execute(sa.text(
            "SELECT count(*) FROM claims c JOIN claim_rounds r ON r.id = c.round_id WHERE r.month = :m"),
            {"m": code}).scalar()
        # A benchmark authenticator for finance1, so the export's step-up can be passed.
        conn.execute(sa.text("UPDATE users SET mfa_secret = :s, mfa_enrolled_at_utc = CURRENT_TIMESTAMP, "
                             "mfa_last_time_step = NULL WHERE email = 'finance1@synth.test'"), {"s": TOTP_SECRET})
    engine.dispose()
    month = str(code)[:7]
    return {"families": families, "surname": surname, "round": month, "claims_in_round": claims_in_round}


def pages(chosen: dict) -> list[tuple[str, str, object]]:
    """(name, role, url or a function of the request number giving the url)."""
    fams = chosen["families"]
    return [
        ("family search", "key_worker", f"/families/search?q={chosen['surname']}"),
        ("family record", "key_worker", lambda n: f"/families/{fams[n % len(fams)]}"),
        ("timeline", "key_worker", lambda n: f"/families/{fams[n % len(fams)]}/timeline"),
        ("caseload", "key_worker", "/families/mine"),
        ("triage queue", "manager", "/referrals/triage"),
        ("dashboard", "manager", "/reports/dashboard"),
        ("claim round page", "finance", f"/claims/rounds/{chosen['round']}"),
        ("finance export", "finance", f"/claims/rounds/{chosen['round']}/export.csv"),
    ]


def run_page(base, session, target, concurrency: int, seconds: float, warmup: int = 3) -> dict:
    def url_for(n):
        return base + (target(n) if callable(target) else target)

    for n in range(warmup):
        session.get(url_for(n))
    samples, errors, lock = [], [], threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(number):
        own = requests.Session()
        own.cookies.update(session.cookies)
        n = number
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            answer = own.get(url_for(n), allow_redirects=False)
            elapsed = time.perf_counter() - started
            with lock:
                (samples if answer.status_code == 200 else errors).append(
                    elapsed if answer.status_code == 200 else answer.status_code)
            n += concurrency

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    samples.sort()
    if not samples:
        return {"requests": 0, "errors": len(errors), "error_codes": sorted(set(errors))}
    return {"requests": len(samples), "errors": len(errors), "error_codes": sorted(set(errors)),
            "p50_ms": round(statistics.median(samples) * 1000, 1),
            "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))] * 1000, 1),
            "per_second": round(len(samples) / seconds, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], required=True)
    parser.add_argument("--families", type=int, required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--page", action="append", metavar="NAME",
                        help="only this page (repeatable), e.g. --page dashboard; results go to their own file")
    args = parser.parse_args()
    wanted = pages({"families": [0], "surname": "", "round": ""})
    unknown = set(args.page or ()) - {name for name, _, _ in wanted}
    if unknown:
        parser.error(f"no page called {', '.join(sorted(unknown))}")
    url = database_url(args.db, args.families)
    chosen = pick(url)
    server = start_gunicorn(url, args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        sessions = {"key_worker": sign_in(base, "keyworker1@synth.test"),
                    "manager": sign_in(base, "manager1@synth.test"),
                    "finance": sign_in(base, "finance1@synth.test", totp=TOTP_SECRET)}
        results = {}
        for name, role, target in pages(chosen):
            if args.page and name not in args.page:
                continue
            results[name] = run_page(base, sessions[role], target, args.concurrency, args.seconds)
            print(f"{name:18} {results[name]}", flush=True)
    finally:
        stop(server)
    suffix = "".join("_" + name.replace(" ", "-") for name in args.page or ())
    save(f"pages_{args.db}_{args.families}{suffix}", {
        "db": args.db, "families": args.families, "workers": args.workers, "concurrency": args.concurrency,
        "seconds_per_page": args.seconds, "chosen": chosen, "pages": results,
        "command": f"bench/pages.py --db {args.db} --families {args.families} --workers {args.workers} "
                   f"--concurrency {args.concurrency} --seconds {args.seconds:g}"
                   + "".join(f" --page '{name}'" for name in args.page or ())})


if __name__ == "__main__":
    main()
