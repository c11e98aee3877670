"""SQLite is the single-user default: WAL, a busy timeout, enforced foreign keys, and real
transactions. The pysqlite driver otherwise begins transactions late and breaks SAVEPOINT, so
SQLAlchemy's documented recipe takes over BEGIN itself."""
from sqlalchemy import event


def enable_sqlite_pragmas(engine):
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the "begin" listener below emit BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")
