"""Factories for test data: real rows through the real models, with sensible defaults."""
import itertools

from app.auth.models import Agency, AgencyKind, Role, User
from app.auth.passwords import hash_password
from app.extensions import db

TEST_PASSWORD = "correct-horse-battery-staple-42"
_counter = itertools.count(1)
_HASH = hash_password(TEST_PASSWORD)  # hashing is slow on purpose; do it once


class Factory:
    def agency(self, kind="early_help", name=None):
        n = next(_counter)
        agency = Agency(name=name or f"Test {AgencyKind(kind).label} {n}", kind=AgencyKind(kind))
        db.session.add(agency)
        db.session.flush()
        return agency

    def user(self, role="key_worker", agency=None, agency_kind=None, email=None, name=None,
             is_designated_lead=False, active=True):
        n = next(_counter)
        if agency is None:
            agency = self.agency(agency_kind or "early_help")
        user = User(email=email or f"user{n}@test.example", name=name or f"Test User {n}", role=Role(role),
                    agency=agency, is_designated_lead=is_designated_lead, active=active, password_hash=_HASH)
        db.session.add(user)
        db.session.flush()
        return user
