"""Safe addresses through the real routes: a family came in by referral at one address, moved to a refuge,
and the mother is recorded at risk. Both addresses carry marker strings; every page of the family record,
the search, the referral, the PDFs, the exports and the partner API are fetched as every kind of user, and
the markers reach only the lead practitioner, the domestic abuse service's designated lead and IG officers.
Also: the flag page (who may use it, audited), search and matching that never find a family through a
hidden postcode."""
import io
import re
import subprocess
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from app.api import services as api_services
from app.audit.models import AuditEvent
from app.cases import matching
from app.cases import services as cases
from app.cases.models import FamilyAddress, FamilyStatus, Person
from app.common.time import today_london
from app.extensions import db
from app.referrals import services as referrals
from app.reporting import reports
from app.sharing.safe_address import WITHHELD
from app.teamwork import services as teamwork
from tests.conftest import post_form, signed_in_client
from tests.integration.referrals.helpers import person, referral

FORMER = ("2 Marker Former Road", "BD7 1DP")
REFUGE = ("7 Marker Refuge Lane", "LS9 8QX")
MARKERS = ("Marker Former Road", "BD7 1DP", "Marker Refuge Lane", "LS9 8QX")
PERMITTED = {"lead", "da_lead", "ig"}


def _text_of(response) -> str:
    body = response.get_data()
    if body.startswith(b"%PDF"):
        return subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()
    if body.startswith(b"PK"):
        book = openpyxl.load_workbook(io.BytesIO(body))
        return " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
    return body.decode("utf-8", "replace")


@pytest.fixture
def refuge(app, factory):
    today = today_london()
    council, police, da, health = (factory.agency(k) for k in ("early_help", "police", "domestic_abuse", "health"))
    users = {
        "lead": factory.user("key_worker", agency=council),
        "key_worker": factory.user("key_worker", agency=council),
        "police": factory.user("practitioner", agency=police),
        "police_lead": factory.user("practitioner", agency=police, is_designated_lead=True),
        "da_lead": factory.user("practitioner", agency=da, is_designated_lead=True),
        "da_worker": factory.user("practitioner", agency=da),
        "health_lead": factory.user("practitioner", agency=health, is_designated_lead=True),
        "manager": factory.user("programme_manager", agency=council),
        "ig": factory.user("ig_officer", agency=council),
        "finance": factory.user("finance_officer", agency=council),
        "auditor": factory.user("internal_auditor", agency=council),
        "admin": factory.user("admin", agency=council),
        "agency_admin": factory.user("agency_admin", agency=police),
        "teacher": factory.user("practitioner", agency_kind="school"),  # not on the team
    }
    sent = referral(users["police"], address_line_1=FORMER[0], postcode=FORMER[1],
                    received_on=today - timedelta(days=120),
                    people=[person("Mara", "Quill", date(1988, 1, 5)),
                            person("Kit", "Quill", today.replace(year=today.year - 9), "child")])
    family = referrals.accept_into_new_family(sent, actor=users["manager"])
    attached = today - timedelta(days=90)
    cases.set_lead_practitioner(family, users["lead"], actor=users["manager"], on=attached)
    family.status, family.attached_on = FamilyStatus.ATTACHED, attached
    for who, role in (("key_worker", "Family worker"), ("police", "Neighbourhood officer"),
                      ("da_worker", "Domestic abuse advocate"), ("health_lead", "Health visitor")):
        cases.add_team_member(family, role_description=role, user=users[who], joined_on=attached)
    cases.change_address(family, address_line_1=REFUGE[0], town="Hiddenham", postcode=REFUGE[1],
                         moved_in_on=today - timedelta(days=30), actor=users["lead"])
    mum = db.session.scalar(select(Person).where(Person.family_id == family.id, Person.given_name == "Mara"))
    meeting = teamwork.record_meeting(family, kind="team_around_family", held_on=today,
                                      minutes="Safety planning", attendee_user_ids=[users["lead"].id],
                                      actor=users["lead"])
    db.session.commit()
    _, token = api_services.create_client(agency=police, name="Police system")
    db.session.commit()
    return {"family": family, "users": users, "mum": mum, "referral": sent, "meeting": meeting, "token": token}


