"""Demo referrals: from several agencies, in every state, with near-duplicates of people the council
already works with, so the triage page shows the matcher at work.

- Every family still at "referred" gets the accepted referral that brought it in (people linked).
- New referrals wait in the queue, some past the triage target; a few describe someone already known
  the way another agency would write them (a typo, a nickname, day and month swapped, a new address).
- Some referrals are declined with a reason, and two are duplicates of referrals in the queue.
"""
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.cases.models import Family, FamilyStatus, Gender, Person, Relationship
from app.cases.nicknames import variants
from app.common.time import today_london
from app.extensions import db
from app.framework import queries as framework_queries
from app.framework.services import version_in_force
from app.referrals.models import (
    ConsentPosition,
    DeclineReason,
    Referral,
    ReferralPerson,
    ReferralReason,
    ReferralStatus,
    WithoutAgreementBasis,
)
from app.referrals.workdays import add_working_days

REFERRERS = ["police@demo.test", "school@demo.test", "teacher@demo.test", "health@demo.test", "housing@demo.test",
             "keyworker2@demo.test"]
SUMMARIES = [
    "Attendance has fallen below 80% this term and mum says she is struggling to get the children to school.",
    "Police called to the address twice this month after reports of shouting; children present.",
    "Family in rent arrears of about eight weeks and have received a notice seeking possession.",
    "Health visitor concerned about mum's low mood and the baby's weight gain.",
    "Eldest child excluded twice for fighting; parents ask for help with behaviour at home.",
    "Dad recently out of work; family using the food bank and behind on council tax.",
]
FIRST_NAMES = ["Kerry", "Dean", "Mia", "Tyler", "Leah", "Kai", "Jade", "Callum", "Ruby", "Logan", "Amy", "Riley"]
SURNAMES = ["Fletcher", "Holmes", "Pearce", "Dixon", "Gibson", "Hunt", "Lloyd", "Mason", "Webb", "Reid"]


def _person_fields(person: Person) -> dict:
    return {name: getattr(person, name) for name in (
        "given_name", "family_name", "other_names", "date_of_birth", "gender", "relationship_to_family",
        "nhs_number", "upn", "ni_number", "pnc_number")}


def _near_duplicate(rng, person: Person, family: Family, how: str) -> tuple[dict, str | None]:
    """The person as another agency might write them; returns their fields and the referral's postcode."""
    fields = _person_fields(person)
    fields["nhs_number"] = fields["upn"] = fields["ni_number"] = fields["pnc_number"] = None
    postcode = family.postcode
    if how == "typo" and len(person.given_name) > 3:
        i = rng.randrange(1, len(person.given_name) - 1)
        name = person.given_name
        fields["given_name"] = name[:i] + name[i + 1] + name[i] + name[i + 2:]
    elif how == "nickname":
        others = sorted(v for v in variants(person.given_name) if v != person.given_name.lower())
        if others:
            fields["given_name"] = rng.choice(others).capitalize()
    elif how == "swapped" and person.date_of_birth and person.date_of_birth.day <= 12:
        dob = person.date_of_birth
        if dob.day != dob.month:
            fields["date_of_birth"] = dob.replace(day=dob.month, month=dob.day)
    elif how == "moved":
        postcode = f"DM{rng.randint(1, 11)} {rng.randint(1, 9)}AB"
    elif how == "surname":
        fields["family_name"] = rng.choice(SURNAMES)
    return fields, postcode


def _referral(rng, ctx, codes, *, status, received_on, referrer, people, address, **extra) -> Referral:
    version_id = extra.pop("version_id")
    without = rng.random() < 0.15
    referral = Referral(
        status=status, referrer_user_id=referrer.id, referring_agency_id=referrer.agency_id, received_on=received_on,
        summary=rng.choice(SUMMARIES), framework_version_id=version_id,
        consent_position=ConsentPosition.WITHOUT_AGREEMENT if without else ConsentPosition.AGREED,
        without_agreement_basis=rng.choice(list(WithoutAgreementBasis)) if without else None,
        without_agreement_reason="Telling the family now could put the children at greater risk." if without else None,
        created_at_utc=datetime.combine(received_on, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UTC),
        **address, **extra)
    referral.people = [ReferralPerson(position=i, **fields) for i, fields in enumerate(people)]
    chosen = rng.sample(codes, k=min(len(codes), rng.randint(2, 4)))
    referral.reasons = [ReferralReason(headline_code=headline, descriptor_code=code) for headline, code in chosen]
    return referral


