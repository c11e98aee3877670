"""Create a benchmark database and fill it with `flask synth`, timing the generation.

    .venv/bin/python bench/prepare.py --db postgresql --families 60000

PostgreSQL: drops and creates the database hearth_bench_<N>, and VACUUMs it after `flask synth`.
SQLite: bench/results/hearth_bench_<N>.sqlite. The schema comes from the models (`db.create_all()`), as the
tests build it. Writes bench/results/synth_<db>_<N>.json with the wall time of `flask synth` and the row counts.
"""
import argparse
import os
import subprocess
import time

from common import PG_ADMIN_URL, RESULTS, ROOT, VENV_BIN, app_env, database_url, save

CREATE_SCHEMA = ("from app import create_app\nfrom app.extensions import db\napp = create_app()\n"
                 "with app.app_context():\n    import app.models\n    db.create_all()\n")


def fresh_database(kind: str, families: int) -> str:
    url = database_url(kind, families)
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "hearth_bench_{families}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "hearth_bench_{families}"')
    else:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"hearth_bench_{families}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f"{path}{suffix}"):
                os.remove(f"{path}{suffix}")
    subprocess.run([str(VENV_BIN / "python"), "-c", CREATE_SCHEMA], cwd=ROOT, env=app_env(url), check=True)
    return url


def vacuum(families: int) -> float:
    """Mark the freshly written pages all-visible, as autovacuum soon would on a live database: until then
    PostgreSQL cannot answer from a covering index alone and reads the table's rows (the dashboard's month of
    interventions took 270 ms instead of 45 ms at 60,000 families)."""
    import psycopg

    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/hearth_bench_{families}"
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], required=True)
    parser.add_argument("--families", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = fresh_database(args.db, args.families)
    command = [str(VENV_BIN / "flask"), "--app", "wsgi", "synth", "--families", str(args.families),
               "--seed", str(args.seed)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=app_env(url), check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    print(done.stdout.strip().splitlines()[-2])
    if args.db == "postgresql":
        vacuum_seconds = vacuum(args.families)
        print(f"VACUUM ANALYZE took {vacuum_seconds:.1f}s")
    save(f"synth_{args.db}_{args.families}", {
        "db": args.db, "families": args.families, "seed": args.seed, "wall_seconds": round(seconds, 1),
        "command": f"flask synth --families {args.families} --seed {args.seed}",
        "vacuum_analyze_seconds": round(vacuum_seconds, 1) if args.db == "postgresql" else None,
        "output": done.stdout.strip().splitlines()[-2:]})


if __name__ == "__main__":
    main()
