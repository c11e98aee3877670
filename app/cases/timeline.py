"""The family timeline, assembled from providers (dependency inversion).

`cases` defines the interface and merges; referrals, outcomes and teamwork register providers when
the app is created, so `cases` never imports them. The merge costs the same whatever the family's
history: each provider contributes one SELECT of common labelled columns (occurred_at, kind, item_id,
agency_id, category); the SELECTs are joined with UNION ALL, filtered, ordered (newest first, then
kind and id, so the order is total) and paginated in SQL. Then each provider hydrates only its own
items on the page, in one query, and the page decides per item with the sharing policy whether to
show its content or a withheld placeholder.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.cases.visibility import content_decision, withheld_text
from app.extensions import db
from app.sharing.policy import FamilyTies, RecordFacts, Viewer

COLUMNS = ("occurred_at", "kind", "item_id", "agency_id", "category")
PER_PAGE = 20


class as_timestamp(FunctionElement):
    """A date or timestamp column as a timestamp, so providers with dates and with times can be merged
    in one UNION: PostgreSQL needs the cast; SQLite stores both as ISO text that sorts correctly."""

    type = sa.DateTime(timezone=True)
    inherit_cache = True
    name = "as_timestamp"


@compiles(as_timestamp)
def _as_timestamp_default(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(as_timestamp, "postgresql")
def _as_timestamp_postgresql(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS TIMESTAMP WITH TIME ZONE)"


def row(occurred_at, kind: str, item_id, agency_id, category=None) -> list:
    """The labelled columns a provider's SELECT must have, in order."""
    category = sa.cast(category, sa.String(40)) if category is not None else sa.cast(sa.null(), sa.String(40))
    return [as_timestamp(occurred_at).label("occurred_at"), sa.literal(kind, sa.String(40)).label("kind"),
            item_id.label("item_id"), sa.cast(agency_id, sa.Integer).label("agency_id"), category.label("category")]


@dataclass
class TimelineItem:
    """One entry as a provider hydrates it. `facts` None means operational (shown to anyone who may
    open the family); otherwise the policy decides and the page shows `withheld` instead of `body`."""

    kind: str
    item_id: int
    when: date | datetime
    title: str
    agency_name: str | None = None
    category: object = None
    body: str | None = None
    people: list = field(default_factory=list)
    href: str | None = None
    facts: RecordFacts | None = None
    withheld: str | None = None
    label: str = ""  # what kind of record, for the withheld text ("Intervention")


@dataclass(frozen=True)
class TimelineContext:
    family_id: int
    ties: FamilyTies
    viewer: Viewer


@dataclass(frozen=True)
class TimelineProvider:
    kind: str
    label: str  # shown in the filter and in withheld texts: "Intervention"
    select: Callable[[int], sa.Select]  # family id -> SELECT of `row(...)` columns
    hydrate: Callable[[Sequence[int], TimelineContext], dict[int, TimelineItem]]  # one query for the page's ids
    order: int = 50


_PROVIDERS: dict[str, TimelineProvider] = {}


def register_provider(provider: TimelineProvider) -> None:
    _PROVIDERS[provider.kind] = provider


def providers() -> list[TimelineProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.kind))


@dataclass
class TimelinePage:
    items: list[TimelineItem]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1

    def iter_pages(self, **_):
        return range(1, self.pages + 1) if self.pages <= 9 else _window(self.page, self.pages)


def _window(current, last):
    shown = sorted({1, 2, last - 1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    out, previous = [], 0
    for number in shown:
        if number - previous > 1:
            out.append(None)
        out.append(number)
        previous = number
    return out


def timeline_query(family_id: int, *, agency_id: int | None = None, category: str | None = None,
                   kinds: Sequence[str] | None = None):
    """The merged, filtered subquery of every provider's rows for one family."""
    chosen = [p for p in providers() if kinds is None or p.kind in kinds]
    if not chosen:
        return None
    merged = sa.union_all(*(p.select(family_id) for p in chosen)).subquery("timeline")
    query = sa.select(*(merged.c[name] for name in COLUMNS))
    if agency_id is not None:
        query = query.where(merged.c.agency_id == agency_id)
    if category:
        query = query.where(merged.c.category == category)
    return query.subquery("filtered")


def timeline_page(ctx: TimelineContext, *, agency_id=None, category=None, page=1, per_page=PER_PAGE) -> TimelinePage:
    filtered = timeline_query(ctx.family_id, agency_id=agency_id, category=category)
    if filtered is None:
        return TimelinePage([], 0, 1, per_page)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(filtered))
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = db.session.execute(
        sa.select(filtered.c.kind, filtered.c.item_id)
        .order_by(filtered.c.occurred_at.desc(), filtered.c.kind, filtered.c.item_id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    wanted: dict[str, list[int]] = {}
    for kind, item_id in rows:
        wanted.setdefault(kind, []).append(item_id)
    hydrated = {kind: _PROVIDERS[kind].hydrate(ids, ctx) for kind, ids in wanted.items()}
    items = []
    for kind, item_id in rows:
        item = hydrated[kind].get(item_id)
        if item is None:
            continue
        if item.facts is not None:
            decision = content_decision(ctx.viewer, item.facts)
            if not decision:
                item.withheld = withheld_text(item.label or _PROVIDERS[kind].label, item.agency_name or "another "
                                              "agency", item.category, decision)
                item.title, item.body, item.people = item.label or _PROVIDERS[kind].label, None, []
        items.append(item)
    return TimelinePage(items, total, page, per_page)
