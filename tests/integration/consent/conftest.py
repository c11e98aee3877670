"""A family with content held by three agencies, and sharing records in every state, with a unique
marker string in each record so a test can look for it in every response body."""
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from app.cases import services as cases
from app.cases.models import FamilyStatus
from app.common.time import today_london
from app.extensions import db
from app.sharing import services as sharing


@dataclass
class Scenario:
    family: object
    users: dict  # role name -> user
    people: dict  # mum, child, dad
    markers: dict = field(default_factory=dict)  # marker -> set of user names that may see it
    ids: dict = field(default_factory=dict)
    extra_sensitive: set = field(default_factory=set)  # markers in extra-sensitive records: never in a document
    pack_markers: set = field(default_factory=set)  # markers an internal auditor sees in the evidence pack
    documents: dict = field(default_factory=dict)  # name -> URL of a generated PDF about the family


@pytest.fixture
def scenario(app, factory):
    today = today_london()
    council, police, health, school = (factory.agency(k) for k in ("early_help", "police", "health", "school"))
    users = {
        "key_worker": factory.user("key_worker", agency=council),
        "manager": factory.user("programme_manager", agency=council),
        "police": factory.user("practitioner", agency=police),
        "police_lead": factory.user("practitioner", agency=police, is_designated_lead=True),
        "health": factory.user("practitioner", agency=health),
        "teacher": factory.user("practitioner", agency=school),
        "ig": factory.user("ig_officer", agency=council),
        "admin": factory.user("admin", agency=council),
        "finance": factory.user("finance_officer", agency=council),
        "auditor": factory.user("internal_auditor", agency=council),
    }
    kw = users["key_worker"]
    cases.seed_intervention_types()
    attached = today - timedelta(days=90)
    family = cases.create_family(address_line_1="2 Marker Row", town="Northfield", postcode="LS2 7HY",
                                 lead_practitioner=kw, status=FamilyStatus.ATTACHED, attached_on=attached, actor=kw)
    mum = cases.add_person(family, given_name="Mara", family_name="Quill", relationship_to_family="parent",
                           date_of_birth=date(1988, 1, 5))
    child = cases.add_person(family, given_name="Kit", family_name="Quill", relationship_to_family="child",
                             date_of_birth=today.replace(year=today.year - 9))
    dad = cases.add_person(family, given_name="Dov", family_name="Quill", relationship_to_family="parent",
                           date_of_birth=date(1985, 7, 9))
    cases.add_team_member(family, role_description="Neighbourhood officer", user=users["police"], joined_on=attached)
    cases.add_team_member(family, role_description="Health visitor", user=users["health"], joined_on=attached)
    db.session.commit()

    sharing.create_agreement(name="Test ISA", starts_on=today - timedelta(days=365),
                             review_on=today + timedelta(days=365), actor=users["admin"], flows=[
                                 ("police", "early_help", "crime", "case_coordination"),
                                 ("health", "early_help", "health", "case_coordination"),
                                 ("early_help", "police", "case_note", "case_coordination"),
                                 ("early_help", "health", "case_note", "case_coordination"),
                                 ("health", "police", "health", "case_coordination")])
    given = today - timedelta(days=30)
    scope = [("health", None, "early_help", "case_coordination"), ("case_note", None, "police", "case_coordination")]
    sharing.record_consent(family, person_ids=[mum.id], given_by="person", given_on=given, method="verbal",
                           witness_name="A Witness", scope=scope, actor=kw)
    withdrawn = sharing.record_consent(family, person_ids=[child.id], given_by="parent_carer", given_by_name="Mara",
                                       given_on=given, method="verbal", witness_name="A Witness", scope=scope,
                                       actor=kw)[0]
    sharing.withdraw_consent(withdrawn, actor=kw)
    sharing.record_consent(family, person_ids=[dad.id], given_by="person", given_on=given - timedelta(days=60),
                           method="verbal", witness_name="A Witness", scope=scope,
                           review_on=today - timedelta(days=1), actor=kw)  # expired
    db.session.commit()

    s = Scenario(family, users, {"mum": mum, "child": child, "dad": dad})
    everyone_close = {"key_worker", "police", "police_lead", "health"}
    council_staff = {"key_worker", "manager"}

    def note(marker, author, category, people, may_see):
        n = cases.add_case_note(family, body=f"{marker} note", category=category,
                                person_ids=[p.id for p in people], actor=users[author])
        s.markers[marker] = set(may_see)
        s.ids[marker] = n.id

    # police crime about the child: a safeguarding basis shares it with the council
    note("MARKER-POLICE-CHILD-SG", "police", "crime", [child], {"police", "police_lead", *council_staff})
    sharing.record_basis(family, kind="safeguarding", holding_agency_id=users["police"].agency_id,
                         recipient_agency_id=kw.agency_id, category="crime", person_ids=[child.id],
                         reason="Risk of significant harm", actor=users["police"])
    # police crime about mum: no basis
    note("MARKER-POLICE-MUM-NOBASIS", "police", "crime", [mum], {"police", "police_lead"})
    # health about mum, who agreed: shared with the council (agreement health->early_help)
    note("MARKER-HEALTH-MUM-CONSENT", "health", "health", [mum], {"health", *council_staff})
    # health about mum and dad: dad's consent expired
    note("MARKER-HEALTH-MUM-DAD", "health", "health", [mum, dad], {"health"})
    # health about the child: consent withdrawn
    note("MARKER-HEALTH-CHILD-WITHDRAWN", "health", "health", [child], {"health"})
    # council case note about mum: mum agreed to police (case_note) but no agreement to health for her...
    # the agreement allows early_help->health case_note, but mum's scope names police only
    note("MARKER-COUNCIL-MUM", "key_worker", "case_note", [mum], {*council_staff, "police", "police_lead"})
    # council note about the whole family: not everyone agreed
    note("MARKER-COUNCIL-FAMILY", "key_worker", "case_note", [], council_staff)
    # police intervention about the child (crime): covered by the safeguarding basis
    i = cases.record_intervention(family, type_id=_type_id(), agency=users["police"].agency, occurred_on=today,
                                  duration_minutes=30, summary="MARKER-POLICE-VISIT intervention", category="crime",
                                  person_ids=[child.id], actor=users["police"])
    s.markers["MARKER-POLICE-VISIT"] = {"police", "police_lead", *council_staff}
    s.ids["intervention"] = i.id
    # the whole-family assessment: shared with everyone close on the plan agreement
    cases.save_assessment(family, sections={"strengths": "MARKER-ASSESSMENT strengths"}, narrative="Narrative",
                          completed_on=None, actor=kw)
    s.markers["MARKER-ASSESSMENT"] = everyone_close | council_staff
    db.session.commit()
    _plant_extra_sensitive_and_documents(s, today)
    _plant_messages(s)
    return s


