"""Internal audit reads a sampled family's evidence pack for the purpose claim_assurance (security.md, rule 3:
public task, not consent, audited), through the policy's claim-sample tie; a family whose claim was not
sampled shows the auditor nothing, and the tie opens no other page of the family record."""
from datetime import timedelta

from flask_login import login_user
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import services as cases
from app.cases.models import FamilyStatus
from app.claims import pack
from app.claims.models import Claim
from app.common.time import today_london
from app.extensions import db
from app.outcomes.facts import ClaimType
from tests.conftest import signed_in_client
from tests.integration.consent.test_no_leaks_in_pdfs import pdf_text


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def test_the_auditor_reads_the_sampled_familys_pack_and_it_is_audited(app, scenario):
    client = signed_in_client(app, scenario.users["auditor"])
    response = client.get(scenario.documents["evidence pack"])
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "MARKERGOALPOLICE" in text and "MARKERGOALCOUNCIL" in text and "withheld" not in text
    viewed = _events("EvidencePackViewed")[-1]
    assert (viewed.purpose, viewed.family_id) == ("claim_assurance", scenario.family.id)
    decided = _events("SharingDecided")[-1]
    assert decided.purpose == "claim_assurance" and decided.actor_user_id == scenario.users["auditor"].id
    # the police goal is another agency's record: shown, with its basis
    assert any(row.endswith(":shown:public_task") for row in decided.details["decisions"])


def test_the_tie_opens_the_pack_only(app, scenario):
    client = signed_in_client(app, scenario.users["auditor"])
    for page in ("", "/notes", "/plan", "/timeline"):
        assert client.get(f"/families/{scenario.family.id}{page}").status_code == 404, page


def test_an_unsampled_familys_pack_shows_the_auditor_nothing(app, scenario):
    today = today_london()
    kw, police = scenario.users["key_worker"], scenario.users["police"]
    other = cases.create_family(town="Northfield", postcode="LS2 7HY", lead_practitioner=kw,
                                status=FamilyStatus.ATTACHED, attached_on=today - timedelta(days=90), actor=kw)
    cases.add_person(other, given_name="Ula", family_name="Vane", relationship_to_family="parent")
    cases.add_team_member(other, role_description="Neighbourhood officer", user=police, joined_on=today)
    cases.add_plan_goal(other, action="MARKERUNSAMPLED goal", owner_agency=police.agency, due_on=None, actor=police)
    claim = Claim(round_id=scenario.ids["round"], family_id=other.id, programme="supporting_families",
                  claim_type=ClaimType.RESULTS, rule_set_code="SF-2025", amount_pence=80000, judged_on=today,
                  conditions=[], sampled=False)
    db.session.add(claim)
    db.session.commit()
    auditor = scenario.users["auditor"]
    assert signed_in_client(app, auditor).get(f"/claims/claims/{claim.id}/evidence-pack.pdf").status_code == 404
    assert _events("EvidencePackRefused")[-1].object_id == str(claim.id)
    # Even built directly, bypassing the route, the pack withholds every record: the policy has no tie.
    with app.test_request_context():
        login_user(auditor)
        context = pack.pack_context(claim, auditor)
    assert [row["withheld"] is not None for row in context["goals"]] == [True]
    assert "no relationship" in context["goals"][0]["withheld"]
    # ... and once the claim is sampled, the same pack shows it
    claim.sampled = True
    db.session.commit()
    response = signed_in_client(app, auditor).get(f"/claims/claims/{claim.id}/evidence-pack.pdf")
    assert response.status_code == 200 and "MARKERUNSAMPLED" in pdf_text(response.data)
