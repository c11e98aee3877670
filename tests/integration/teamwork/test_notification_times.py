"""The notifications page shows when each notification came as the clock in London read it (BST in summer,
GMT in winter), with no UTC label."""
from datetime import UTC, datetime

from app.common import notifications
from app.extensions import db
from tests.integration.teamwork.conftest import client_for


def test_notification_times_are_shown_in_london_time(app, factory):
    user = factory.user("key_worker")
    summer = notifications.notify(user.id, "test", None, "Summer notice", dedupe_key="summer")
    winter = notifications.notify(user.id, "test", None, "Winter notice", dedupe_key="winter")
    summer.created_at_utc = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    winter.created_at_utc = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    db.session.commit()

    page = client_for(app, user).get("/notifications").get_data(as_text=True)

    assert "1 July 2026 at 1:00pm" in page
    assert "15 January 2026 at 12:00pm" in page
    assert "12:00 UTC" not in page and "at 12:00<" not in page