def _plant_messages(s):
    """Two police discussions about the child, each telling the lead practitioner: one opened with intelligence
    (extra-sensitive, so its subject is too), and one shared under the safeguarding basis whose reply is
    extra-sensitive (the discussion shows, that message does not)."""
    from app.teamwork import services as teamwork

    family, police, kw, child = s.family, s.users["police"], s.users["key_worker"], s.people["child"]
    named = {"police", "police_lead", "key_worker"}
    about = {"category": "crime", "person_ids": [child.id], "mention_user_ids": [kw.id], "actor": police}
    secret = teamwork.start_thread(family, subject="MARKERSUBJECTSECRET informant", extra_sensitive=True,
                                   body="MARKERMESSAGESECRET the informant named an associate", **about)
    shared = teamwork.start_thread(family, subject="MARKERSUBJECTSHARED joint visits",
                                   body="MARKERMESSAGESHARED visit on Tuesday", **about)
    teamwork.reply(shared.thread, body="MARKERREPLYSECRET a neighbour's statement", extra_sensitive=True, **about)
    db.session.commit()
    s.ids["threads"] = [secret.thread_id, shared.thread_id]
    for marker in ("MARKERSUBJECTSECRET", "MARKERMESSAGESECRET", "MARKERREPLYSECRET"):
        s.markers[marker] = set(named)
        s.extra_sensitive.add(marker)
    for marker in ("MARKERSUBJECTSHARED", "MARKERMESSAGESHARED"):
        s.markers[marker] = named | {"manager"}


