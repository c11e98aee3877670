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


DATE_AND_TIME = "%-d %B %Y at %-I:%M%p"


def london_text(value: datetime | None, fmt: str = DATE_AND_TIME) -> str:
    """A stored UTC time written in Europe/London ("1 July 2026 at 1:00pm"); "" when there is none.
    The template filter `london_time`: no page shows a stored time unconverted. %p is lower case (GOV.UK style)."""
    if value is None:
        return ""
    local = london_time(value)
    return local.strftime(fmt.replace("%p", "am" if local.hour < 12 else "pm"))
