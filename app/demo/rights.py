"""Demo individual rights: one open subject access request (a mother asking for her son's records, received
ten days ago) and one closed family under a legal hold, both recorded by the IG officer through the services."""
from datetime import timedelta

from sqlalchemy import select

from app.cases.models import CHILD_RELATIONSHIPS, Family, FamilyStatus, Person
from app.extensions import db
from app.rights import services


def seed_rights(ctx) -> None:
    ig = ctx.users.get("ig@demo.test")
    if ig is None:
        return
    child = db.session.scalar(select(Person).join(Family, Family.id == Person.family_id)
                              .where(Family.status != FamilyStatus.CLOSED,
                                     Person.relationship_to_family.in_(CHILD_RELATIONSHIPS))
                              .order_by(Person.id).limit(1))
    if child is not None:
        services.record_request(child, requester_kind="parent_carer", requester_name="Their mother",
                                received_on=ctx.today - timedelta(days=10), verification="known_to_service",
                                verification_note="Known to the key worker; confirmed at a home visit",
                                actor=ig, today=ctx.today)
    closed = db.session.scalar(select(Family).where(Family.status == FamilyStatus.CLOSED)
                               .order_by(Family.closed_on, Family.id).limit(1))
    if closed is not None:
        services.place_hold(closed, reason="Complaint to the Local Government Ombudsman under investigation",
                            actor=ig)
    db.session.flush()
    ctx.counts["subject access requests"] = int(child is not None)
    ctx.counts["legal holds"] = int(closed is not None)
