"""The menu's "My tasks (N)" is counted in SQL where a queue is shared by an agency or the whole council, and
always says as many as the tasks page lists: checked for every demo account over the seeded demo council
(waiting referrals, an open request to share, break-glass alerts to review)."""
from sqlalchemy import select

from app.auth.models import User
from app.common import tasks
from app.extensions import db


def test_every_demo_users_count_is_the_length_of_their_list(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    counted = {provider.__name__ for provider in tasks._COUNTERS}
    assert {"triage_tasks", "sharing_request_tasks", "ig_alert_tasks"} <= counted
    users = db.session.scalars(select(User).order_by(User.id)).all()
    seen_in_counted_queues = set()
    for user in users:
        with app.test_request_context():
            listed = tasks.tasks_for(user)
        with app.test_request_context():
            assert tasks.task_count(user) == len(listed), user.email
        for provider in tasks._COUNTERS:
            with app.test_request_context():
                if provider(user):
                    seen_in_counted_queues.add(provider.__name__)
    # The demo council has something in each counted queue, so the counts were tried on real rows.
    assert seen_in_counted_queues >= {"triage_tasks", "sharing_request_tasks", "ig_alert_tasks"}
