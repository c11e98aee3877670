"""Demo: one parent at risk of domestic abuse, in a family the first demo key worker leads with the
domestic abuse service on the team, so the demo shows a safe address withheld ("Address withheld: safe
address") to everyone but the lead practitioner, IG officers and the service's designated leads."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import AgencyKind
from app.cases.models import Family, FamilyStatus, Person, Relationship, TeamMember
from app.extensions import db

LEAD = "keyworker@demo.test"


def seed_safe_address(ctx) -> None:
    lead = ctx.users[LEAD]
    women_aid = ctx.agencies[AgencyKind.DOMESTIC_ABUSE]
    person = db.session.scalar(
        select(Person).join(Family, Family.id == Person.family_id)
        .where(Family.lead_practitioner_id == lead.id, Family.status == FamilyStatus.ACTIVE,
               Family.address_line_1.is_not(None), Person.relationship_to_family == Relationship.PARENT,
               Person.lives_apart.is_(False), Person.left_household_on.is_(None),
               select(TeamMember.id).where(TeamMember.family_id == Family.id,
                                           TeamMember.agency_id == women_aid.id).exists())
        .order_by(Family.id, Person.id).limit(1))
    if person is None:
        return
    person.at_risk_since, person.at_risk_recorded_by_id = ctx.today - timedelta(days=40), lead.id
    db.session.flush()
    ctx.counts["safe addresses"] = 1
    ctx.messages.append(f"Safe address: {person.full_name} in family {person.family.reference} "
                        f"(led by {LEAD}; the address shows as withheld to others)")
