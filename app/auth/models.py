"""Agencies and the people who sign in to Hearth."""
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db


class AgencyKind(CodeEnum):
    EARLY_HELP = ("early_help", "Council early help")
    SOCIAL_CARE = ("social_care", "Children's social care")
    SCHOOL = ("school", "School or academy")
    POLICE = ("police", "Police")
    YOUTH_JUSTICE = ("youth_justice", "Probation or youth justice")
    HEALTH = ("health", "Health")
    HOUSING = ("housing", "Housing")
    EMPLOYMENT = ("employment", "Employment support")
    DOMESTIC_ABUSE = ("domestic_abuse", "Domestic abuse service")
    VOLUNTARY = ("voluntary", "Voluntary sector")


class Role(CodeEnum):
    KEY_WORKER = ("key_worker", "Key worker")
    PRACTITIONER = ("practitioner", "Agency practitioner")
    PROGRAMME_MANAGER = ("programme_manager", "Programme manager")
    FINANCE_OFFICER = ("finance_officer", "Finance officer")
    INTERNAL_AUDITOR = ("internal_auditor", "Internal auditor")
    IG_OFFICER = ("ig_officer", "Information governance officer")
    AGENCY_ADMIN = ("agency_admin", "Agency administrator")
    ADMIN = ("admin", "Administrator")


class Agency(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "agencies"

    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[AgencyKind] = mapped_column(enum_column_type(AgencyKind, "agency_kind"))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    users: Mapped[list["User"]] = relationship(back_populates="agency", order_by="User.name")

    def __repr__(self):
        return f"<Agency {self.id} {self.name}>"


class User(UserMixin, IdMixin, TimestampMixin, db.Model):
    """A person who signs in. `session_generation` is part of the session's user id, so raising it
    (disable, role change, "end sessions") ends every open session at its next request."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "user_role"))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    is_designated_lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    session_generation: Mapped[int] = mapped_column(default=1, server_default="1")
    last_signed_in_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # TOTP: the shared secret once enrolment is confirmed, and the last time-step accepted, so a code
    # (even one still inside its 30-second window) works once.
    mfa_secret: Mapped[str | None] = mapped_column(sa.String(64))
    mfa_enrolled_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    mfa_last_time_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    agency: Mapped[Agency] = relationship(back_populates="users", lazy="joined")

    @property
    def is_active(self):  # Flask-Login refuses inactive users
        return self.active

    def get_id(self):
        return f"{self.id}.{self.session_generation}"

    def end_sessions(self):
        self.session_generation += 1

    @property
    def has_mfa(self):
        return self.mfa_secret is not None

    def has_role(self, *roles):
        return self.role in roles

    def __repr__(self):
        return f"<User {self.id} {self.email} {self.role.value}>"


class RecoveryCode(IdMixin, TimestampMixin, db.Model):
    """A one-time MFA recovery code, stored only as an Argon2id hash; `used_at_utc` spends it."""

    __tablename__ = "mfa_recovery_codes"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class PasswordResetToken(IdMixin, TimestampMixin, db.Model):
    """An admin-issued reset link. Only the SHA-256 of the token is stored (the token is 256 random
    bits, so a fast hash is enough); it works once (`used_at_utc`) and until `expires_at_utc`."""

    __tablename__ = "password_reset_tokens"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    issued_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expires_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    __table_args__ = (sa.CheckConstraint("length(token_hash) = 64", name="token_hash_length"),)
