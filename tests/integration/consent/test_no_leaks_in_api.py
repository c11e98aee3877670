"""The leak matrix over the partner API: a client of each agency (the council, police, health, a school) reads
the family. An extra-sensitive record reaches only the client of the agency that holds it (a client's service
account is never the lead practitioner), no message reaches any client (the API serves none), and what an
agency recorded itself does reach it (so the matrix cannot pass by answering nothing)."""
import pytest

from app.api import services as api_services
from app.extensions import db

AGENCIES = {"council": "key_worker", "police": "police", "health": "health", "school": "teacher"}
MESSAGE_MARKERS = ("MARKERSUBJECTSECRET", "MARKERMESSAGESECRET", "MARKERREPLYSECRET", "MARKERSUBJECTSHARED",
                   "MARKERMESSAGESHARED")
OWN_RECORDS = {"police": "MARKER-POLICE-MUM-NOBASIS", "health": "MARKER-HEALTH-MUM-DAD"}


@pytest.mark.parametrize("agency", sorted(AGENCIES))
def test_the_api_answers_only_what_the_rule_allows(client, scenario, agency):
    holder = scenario.users[AGENCIES[agency]].agency
    _, token = api_services.create_client(agency=holder, name=f"{holder.name} system")
    db.session.commit()
    response = client.get(f"/api/v1/families/{scenario.family.reference}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 404), response.status_code
    body = response.get_data(as_text=True)
    if agency in OWN_RECORDS:
        assert response.status_code == 200 and OWN_RECORDS[agency] in body  # on the team: its own records
    for marker in scenario.extra_sensitive:
        if agency == "police" and not marker.startswith(("MARKERMINUTES", "MARKERDOC", *MESSAGE_MARKERS)):
            assert marker in body, marker  # the police's own extra-sensitive note and intervention
        else:
            assert marker not in body, (agency, marker)
    for marker in MESSAGE_MARKERS:
        assert marker not in body
    # Never wider than what the agency's own people may see on the pages.
    colleagues = {name for name, user in scenario.users.items() if user.agency_id == holder.id}
    for marker, may_see in scenario.markers.items():
        if not may_see & colleagues:
            assert marker not in body, (agency, marker)
