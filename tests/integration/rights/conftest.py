"""Two families for the rights tests. The Smiths (closed long ago, an early help lead, a police officer on the
team) have a record of every kind, each carrying a marker that says whom it is about; the Others are another
family whose markers must never appear in the Smiths' exports. Plus a claim with its snapshot."""
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from app.cases import services as case_services
from app.cases.models import FamilyStatus
from app.claims.models import Claim, ClaimRound, ClaimSnapshot
from app.claims.rounds import canonical_json, sha256_of
from app.extensions import db
from app.sharing import services as sharing
from app.teamwork import services as teamwork
from tests.integration.cases.conftest import intervention_type_id

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLOSED_ON = date(2015, 3, 31)  # long enough ago that the Smiths' records have expired


class Upload:
    def __init__(self, name="letter.pdf"):
        self.stream, self.filename, self.mimetype = io.BytesIO(PDF_BYTES), name, "application/pdf"


@dataclass
class World:
    family: object
    other_family: object
    mother: object
    child: object
    other_person: object
    key_worker: object
    police: object
    ig: object
    document: object
    snapshot: object


def _closed(family, closed_on):
    family.status, family.closed_on = FamilyStatus.CLOSED, closed_on


@pytest.fixture
def world(app, factory):
    key_worker = factory.user("key_worker")
    police = factory.user("practitioner", agency_kind="police")
    ig = factory.user("ig_officer", agency=key_worker.agency)
    case_services.seed_intervention_types()
    attached = CLOSED_ON - timedelta(days=300)
    family = case_services.create_family(address_line_1="7 Marker Row", town="Northfield", postcode="LS2 7HY",
                                         lead_practitioner=key_worker, status=FamilyStatus.ATTACHED,
                                         attached_on=attached, actor=key_worker)
    family.created_at_utc = datetime(2013, 1, 1, tzinfo=UTC)  # referred then, so the meeting may be dated
    mother = case_services.add_person(family, given_name="Natalie", family_name="Smith",
                                      relationship_to_family="parent", date_of_birth=date(1980, 5, 1),
                                      nhs_number="9434765919")
    child = case_services.add_person(family, given_name="Isla", family_name="Smith", relationship_to_family="child",
                                     date_of_birth=date(1994, 3, 2))
    case_services.add_team_member(family, role_description="Neighbourhood officer", user=police, joined_on=attached)
    case_services.add_case_note(family, body="MARKER-CHILD-NOTE", category="case_note", person_ids=[child.id],
                                actor=key_worker)
    case_services.add_case_note(family, body="MARKER-MOTHER-ONLY", category="case_note", person_ids=[mother.id],
                                actor=key_worker)
    case_services.add_case_note(family, body="MARKER-POLICE-NOTE", category="crime",
                                person_ids=[child.id, mother.id], actor=police)
    case_services.record_intervention(family, type_id=intervention_type_id(), agency=key_worker.agency,
                                      occurred_on=attached + timedelta(days=5), duration_minutes=60,
                                      summary="MARKER-INTERVENTION", category="case_note", actor=key_worker)
    teamwork.start_thread(family, subject="MARKER-SUBJECT", body="MARKER-MESSAGE", category="case_note",
                          person_ids=[child.id], actor=key_worker)
    teamwork.record_meeting(family, kind="team_around_family", held_on=attached + timedelta(days=10),
                            minutes="MARKER-MINUTES", person_ids=[child.id], attendee_person_ids=[child.id],
                            actor=key_worker)
    document = teamwork.add_document(family, title="MARKER-DOC", category="case_note", person_ids=[child.id],
                                     upload=Upload(), actor=key_worker)
    sharing.record_consent(family, person_ids=[child.id], given_by="parent_carer", given_by_name="Natalie Smith",
                           given_on=attached, method="verbal", witness_name="MARKER-WITNESS",
                           scope=[("case_note", None, "police", "case_coordination")], actor=key_worker)
    _closed(family, CLOSED_ON)

    other_family = case_services.create_family(address_line_1="1 Elsewhere Street", town="Southfield",
                                               lead_practitioner=key_worker, status=FamilyStatus.ATTACHED,
                                               attached_on=attached, actor=key_worker)
    other_person = case_services.add_person(other_family, given_name="Oscar", family_name="Otherfamily",
                                            relationship_to_family="parent", date_of_birth=date(1970, 1, 1))
    case_services.add_case_note(other_family, body="MARKER-OTHER-FAMILY", category="case_note", actor=key_worker)

    claim_round = ClaimRound(month=date(2016, 1, 1), window_start=date(2014, 1, 1), window_end=date(2015, 7, 31))
    db.session.add(claim_round)
    db.session.flush()
    claim = Claim(round_id=claim_round.id, family_id=family.id, programme="supporting_families",
                  claim_type="results", rule_set_code="sf-2022", amount_pence=80000, judged_on=date(2016, 1, 5),
                  closed_on=CLOSED_ON, attached_on=attached, conditions=[{"code": "eligible", "passed": True}])
    db.session.add(claim)
    db.session.flush()
    body = canonical_json({"claim": claim.id, "family": family.reference, "closed_on": CLOSED_ON.isoformat()})
    snapshot = ClaimSnapshot(claim_id=claim.id, body=body, sha256=sha256_of(body))
    db.session.add(snapshot)
    db.session.commit()
    return World(family, other_family, mother, child, other_person, key_worker, police, ig, document, snapshot)