def _plant_extra_sensitive_and_documents(s, today):
    """Extra-sensitive records, plan goals and meetings (which the PDFs print), and a claim in a drawn audit
    sample (so an internal auditor has the claim-sample tie and the evidence pack to read)."""
    from app.claims.models import Claim, ClaimRound, RoundStatus
    from app.outcomes.facts import ClaimType
    from app.teamwork import services as teamwork

    family, users, child = s.family, s.users, s.people["child"]
    kw, police = users["key_worker"], users["police"]
    close = {"key_worker", "police", "police_lead", "health"}
    # police intelligence about the child: the safeguarding basis reaches the council, but only the named see it
    n = cases.add_case_note(family, body="MARKER-POLICE-SECRET note", category="crime", person_ids=[child.id],
                            extra_sensitive=True, actor=police)
    s.ids["MARKER-POLICE-SECRET"] = n.id
    s.markers["MARKER-POLICE-SECRET"] = {"police", "police_lead", "key_worker"}
    s.extra_sensitive.add("MARKER-POLICE-SECRET")
    visit = cases.record_intervention(family, type_id=_type_id(), agency=police.agency, occurred_on=today,
                                      duration_minutes=20, summary="MARKERVISITSECRET what the neighbour said",
                                      category="crime", person_ids=[child.id], extra_sensitive=True, actor=police)
    s.ids["MARKERVISITSECRET"] = visit.id
    s.markers["MARKERVISITSECRET"] = {"police", "police_lead", "key_worker"}
    s.extra_sensitive.add("MARKERVISITSECRET")
    # the family plan: whole-family records, shared with everyone close on the plan agreement
    cases.add_plan_goal(family, action="MARKERGOALCOUNCIL attend the parenting course", owner_agency=kw.agency,
                        due_on=today + timedelta(days=30), actor=kw)
    s.markers["MARKERGOALCOUNCIL"] = close | {"manager"}
    cases.add_plan_goal(family, action="MARKERGOALPOLICE meet the neighbourhood officer", owner_agency=police.agency,
                        due_on=today + timedelta(days=30), actor=police)
    s.markers["MARKERGOALPOLICE"] = set(close)  # the manager has no relationship close enough, nor a basis
    s.pack_markers |= {"MARKERGOALCOUNCIL", "MARKERGOALPOLICE"}
    # meetings held by the police about the child: one shared under the safeguarding basis, one extra-sensitive
    named = {"police", "police_lead", "key_worker"}
    for marker, sensitive, may_see in (("MARKERMINUTESPOLICE", False, named | {"manager"}),
                                       ("MARKERMINUTESSECRET", True, named)):
        meeting = teamwork.record_meeting(family, kind="team_around_family", held_on=today, minutes=f"{marker} minutes",
                                          category="crime", person_ids=[child.id], attendee_user_ids=[police.id],
                                          extra_sensitive=sensitive, actor=police)
        s.markers[marker] = may_see
        s.ids.setdefault("meetings", []).append(meeting.id)
        s.documents[f"minutes {marker}"] = f"/families/{family.id}/meetings/{meeting.id}/minutes.pdf"
        if sensitive:
            s.extra_sensitive.add(marker)
    statement = teamwork.add_document(family, title="MARKERDOCSECRET neighbour statement", category="crime",
                                      person_ids=[child.id], upload=_Upload(), extra_sensitive=True, actor=police)
    s.ids["documents"] = [statement.id]
    s.markers["MARKERDOCSECRET"] = named
    s.extra_sensitive.add("MARKERDOCSECRET")
    s.documents["progress summary"] = f"/reports/families/{family.id}/progress-summary.pdf"
    claim_round = ClaimRound(month=today.replace(day=1), status=RoundStatus.SAMPLED, window_start=today.replace(day=1),
                             window_end=today.replace(day=1), built_on=today)
    db.session.add(claim_round)
    db.session.flush()
    claim = Claim(round_id=claim_round.id, family_id=family.id, programme="supporting_families",
                  claim_type=ClaimType.RESULTS, rule_set_code="SF-2025", amount_pence=80000, judged_on=today,
                  conditions=[], sampled=True)
    db.session.add(claim)
    db.session.commit()
    s.ids["claim"], s.ids["round"] = claim.id, claim_round.id
    s.documents["evidence pack"] = f"/claims/claims/{claim.id}/evidence-pack.pdf"


class _Upload:
    """A small PDF, as the upload service receives a file from a form."""

    def __init__(self):
        self.stream = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        self.filename, self.mimetype = "statement.pdf", "application/pdf"


def _type_id():
    from tests.integration.cases.conftest import intervention_type_id

    return intervention_type_id()
