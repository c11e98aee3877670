"""Factories for test data: real rows through the real models, with sensible defaults."""
import itertools

from app.auth.models import Agency, AgencyKind, Role, User
from app.auth.passwords import hash_password
from app.extensions import db

TEST_PASSWORD = "correct-horse-battery-staple-42"
_counter = itertools.count(1)
_HASH = hash_password(TEST_PASSWORD)  # hashing is slow on purpose; do it once


def _save(obj):
    # Committed (in a test, a savepoint released): the row exists before the request, as real data would,
    # so a refused request's rollback cannot erase it. The test's outer transaction still rolls it back.
    db.session.add(obj)
    db.session.commit()


class Factory:
    def agency(self, kind="early_help", name=None):
        n = next(_counter)
        agency = Agency(name=name or f"Test {AgencyKind(kind).label} {n}", kind=AgencyKind(kind))
        _save(agency)
        return agency

    def user(self, role="key_worker", agency=None, agency_kind=None, email=None, name=None,
             is_designated_lead=False, active=True):
        n = next(_counter)
        if agency is None:
            agency = self.agency(agency_kind or "early_help")
        user = User(email=email or f"user{n}@test.example", name=name or f"Test User {n}", role=Role(role),
                    agency=agency, is_designated_lead=is_designated_lead, active=active, password_hash=_HASH)
        _save(user)
        return user

    def enrol_mfa(self, user, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"):
        """Give a user an authenticator app (TOTP secret); codes come from pyotp.TOTP(secret)."""
        from app.common.time import utcnow

        user.mfa_secret, user.mfa_enrolled_at_utc, user.mfa_last_time_step = secret, utcnow(), None
        _save(user)
        return secret