def seed_referrals(ctx) -> None:
    rng = ctx.rng("referrals")
    today = ctx.today or today_london()
    version = version_in_force(today)
    if version is None:
        ctx.messages.append("Referrals not seeded: no outcome framework in force")
        return
    codes = [(h.code, d.code) for h in framework_queries.headlines_with_descriptors(version, active_only=True)
             for d in h.descriptors]
    referrers = [ctx.users[email] for email in REFERRERS if email in ctx.users]
    manager = ctx.users.get("manager@demo.test")
    families = list(db.session.scalars(select(Family).options(selectinload(Family.members)).order_by(Family.id)))
    made: list[Referral] = []

    def address_of(family, postcode=None):
        return {"address_line_1": family.address_line_1, "address_line_2": family.address_line_2,
                "town": family.town, "postcode": postcode or family.postcode}

    # Accepted: the referral behind every family still waiting for a key worker, and some attached ones.
    for family in families:
        if family.status != FamilyStatus.REFERRED and rng.random() > 0.15:
            continue
        received = family.created_at_utc.date() if family.created_at_utc else today - timedelta(days=10)
        triaged = min(add_working_days(received, rng.randint(1, 6)), today)
        referral = _referral(rng, ctx, codes, status=ReferralStatus.ACCEPTED, received_on=received,
                             referrer=rng.choice(referrers), people=[_person_fields(p) for p in family.members],
                             address=address_of(family), version_id=version.id, family_id=family.id,
                             triaged_by_user_id=manager.id if manager else None, triaged_on=triaged,
                             triaged_at_utc=datetime.combine(triaged, time(11, 0), tzinfo=UTC))
        for entry, member in zip(referral.people, family.members, strict=True):
            entry.person_id = member.id
        made.append(referral)

    # Waiting: near-duplicates of people already known, and families new to the council.
    known = [f for f in families if f.status not in (FamilyStatus.REFERRED,) and f.members]
    for how in ("typo", "nickname", "swapped", "moved", "surname", "typo", "swapped"):
        family = rng.choice(known)
        adult = family.members[0]
        fields, postcode = _near_duplicate(rng, adult, family, how)
        child = {"given_name": rng.choice(FIRST_NAMES), "family_name": fields["family_name"],
                 "date_of_birth": today - timedelta(days=rng.randint(400, 5000)), "gender": Gender.NOT_KNOWN,
                 "relationship_to_family": Relationship.CHILD}
        received = today - timedelta(days=rng.randint(0, 14))
        made.append(_referral(rng, ctx, codes, status=ReferralStatus.RECEIVED, received_on=received,
                              referrer=rng.choice(referrers), people=[fields, child],
                              address=address_of(family, postcode), version_id=version.id))
    pending_new = []
    for _ in range(8):
        surname = rng.choice(SURNAMES)
        parent = {"given_name": rng.choice(FIRST_NAMES), "family_name": surname,
                  "date_of_birth": today - timedelta(days=rng.randint(20 * 365, 45 * 365)), "gender": Gender.FEMALE,
                  "relationship_to_family": Relationship.PARENT}
        child = {"given_name": rng.choice(FIRST_NAMES), "family_name": surname,
                 "date_of_birth": today - timedelta(days=rng.randint(200, 16 * 365)), "gender": Gender.NOT_KNOWN,
                 "relationship_to_family": Relationship.CHILD}
        postcode = f"DM5 {rng.randint(1, 9)}{rng.choice('ABDEFGH')}{rng.choice('JLNPQ')}"
        address = {"address_line_1": f"{rng.randint(1, 90)} Foundry Walk", "address_line_2": None,
                   "town": "Eastbrook", "postcode": postcode}
        referral = _referral(rng, ctx, codes, status=ReferralStatus.RECEIVED,
                             received_on=today - timedelta(days=rng.randint(0, 20)), referrer=rng.choice(referrers),
                             people=[parent, child], address=address, version_id=version.id)
        made.append(referral)
        pending_new.append(referral)

    # Declined, each with its reason.
    for reason in (DeclineReason.NOT_ELIGIBLE, DeclineReason.OPEN_TO_SOCIAL_CARE, DeclineReason.MOVED_AWAY,
                   DeclineReason.OTHER):
        surname = rng.choice(SURNAMES)
        received = today - timedelta(days=rng.randint(15, 60))
        triaged = min(add_working_days(received, rng.randint(1, 4)), today)
        made.append(_referral(
            rng, ctx, codes, status=ReferralStatus.DECLINED, received_on=received, referrer=rng.choice(referrers),
            people=[{"given_name": rng.choice(FIRST_NAMES), "family_name": surname, "gender": Gender.NOT_KNOWN,
                     "relationship_to_family": Relationship.PARENT, "date_of_birth": None}],
            address={"address_line_1": "3 Canal Side", "address_line_2": None, "town": "Millbrook",
                     "postcode": "DM6 2AB"},
            version_id=version.id, decline_reason=reason,
            triage_note="Signposted to the school nurse drop-in." if reason == DeclineReason.OTHER else None,
            triaged_by_user_id=manager.id if manager else None, triaged_on=triaged,
            triaged_at_utc=datetime.combine(triaged, time(10, 0), tzinfo=UTC)))

    db.session.add_all(made)
    db.session.flush()
    # Two referrals sent again by another agency about a family already in the queue.
    for original in pending_new[:2]:
        copy = _referral(rng, ctx, codes, status=ReferralStatus.DUPLICATE, received_on=original.received_on,
                         referrer=rng.choice(referrers), people=[_copy(p) for p in original.people],
                         address={"address_line_1": original.address_line_1, "address_line_2": None,
                                  "town": original.town, "postcode": original.postcode},
                         version_id=version.id, duplicate_of_id=original.id,
                         triaged_by_user_id=manager.id if manager else None, triaged_on=today,
                         triaged_at_utc=datetime.combine(today, time(9, 30), tzinfo=UTC))
        db.session.add(copy)
        made.append(copy)
    db.session.flush()
    for referral in made:
        referral.reference = f"RF-{referral.id:06d}"
    db.session.flush()
    ctx.counts["referrals"] = len(made)


def _copy(entry: ReferralPerson) -> dict:
    return {name: getattr(entry, name) for name in (
        "given_name", "family_name", "other_names", "date_of_birth", "gender", "relationship_to_family",
        "nhs_number", "upn", "ni_number", "pnc_number")}

