"""Throwaway test databases: a SQLite file, or a fresh PostgreSQL database dropped afterwards."""
import os
import secrets
import tempfile
from pathlib import Path

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_unreachable_reason():
    """None when PostgreSQL answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect is reported, not hidden
        return f"PostgreSQL at {PG_ADMIN_URL} cannot be reached: {exc}".strip()


def create_postgres_database(prefix="hearth_test"):
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return name, f"{base}/{name}"


def drop_postgres_database(name):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_sqlite_database():
    folder = Path(tempfile.mkdtemp(prefix="hearth_test_"))
    return str(folder), f"sqlite:///{folder / 'hearth.sqlite'}"


class ThrowawayDatabase:
    """A database of its own for one test session or module: `with ThrowawayDatabase(kind) as url:`."""

    def __init__(self, kind):
        self.kind = kind
        self.name = None

    def __enter__(self):
        if self.kind == "postgresql":
            self.name, url = create_postgres_database()
        else:
            self.name, url = create_sqlite_database()
        return url

    def __exit__(self, *exc):
        if self.kind == "postgresql":
            drop_postgres_database(self.name)
        else:
            import shutil

            shutil.rmtree(self.name, ignore_errors=True)
