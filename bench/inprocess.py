"""Work that is not a page: the claim round build, the finance export and the monthly PDF, in-process.

    .venv/bin/python bench/inprocess.py --db postgresql --families 60000

Each measurement runs in a fresh Python process (so its peak memory is its own) inside a transaction
that is rolled back, so the database is left as `prepare.py` made it:

- build: `claims.services.build_round` for this month's round (the families closed in its window, judged
  as at today), against a plain SELECT of the rows it reads (candidate families, their people, needs with
  descriptors, the people needs concern, plan goals, evidence, status history, assessments, claims and
  overrides), streamed with the driver in batches of 20,000 rows and no further work. Target: within 3x.
- export: `claims.exports.export_round(round, "csv")` for the round with the most claims, against a plain
  SELECT of its claims joined to the families' references. Target: within 3x.
- pdf: `reporting.reports.build_monthly` for last month, against WeasyPrint (`common.pdf.render_pdf`)
  rendering the same finished HTML. Target: gathering the data adds at most 30%.

Peak memory is the process's peak resident set (ru_maxrss) minus what it held before the operation.
Writes bench/results/inprocess_<db>_<N>.json.
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

from common import RESULTS, ROOT, VENV_BIN, app_env, database_url, save

READ_TABLES = [  # (table, SQL over the candidate family ids bound as :ids), what the build reads
    ("families", "SELECT * FROM families WHERE id = ANY(:ids)"),
    ("people", "SELECT * FROM people WHERE family_id = ANY(:ids)"),
    ("needs", "SELECT n.*, d.* FROM needs n JOIN framework_descriptors d ON d.id = n.descriptor_id "
              "WHERE n.family_id = ANY(:ids)"),
    ("need_people", "SELECT np.* FROM need_people np JOIN needs n ON n.id = np.need_id WHERE n.family_id = ANY(:ids)"),
    ("plan_goals", "SELECT * FROM plan_goals WHERE family_id = ANY(:ids)"),
    ("evidence", "SELECT * FROM evidence WHERE family_id = ANY(:ids)"),
    ("family_status_changes", "SELECT * FROM family_status_changes WHERE family_id = ANY(:ids)"),
    ("assessments", "SELECT * FROM assessments WHERE family_id = ANY(:ids)"),
    ("claims", "SELECT * FROM claims WHERE family_id = ANY(:ids)"),
    ("claim_overrides", "SELECT * FROM claim_overrides WHERE family_id = ANY(:ids)"),
]


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _timed(func):
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


def measure_build() -> dict:
    import sqlalchemy as sa

    from app.claims import services
    from app.common.time import today_london
    from app.extensions import db
    from app.outcomes.dates import month_start

    today = today_london()
    month = month_start(today)
    start, end = services.window_for(month)
    ids = [r.id for r in services.candidate_families(month, start, end)]
    # The build first, so its peak memory is not hidden under the plain SELECT's (which holds every row).
    before = _peak_kb()
    seconds, result = _timed(lambda: services.build_round(month, today=today))
    peak = _peak_kb() - before
    db.session.rollback()
    rows_read, plain = {}, []
    for _ in range(3):
        with db.engine.connect() as conn:
            def read_all():
                # Streamed from a server-side cursor in batches, as the build reads: every row is fetched
                # and decoded by the driver, but a national round's millions of rows are never held at once.
                for table, sql in READ_TABLES:
                    result = conn.execution_options(stream_results=True, yield_per=20_000).execute(
                        sa.text(sql), {"ids": ids})
                    rows_read[table] = sum(len(batch) for batch in result.partitions())
            plain.append(_timed(read_all)[0])
    return {"round": month.strftime("%Y-%m"), "candidates": len(ids), "claims_added": result.added,
            "seconds": round(seconds, 2), "plain_select_seconds": round(statistics.median(plain), 3),
            "ratio": round(seconds / statistics.median(plain), 2), "rows_read_by_plain_select": rows_read,
            "peak_memory_mb": round(peak / 1024, 1)}


def measure_export() -> dict:
    import sqlalchemy as sa

    from app.claims import exports
    from app.claims.models import Claim, ClaimRound
    from app.extensions import db

    round_id, count = db.session.execute(
        sa.select(Claim.round_id, sa.func.count()).group_by(Claim.round_id).order_by(sa.func.count().desc())
        .limit(1)).one()
    claim_round = db.session.get(ClaimRound, round_id)
    plain = []
    for _ in range(3):
        with db.engine.connect() as conn:
            plain.append(_timed(lambda: conn.execute(sa.text(
                "SELECT c.*, f.reference FROM claims c JOIN families f ON f.id = c.family_id "
                "WHERE c.round_id = :r AND c.status = 'included' ORDER BY f.reference, c.claim_type, c.id"),
                {"r": round_id}).all())[0])
    before = _peak_kb()
    runs = [_timed(lambda: exports.export_round(claim_round, "csv")) for _ in range(3)]
    peak = _peak_kb() - before
    seconds = statistics.median(t for t, _ in runs)
    return {"round": claim_round.code, "claims": count, "bytes": len(runs[0][1]), "seconds": round(seconds, 3),
            "plain_select_seconds": round(statistics.median(plain), 3),
            "ratio": round(seconds / statistics.median(plain), 2), "peak_memory_mb": round(peak / 1024, 1)}


def measure_pdf() -> dict:
    from flask import current_app

    from app.common.pdf import render_pdf
    from app.common.time import today_london
    from app.reporting import reports
    from app.reporting.periods import period_containing

    period = period_containing(today_london()).previous()
    reports.build_monthly(period)  # warm: fonts, templates and matplotlib load once per process
    before = _peak_kb()
    totals = [_timed(lambda: reports.build_monthly(period))[0] for _ in range(3)]
    peak = _peak_kb() - before
    # Gathering and rendering timed in pairs, one straight after the other on the same HTML: on a shared,
    # noisy machine a ratio of medians taken minutes apart moved by more than the gathering itself.
    gathers, renders, extras = [], [], []
    for _ in range(5):
        gather, html = _timed(lambda: current_app.jinja_env.get_template("reporting/pdf/monthly.html").render(
            **reports.monthly_context(period)))
        render = _timed(lambda html=html: render_pdf(html))[0]
        gathers.append(gather)
        renders.append(render)
        extras.append(gather / render)
    total, render = statistics.median(totals), statistics.median(renders)
    extra = statistics.median(extras)
    return {"period": period.code, "seconds": round(total, 3), "weasyprint_only_seconds": round(render, 3),
            "gather_and_html_seconds": round(statistics.median(gathers), 3),
            "ratio": round(1 + extra, 2), "extra_percent": round(extra * 100, 1),
            "extra_percent_each_pair": [round(e * 100, 1) for e in extras],
            "peak_memory_mb": round(peak / 1024, 1)}


MEASURES = {"build": measure_build, "export": measure_export, "pdf": measure_pdf}


def one(what: str) -> None:
    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        try:
            print(json.dumps(MEASURES[what]()))
        finally:
            db.session.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql"], default="postgresql")
    parser.add_argument("--families", type=int, required=True)
    parser.add_argument("--only", choices=sorted(MEASURES), action="append")
    parser.add_argument("--one", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return
    url = database_url(args.db, args.families)
    earlier = RESULTS / f"inprocess_{args.db}_{args.families}.json"
    results = {k: v for k, v in json.loads(earlier.read_text()).items() if k in MEASURES} \
        if args.only and earlier.exists() else {}
    for what in args.only or list(MEASURES):
        done = subprocess.run([str(VENV_BIN / "python"), __file__, "--families", str(args.families), "--one", what],
                              cwd=ROOT, env=app_env(url), check=True, capture_output=True, text=True)
        results[what] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{what:7} {results[what]}", flush=True)
    save(f"inprocess_{args.db}_{args.families}", {
        "db": args.db, "families": args.families, **results,
        "command": f"bench/inprocess.py --db {args.db} --families {args.families}"})


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