def _record_at_risk(app, refuge, who="lead", since=None):
    since = since or today_london() - timedelta(days=10)
    client = signed_in_client(app, refuge["users"][who])
    url = f"/families/{refuge['family'].id}/members/{refuge['mum'].id}/safe-address"
    return client.get(url), post_form(client, url, {"at_risk": "yes", "since": _date_parts(since)})


def _date_parts(day):
    return [str(day.day), str(day.month), str(day.year)]


def _family_urls(app, family, meeting):
    """Every page, PDF and export about this one family that takes no other argument, and a few that do."""
    urls = [re.sub(r"<int:family_id>", str(family.id), rule.rule) for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.arguments == {"family_id"}]
    return [*urls, f"/families/{family.id}/meetings/{meeting.id}/minutes.pdf", f"/families/{family.id}/members"]


def test_the_markers_reach_only_the_lead_the_domestic_abuse_lead_and_ig(app, refuge):
    get, post = _record_at_risk(app, refuge)
    assert get.status_code == 200 and post.status_code == 302
    family = refuge["family"]
    urls = [
        *_family_urls(app, family, refuge["meeting"]),
        f"/families/search?q={REFUGE[1].replace(' ', '+')}", f"/families/search?q={FORMER[1].replace(' ', '+')}",
        f"/referrals/{refuge['referral'].id}", f"/referrals/{refuge['referral'].id}/triage",
        f"/referrals/people/{refuge['mum'].id}/duplicates",
        f"/information-governance/families/{family.id}/access"]
    seen = {}
    for name, user in refuge["users"].items():
        client = signed_in_client(app, user)
        responses = [client.get(url) for url in urls]
        # The search box shows back what was typed: that is the searcher's own text, not the family's.
        text = " ".join(re.sub(r'<input[^>]*name="q"[^>]*>', "", _text_of(r)) for r in responses
                        if r.status_code == 200)
        seen[name] = {m for m in MARKERS if m in text}
        if name not in PERMITTED:
            assert seen[name] == set(), name
    # Not over-hidden: those named see both addresses on the family's pages.
    assert seen["lead"] == set(MARKERS) and seen["da_lead"] == set(MARKERS)
    addresses = signed_in_client(app, refuge["users"]["police"]).get(f"/families/{family.id}/addresses")
    assert addresses.get_data(as_text=True).count(WITHHELD) == 3  # current, and both rows of the history


def test_the_partner_api_never_carries_the_address(app, refuge):
    _record_at_risk(app, refuge)
    response = app.test_client().get(f"/api/v1/families/{refuge['family'].reference}",
                                     headers={"Authorization": f"Bearer {refuge['token']}"})
    assert response.status_code == 200
    assert not any(m in response.get_data(as_text=True) for m in MARKERS)


def test_a_return_to_government_withholds_the_safe_address(app, refuge):
    _record_at_risk(app, refuge)
    entry, _ = reports.generate("nis-extract", today_london().strftime("%Y-%m"))
    db.session.commit()
    response = signed_in_client(app, refuge["users"]["ig"]).get(f"/reports/archive/{entry.id}/download")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Quill" in text
    assert not any(m in text for m in MARKERS) and WITHHELD in text


def test_the_step_up_pack_is_for_another_agency_so_even_the_lead_gets_no_address(app, refuge):
    _record_at_risk(app, refuge)
    family = refuge["family"]
    family.closure_reason = "stepped_up"
    db.session.commit()
    response = signed_in_client(app, refuge["users"]["lead"]).get(f"/families/{family.id}/step-up-pack.pdf")
    text = _text_of(response)
    assert response.status_code == 200 and WITHHELD in text
    assert not any(m in text for m in MARKERS)


