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

    agency: Mapped[Agency] = relationship(back_populates="users", lazy="joined")

    @property
    def is_active(self):  # Flask-Login refuses inactive users
        return self.active

    def get_id(self):
        return f"{self.id}.{self.session_generation}"

    def end_sessions(self):
        self.session_generation += 1

    def has_role(self, *roles):
        return self.role in roles

    def __repr__(self):
        return f"<User {self.id} {self.email} {self.role.value}>"
