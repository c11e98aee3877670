"""Stored times are UTC and people read Europe/London: every template shows a `*_utc` value through the one
filter, `london_time`, and the filter gives the wall clock in summer (BST) and winter (GMT)."""
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jinja2 import Environment

from app.common.time import london_text

APP = Path(__file__).resolve().parents[3] / "app"
# Only asking whether a time is set ("Yes" if x.undone_at_utc else "No") shows no time.
PRESENCE_TESTS = {"if", "not", "and", "or"}


def unconverted_times(source: str) -> list[str]:
    """The `*_utc` values a template writes out ({{ ... }}) without converting them to London time. Jinja's
    own lexer finds the outputs, so a dict literal's "}}" inside a macro call does not end one early."""
    found, output = [], None
    for _, kind, value in Environment(autoescape=True).lex(source):
        if kind == "variable_begin":
            output = []
        elif kind == "variable_end":
            found += _raw_utc_values(output)
            output = None
        elif output is not None and kind != "whitespace":
            output.append(value)
    return found


def _raw_utc_values(tokens: list[str]) -> list[str]:
    raw = []
    for i, token in enumerate(tokens):
        if not token.endswith("_utc"):
            continue
        start = i
        while start >= 2 and tokens[start - 1] == ".":
            start -= 2
        after = tokens[i + 1:i + 3]
        if after[:2] == ["|", "london_time"]:
            continue
        if start and tokens[start - 1] in PRESENCE_TESTS and after[:1] not in (["."], ["|"]):
            continue
        raw.append("".join(tokens[start:i + 1]))
    return raw


@pytest.mark.parametrize("source, expected", [
    ('{{ n.created_at_utc.strftime("%H:%M") }}', ["n.created_at_utc"]),
    ("{{ n.created_at_utc }} UTC", ["n.created_at_utc"]),
    ('{{ list({"rows": [{"key": {"text": "Seen"}}, {"value": {"text": u.seen_at_utc.strftime("%H:%M")}}]}) }}',
     ["u.seen_at_utc"]),
    ('{{ row("When", x.done_at_utc.strftime("%-d %B") if x.done_at_utc else "Never") }}', ["x.done_at_utc"]),
    ('{{ "Yes" if record.undone_at_utc else "No" }}', []),
    ('{{ n.created_at_utc|london_time }}', []),
    ('{{ n.created_at_utc | london_time("%-d %B %Y") or "Never" }}', []),
])
def test_the_scan_tells_converted_from_raw_times(source, expected):
    assert unconverted_times(source) == expected


def test_no_template_shows_a_stored_utc_time_unconverted():
    offenders = {str(path.relative_to(APP)): times for path in sorted(APP.glob("**/templates/**/*.html"))
                 if (times := unconverted_times(path.read_text(encoding="utf-8")))}
    assert offenders == {}, "show these through the london_time filter"


@pytest.mark.parametrize("stored, expected", [
    (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "1 July 2026 at 1:00pm"),  # BST
    (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "15 January 2026 at 12:00pm"),  # GMT
    (datetime(2026, 3, 29, 0, 30), "29 March 2026 at 12:30am"),  # naive (SQLite), before the clocks go forward
    (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), "25 October 2026 at 12:30am"),  # the London date is the next day
])
def test_london_text_is_the_wall_clock(stored, expected):
    assert london_text(stored) == expected


def test_london_text_of_nothing_is_empty_and_takes_a_format():
    assert london_text(None) == ""
    assert london_text(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), "%-d %B %Y") == "2 July 2026"
