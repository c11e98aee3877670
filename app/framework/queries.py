"""Reads of the outcome framework. Every multi-row read is ordered; descriptors are eager-loaded."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.framework.models import Descriptor, FrameworkVersion, HeadlineOutcome


def list_versions() -> list[FrameworkVersion]:
    """Newest first."""
    return list(db.session.scalars(
        select(FrameworkVersion).order_by(FrameworkVersion.effective_from.desc(), FrameworkVersion.id.desc())))


def version_by_code(code: str) -> FrameworkVersion | None:
    return db.session.scalar(select(FrameworkVersion).where(FrameworkVersion.code == code))


def headlines_with_descriptors(version: FrameworkVersion, *, active_only: bool = False) -> list[HeadlineOutcome]:
    """The version's headlines in order, each with its descriptors loaded in order (two queries in all).

    With `active_only`, retired descriptors are left out of each headline's list."""
    loader = selectinload(HeadlineOutcome.descriptors)
    if active_only:
        loader = selectinload(HeadlineOutcome.descriptors.and_(Descriptor.active.is_(True)))
    return list(db.session.scalars(
        select(HeadlineOutcome).where(HeadlineOutcome.version_id == version.id)
        .options(loader).order_by(HeadlineOutcome.order, HeadlineOutcome.id)))


def descriptor_by_code(version: FrameworkVersion, code: str) -> Descriptor | None:
    return db.session.scalar(
        select(Descriptor).where(Descriptor.version_id == version.id, Descriptor.code == code)
        .options(selectinload(Descriptor.headline)))


def valid_reason_codes(version: FrameworkVersion) -> list[str]:
    """Codes of the version's active descriptors, in framework order: what a referral may give as a reason."""
    return list(db.session.scalars(
        select(Descriptor.code).join(HeadlineOutcome, Descriptor.headline_id == HeadlineOutcome.id)
        .where(Descriptor.version_id == version.id, Descriptor.active.is_(True))
        .order_by(HeadlineOutcome.order, Descriptor.order, Descriptor.id)))


def get_descriptor(descriptor_id: int) -> Descriptor | None:
    return db.session.scalar(
        select(Descriptor).where(Descriptor.id == descriptor_id)
        .options(selectinload(Descriptor.headline).selectinload(HeadlineOutcome.version)))


def get_headline(headline_id: int) -> HeadlineOutcome | None:
    return db.session.scalar(
        select(HeadlineOutcome).where(HeadlineOutcome.id == headline_id).options(selectinload(HeadlineOutcome.version)))
