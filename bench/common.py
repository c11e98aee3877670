"""Shared helpers of the benchmark scripts: databases, the app's environment, results files."""
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = os.environ.get("DEMO_PASSWORD", "hearth-demo-2026")
VENV_BIN = Path(sys.executable).parent


def database_url(kind: str, families: int) -> str:
    if kind == "sqlite":
        return f"sqlite:///{RESULTS / f'hearth_bench_{families}.sqlite'}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/hearth_bench_{families}"


def app_env(url: str) -> dict:
    """The environment the app runs with: development settings (no MFA demanded at sign-in, memory rate
    limits) against the benchmark database, with the daily export limit lifted."""
    env = dict(os.environ, DATABASE_URL=url, HEARTH_ENV="development", DEMO_PASSWORD=PASSWORD)
    env["REPORTS_DIR"] = str(RESULTS / "reports")
    # The daily export limit (50 a user) would refuse a load test of the finance export after 50 requests.
    env["EXPORT_LIMIT_PER_DAY"] = "10000000"
    return env


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **data}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"-> {path.relative_to(ROOT)}")
    return path
