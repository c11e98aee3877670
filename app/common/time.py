"""Clock helpers. Stored times are UTC; "today", months and rounds are Europe/London."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_london() -> date:
    return datetime.now(LONDON).date()


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def london_time(value: datetime) -> datetime:
    """A stored UTC time as the clock on the wall in Europe/London (GMT or BST), for showing to people."""
    return as_utc(value).astimezone(LONDON)
