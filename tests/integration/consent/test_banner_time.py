"""The emergency-access banner tells the time the grant ends as the clock on the wall in London shows it."""
from datetime import UTC, datetime

from app.common.time import utcnow
from app.extensions import db
from app.sharing.models import AlertKind, BreakGlassGrant, IgAlert
from tests.conftest import signed_in_client


def test_the_banner_shows_the_end_of_the_grant_in_london_time(app, factory):
    from app.cases import services as case_services

    user = factory.user("key_worker")
    family = case_services.create_family(address_line_1="5 Dale Road", town="Northfield", postcode="LS2 7HY")
    # A summer evening: 21:51 UTC is 22:51 in London (BST). A winter one is the same on both clocks.
    summer = datetime(utcnow().year + 1, 7, 15, 21, 51, tzinfo=UTC)
    db.session.add(BreakGlassGrant(user_id=user.id, family_id=family.id, reason="risk_of_harm",
                                   justification="Police report a child at risk tonight", starts_at_utc=utcnow(),
                                   expires_at_utc=summer))
    db.session.commit()
    page = signed_in_client(app, user).get("/").get_data(as_text=True)
    assert "You are using emergency access to family" in page
    assert "until 22:51 on 15 July." in page and "UTC" not in page


def test_the_ig_alert_shows_the_grant_and_the_alert_in_london_time(app, factory):
    from app.cases import services as case_services

    user, ig = factory.user("key_worker"), factory.user("ig_officer")
    family = case_services.create_family(address_line_1="5 Dale Road", town="Northfield", postcode="LS2 7HY")
    # Summer: BST is one hour ahead of UTC, so 12:00 and 16:30 stored read 1:00pm and 5:30pm.
    grant = BreakGlassGrant(user_id=user.id, family_id=family.id, reason="risk_of_harm",
                            justification="Police report a child at risk tonight",
                            starts_at_utc=datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
                            expires_at_utc=datetime(2026, 7, 1, 16, 30, tzinfo=UTC))
    db.session.add(grant)
    db.session.flush()
    alert = IgAlert(kind=AlertKind.BREAK_GLASS, family_id=family.id, grant_id=grant.id, raised_for_id=user.id,
                    due_on=datetime(2026, 7, 8).date())
    db.session.add(alert)
    db.session.commit()

    page = signed_in_client(app, ig).get(f"/information-governance/alerts/{alert.id}").get_data(as_text=True)

    assert "1 July 2026 at 1:00pm to 5:30pm" in page
    assert "UTC" not in page
