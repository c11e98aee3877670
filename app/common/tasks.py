""""My tasks": each package registers a provider that lists one user's tasks in ONE query; the tasks page
and the count in the navigation merge them. `common` never imports the packages that hold the work."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import g, has_request_context


@dataclass(frozen=True)
class Task:
    kind: str  # a code: "meeting_action", "referral_triage", "handover_write", ...
    title: str  # references and codes, no personal content beyond what the user may already see
    url: str
    due_on: date | None = None
    group: str = "Other"  # the heading it is listed under


TaskProvider = Callable[[object], list[Task]]
_PROVIDERS: list[TaskProvider] = []


def register_task_provider(provider: TaskProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def tasks_for(user) -> list[Task]:
    """Every task of the user, soonest due first (undated last), then by title. Once per request."""
    cache = g.setdefault("hearth_tasks", {}) if has_request_context() else {}
    if user.id not in cache:
        tasks = [task for provider in _PROVIDERS for task in provider(user)]
        cache[user.id] = sorted(tasks, key=lambda t: (t.due_on is None, t.due_on or date.min, t.title, t.url))
    return cache[user.id]


def task_count(user) -> int:
    return len(tasks_for(user))
