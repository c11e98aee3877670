"""The leak matrix: every role, every family page (every GET route of the record with a family_id,
nested ones filled in), search, timeline, notifications and "My tasks"; each planted marker appears
exactly where the sharing rule allows and nowhere else."""
import itertools
import re

import pytest

from app.extensions import db
from tests.conftest import signed_in_client

SKIP = re.compile(r"\.pdf$|/download|/versions/|/document$")  # binary bodies: checked by their own tests


def _urls(app, scenario):
    ids = {"family_id": [scenario.family.id], "person_id": [scenario.people["mum"].id],
           "intervention_id": [scenario.ids["intervention"], scenario.ids["MARKERVISITSECRET"]],
           "meeting_id": scenario.ids["meetings"], "document_id": scenario.ids["documents"],
           "thread_id": scenario.ids["threads"]}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or "family_id" not in rule.arguments or rule.endpoint.startswith("api"):
            continue
        if not set(rule.arguments) <= set(ids) or SKIP.search(rule.rule):
            continue
        for combination in itertools.product(*(ids[name] for name in sorted(rule.arguments))):
            chosen = dict(zip(sorted(rule.arguments), combination, strict=True))
            urls.append(re.sub(r"<(?:int:)?(\w+)>", lambda m, chosen=chosen: str(chosen[m.group(1)]), rule.rule))
    return sorted(urls)


def _bodies(client, urls):
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        bodies[url] = response.get_data(as_text=True)
    return bodies


@pytest.mark.parametrize("who", ["key_worker", "manager", "police", "police_lead", "health", "teacher", "ig",
                                 "admin", "finance", "auditor"])
def test_markers_appear_exactly_where_the_rule_allows(app, scenario, who):
    urls = _urls(app, scenario)
    assert any(u.endswith("/timeline") for u in urls) and any("/interventions/" in u for u in urls)
    assert any("/meetings/" in u for u in urls) and any("/documents/" in u for u in urls)
    assert {f"/families/{scenario.family.id}/messages/{t}" for t in scenario.ids["threads"]} <= set(urls)
    client = signed_in_client(app, scenario.users[who])
    urls += [f"/families/search?q={scenario.family.reference}", "/families/search?q=Quill", "/families/",
             "/notifications", "/tasks"]
    bodies = _bodies(client, urls)
    for marker, allowed in scenario.markers.items():
        seen_in = [url for url, body in bodies.items() if marker in body]
        if who in allowed:
            assert seen_in, f"{who} should see {marker}"
        else:
            assert not seen_in, f"{who} sees {marker} in {seen_in}"


def test_withheld_items_say_who_holds_them_and_offer_to_ask(app, scenario):
    client = signed_in_client(app, scenario.users["key_worker"])
    page = client.get(f"/families/{scenario.family.id}/notes").get_data(as_text=True)
    police = scenario.users["police"].agency.name
    assert f"Case note by {police} withheld" in page
    assert f"Ask {police} to share it" in page
    assert "/ask?agency_id=" in page


def test_withdrawal_takes_effect_on_the_very_next_request(app, scenario):
    from app.sharing.models import Consent
    from app.sharing.services import withdraw_consent

    client = signed_in_client(app, scenario.users["key_worker"])
    url = f"/families/{scenario.family.id}/notes"
    assert "MARKER-HEALTH-MUM-CONSENT" in client.get(url).get_data(as_text=True)
    consent = db.session.query(Consent).filter_by(person_id=scenario.people["mum"].id).one()
    withdraw_consent(consent, actor=scenario.users["key_worker"])
    db.session.commit()
    assert "MARKER-HEALTH-MUM-CONSENT" not in client.get(url).get_data(as_text=True)
