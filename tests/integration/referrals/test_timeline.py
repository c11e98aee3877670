"""The family timeline shows the referral that brought the family in."""
from app.cases.timeline import TimelineContext, providers, timeline_page
from app.referrals import services
from app.sharing.policy import FamilyTies, Viewer
from tests.integration.referrals.helpers import referral


def test_an_accepted_referral_is_on_the_family_timeline(app, factory):
    referrer = factory.user(role="practitioner", agency_kind="school")
    manager = factory.user(role="programme_manager")
    sent = referral(referrer)
    with app.test_request_context():
        family = services.accept_into_new_family(sent, actor=manager)
        assert "referral" in {p.kind for p in providers()}
        ties = FamilyTies(family.id, None)
        page = timeline_page(TimelineContext(family.id, ties, Viewer.of(manager)))
        items = [item for item in page.items if item.kind == "referral"]
        assert len(items) == 1 and sent.reference in items[0].title and items[0].href
        # Someone who may open the family but not the referral sees the entry without its link.
        other = factory.user(role="key_worker")
        page = timeline_page(TimelineContext(family.id, ties, Viewer.of(other)))
        assert [item.href for item in page.items if item.kind == "referral"] == [None]
