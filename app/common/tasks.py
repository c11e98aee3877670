""""My tasks": each package registers a provider that lists one user's tasks in ONE query; the tasks page
and the count in the navigation merge them. `common` never imports the packages that hold the work."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import g, has_request_context
from sqlalchemy import Select, func, select

from app.extensions import db


@dataclass(frozen=True)
class Task:
    kind: str  # a code: "meeting_action", "referral_triage", "handover_write", ...
    title: str  # references and codes, no personal content beyond what the user may already see
    url: str
    due_on: date | None = None
    group: str = "Other"  # the heading it is listed under


TaskProvider = Callable[[object], list[Task]]
TaskCounter = Callable[[object], int]
_PROVIDERS: list[TaskProvider] = []
_COUNTERS: dict[TaskProvider, TaskCounter] = {}


def register_task_provider(provider: TaskProvider, count: TaskCounter | None = None) -> None:
    """`count` says how many tasks the provider would list, without listing them: give one where the list
    grows with the council (a queue that every programme manager shares), since the menu shows the number
    on every page."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    if count is not None:
        _COUNTERS[provider] = count


def count_rows(query: Select) -> int:
    """How many rows a provider's query would list: one count in SQL, no rows fetched."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def _request_cache(name: str) -> dict:
    return g.setdefault(name, {}) if has_request_context() else {}


def tasks_for(user) -> list[Task]:
    """Every task of the user, soonest due first (undated last), then by title. Once per request."""
    cache = _request_cache("hearth_tasks")
    if user.id not in cache:
        tasks = [task for provider in _PROVIDERS for task in provider(user)]
        cache[user.id] = sorted(tasks, key=lambda t: (t.due_on is None, t.due_on or date.min, t.title, t.url))
    return cache[user.id]


def task_count(user) -> int:
    """How many tasks `tasks_for` lists, counted in SQL where the provider can count. Once per request."""
    listed = _request_cache("hearth_tasks")
    if user.id in listed:
        return len(listed[user.id])
    cache = _request_cache("hearth_task_count")
    if user.id not in cache:
        cache[user.id] = sum(_COUNTERS[provider](user) if provider in _COUNTERS else len(provider(user))
                             for provider in _PROVIDERS)
    return cache[user.id]
