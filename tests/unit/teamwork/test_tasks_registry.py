"""The task registry without a database: providers merged, soonest due first, undated last."""
from datetime import date

from app.common import tasks
from app.common.tasks import Task, register_task_provider, task_count, tasks_for
from app.teamwork.services import family_path


class _User:
    id = 7


def test_merged_and_ordered():
    def first(user):
        return [Task("a", "Undated", "/1"), Task("a", "Late", "/2", date(2026, 5, 1))]

    def second(user):
        return [Task("b", "Soon", "/3", date(2026, 1, 1))]

    saved = list(tasks._PROVIDERS)
    tasks._PROVIDERS[:] = []
    try:
        register_task_provider(first)
        register_task_provider(second)
        register_task_provider(first)  # registering twice adds it once
        assert [t.title for t in tasks_for(_User())] == ["Soon", "Late", "Undated"]
        assert task_count(_User()) == 3
    finally:
        tasks._PROVIDERS[:] = saved


def test_links_are_built_without_a_request():
    assert family_path(12, "messages", 3) == "/families/12/messages/3"


def test_a_counter_answers_for_its_provider_without_listing():
    def listed(user):
        return [Task("a", "Mine", "/1")]

    def queue(user):
        raise AssertionError("a counted queue is not listed to be counted")

    saved = list(tasks._PROVIDERS), dict(tasks._COUNTERS)
    tasks._PROVIDERS[:] = []
    try:
        register_task_provider(listed)
        register_task_provider(queue, count=lambda user: 40)
        assert task_count(_User()) == 41
    finally:
        tasks._PROVIDERS[:] = saved[0]
        tasks._COUNTERS.clear()
        tasks._COUNTERS.update(saved[1])