def test_only_the_lead_or_ig_may_record_the_flag_and_each_change_is_audited(app, refuge):
    url = f"/families/{refuge['family'].id}/members/{refuge['mum'].id}/safe-address"
    for who in ("key_worker", "police", "da_lead", "manager", "finance"):
        assert signed_in_client(app, refuge["users"][who]).get(url).status_code == 404, who

    ig = signed_in_client(app, refuge["users"]["ig"])
    future = today_london() + timedelta(days=3)
    bad = post_form(ig, url, {"at_risk": "yes", "since": _date_parts(future)})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "govuk-error-summary" in page and "today or in the past" in page
    assert f'value="{future.day}"' in page  # what was typed is kept
    missing = post_form(ig, url, {})
    assert "Select whether the person is at risk" in missing.get_data(as_text=True)
    _, done = _record_at_risk(app, refuge, who="ig")
    assert done.status_code == 302
    db.session.expire_all()
    assert refuge["mum"].at_risk_since is not None

    cleared = post_form(signed_in_client(app, refuge["users"]["lead"]), url, {"at_risk": "no"})
    assert cleared.status_code == 302
    db.session.expire_all()
    assert refuge["mum"].at_risk_since is None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.person_id == refuge["mum"].id)).all()
    assert "SafeAddressFlagRecorded" in actions and "SafeAddressFlagCleared" in actions
    # Cleared: everyone on the team sees the address again.
    page = signed_in_client(app, refuge["users"]["police"]).get(f"/families/{refuge['family'].id}/addresses")
    assert REFUGE[0] in page.get_data(as_text=True)


def test_search_and_matching_never_use_a_hidden_postcode(app, refuge):
    _record_at_risk(app, refuge)
    users = refuge["users"]
    for who, found in (("manager", False), ("police", False), ("lead", True)):
        page = signed_in_client(app, users[who]).get(f"/families/search?q={REFUGE[1].replace(' ', '+')}")
        text = page.get_data(as_text=True)
        results = text[text.find("<main"):]
        assert (f'href="/families/{refuge["family"].id}"' in results) is found, (who, results[:3000])
    probe = matching.PersonProbe(given_name="Zara", family_name="Nobody", date_of_birth=None, postcode=REFUGE[1])
    assert matching.candidates_for(probe, viewer=users["manager"]) == []
    assert matching.candidates_for(probe) == []  # nobody: a system import
    assert {c.family_id for c in matching.candidates_for(probe, viewer=users["lead"])} == {refuge["family"].id}
    # Found another way (name and date of birth), the candidate's postcode is unknown to the manager.
    mara = matching.PersonProbe(given_name="Mara", family_name="Quill", date_of_birth=date(1988, 1, 5),
                                postcode=REFUGE[1])
    [match] = matching.find_people(mara, viewer=users["manager"])
    assert match.candidate.postcode is None
    assert all(REFUGE[1] not in c.note for c in (*match.matched, *match.differed))


def test_history_rows_are_hidden_only_while_the_person_lived_there(app, refuge):
    _record_at_risk(app, refuge)
    rows = db.session.scalars(select(FamilyAddress).where(FamilyAddress.family_id == refuge["family"].id)).all()
    assert len(rows) == 2
    cases.mark_left_household(refuge["mum"], today_london() - timedelta(days=1), actor=refuge["users"]["lead"])
    db.session.commit()
    # She has left: the family's home is no longer where she lives, so it shows again; the former address,
    # where she lived with them, stays hidden.
    page = signed_in_client(app, refuge["users"]["police"]).get(f"/families/{refuge['family'].id}/addresses")
    text = page.get_data(as_text=True)
    assert text.count(WITHHELD) == 1 and REFUGE[0] in text and FORMER[0] not in text
