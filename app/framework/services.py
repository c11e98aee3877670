"""Changes to the outcome framework. Services flush; the request boundary (or the CLI) commits.

Every change is audited with codes and ids only. Descriptor codes never change once created: needs,
referrals and exports store them.
"""
from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.framework.catalogue import DEFAULT_CATALOGUE, VersionSpec
from app.framework.categories import DataCategory
from app.framework.models import Descriptor, FrameworkVersion, HeadlineOutcome, Programme
from app.framework.rules import Comparison, InvalidDescriptor, MeasureKind, PeriodUnit, descriptor_problems


class FrameworkError(ValueError):
    """A change to the framework that the rules refuse; the message is fit to show."""


class DescriptorAlreadyRetired(FrameworkError):
    pass


class DescriptorNotRetired(FrameworkError):
    pass


EDITABLE_FIELDS = ("description", "measure", "resolved_when", "measure_kind", "comparison", "threshold",
                   "consecutive_periods", "period_unit", "category")

_ENUM_FIELDS = {"measure_kind": MeasureKind, "comparison": Comparison, "period_unit": PeriodUnit,
                "category": DataCategory}


def _clean(data: Mapping) -> dict:
    clean = {field: data.get(field) for field in EDITABLE_FIELDS}
    for field in ("description", "measure", "resolved_when"):
        clean[field] = (clean[field] or "").strip()
    if clean["threshold"] is not None:
        # Stored as NUMERIC(8, 2): round here so what is checked is what is kept.
        clean["threshold"] = round(float(clean["threshold"]), 2)
    return clean


def _check(data: dict, headline: HeadlineOutcome, *, code: str | None = None, exclude_id: int | None = None):
    problems = descriptor_problems({**data, "code": code}, headline.code, check_code=code is not None)
    if code is not None and "code" not in problems:
        taken = select(Descriptor.id).where(Descriptor.version_id == headline.version_id, Descriptor.code == code)
        if exclude_id is not None:
            taken = taken.where(Descriptor.id != exclude_id)
        if db.session.scalar(taken) is not None:
            problems["code"] = "A descriptor with that code already exists in this version of the framework"
    if problems:
        raise InvalidDescriptor(problems)
    # Checked: now the codes can become their enums.
    for field, enum_cls in _ENUM_FIELDS.items():
        data[field] = enum_cls(data[field])
    data["consecutive_periods"] = int(data["consecutive_periods"])


def add_descriptor(headline: HeadlineOutcome, data: Mapping, *, actor=None) -> Descriptor:
    """Add a descriptor at the end of `headline`. Raises InvalidDescriptor with a message per field."""
    code = (data.get("code") or "").strip()
    clean = _clean(data)
    _check(clean, headline, code=code)
    last = db.session.scalar(select(func.max(Descriptor.order)).where(Descriptor.headline_id == headline.id))
    descriptor = Descriptor(version_id=headline.version_id, headline=headline, code=code,
                            order=(last or 0) + 1, active=True, **clean)
    db.session.add(descriptor)
    db.session.flush()
    audit.record("FrameworkDescriptorAdded", actor=actor, object_type="framework_descriptor",
                 object_id=descriptor.id, version_id=headline.version_id, headline=headline.code, code=code,
                 category=descriptor.category.value)
    return descriptor


def update_descriptor(descriptor: Descriptor, data: Mapping, *, actor=None) -> Descriptor:
    """Change what a descriptor says and how it is resolved; its code stays. Audits the fields changed."""
    clean = _clean(data)
    _check(clean, descriptor.headline)
    changed = sorted(field for field, value in clean.items() if getattr(descriptor, field) != value)
    if not changed:
        return descriptor
    for field in changed:
        setattr(descriptor, field, clean[field])
    db.session.flush()
    audit.record("FrameworkDescriptorUpdated", actor=actor, object_type="framework_descriptor",
                 object_id=descriptor.id, version_id=descriptor.version_id, code=descriptor.code, fields=changed)
    return descriptor


def retire_descriptor(descriptor: Descriptor, *, actor=None) -> Descriptor:
    """Stop offering a descriptor for new needs; needs already recorded against it keep it."""
    if not descriptor.active:
        raise DescriptorAlreadyRetired("This descriptor has already been retired")
    descriptor.active = False
    db.session.flush()
    audit.record("FrameworkDescriptorRetired", actor=actor, object_type="framework_descriptor",
                 object_id=descriptor.id, version_id=descriptor.version_id, code=descriptor.code)
    return descriptor


def reinstate_descriptor(descriptor: Descriptor, *, actor=None) -> Descriptor:
    if descriptor.active:
        raise DescriptorNotRetired("This descriptor is in use")
    descriptor.active = True
    db.session.flush()
    audit.record("FrameworkDescriptorReinstated", actor=actor, object_type="framework_descriptor",
                 object_id=descriptor.id, version_id=descriptor.version_id, code=descriptor.code)
    return descriptor


def _seed_version(spec: VersionSpec, counts: dict) -> None:
    version = db.session.scalar(select(FrameworkVersion).where(FrameworkVersion.code == spec.code))
    if version is None:
        version = FrameworkVersion(code=spec.code, name=spec.name, programme=spec.programme,
                                   effective_from=spec.effective_from, effective_to=spec.effective_to)
        db.session.add(version)
        db.session.flush()
        counts["versions"] += 1
    headlines = {h.code: h for h in db.session.scalars(
        select(HeadlineOutcome).where(HeadlineOutcome.version_id == version.id))}
    existing_codes = set(db.session.scalars(select(Descriptor.code).where(Descriptor.version_id == version.id)))
    for h_order, h_spec in enumerate(spec.headlines, start=1):
        headline = headlines.get(h_spec.code)
        if headline is None:
            headline = HeadlineOutcome(version_id=version.id, code=h_spec.code, name=h_spec.name, order=h_order)
            db.session.add(headline)
            db.session.flush()
            counts["headlines"] += 1
        for d_order, d_spec in enumerate(h_spec.descriptors, start=1):
            # Only what is missing is added: a council's edits to seeded descriptors are kept.
            if d_spec.code in existing_codes:
                continue
            data = d_spec.as_dict()
            problems = descriptor_problems(data, h_spec.code)
            if problems:
                raise InvalidDescriptor(problems)
            db.session.add(Descriptor(version_id=version.id, headline_id=headline.id, order=d_order, active=True,
                                      **data))
            counts["descriptors"] += 1
    db.session.flush()


def seed_default_framework(catalogue=DEFAULT_CATALOGUE, *, actor=None) -> dict:
    """Load the default catalogue, adding only what is missing. Returns the numbers of rows added."""
    counts = {"versions": 0, "headlines": 0, "descriptors": 0}
    for spec in catalogue:
        _seed_version(spec, counts)
    if any(counts.values()):
        audit.record("FrameworkSeeded", actor=actor, object_type="framework", **counts)
    return counts


def version_in_force(on_date: date, programme: Programme | str | None = None) -> FrameworkVersion | None:
    """The framework version in force on `on_date` (for `programme` if given), or None.

    Should two versions overlap, the one that started later wins: it is the newer rule."""
    query = select(FrameworkVersion).where(
        FrameworkVersion.effective_from <= on_date,
        (FrameworkVersion.effective_to.is_(None)) | (FrameworkVersion.effective_to >= on_date),
    )
    if programme is not None:
        query = query.where(FrameworkVersion.programme == Programme(programme))
    return db.session.scalar(query.order_by(FrameworkVersion.effective_from.desc(), FrameworkVersion.id.desc())
                             .limit(1))
