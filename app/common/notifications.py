"""Notifications: any package calls `notify(...)` when something happens that a person should know.

A notification is shown inside Hearth (the notifications page and the count in the navigation). Outside
Hearth only the outbox carries it, and only as "there is something new to read": the text of a
notification (a reference and what happened) never leaves the building, because email is not a safe
channel for OFFICIAL-SENSITIVE data (app/common/outbox.py, security.md).

`common` sits below `auth`, so it cannot look users up itself. Higher packages register two small
functions at app creation: audiences (`register_audience("triage", resolver)`: who is told about a new
referral) and the address book (user ids to email addresses, for the outbox).

Every trigger passes a `dedupe_key`: the same key for the same user is recorded once, so a trigger that
fires twice (a retry, a second submission, the overdue check running again) notifies once.
"""
from collections.abc import Callable, Iterable

from sqlalchemy import func, select, update

from app.common.notification_models import Notification
from app.common.outbox import queue_message
from app.common.time import utcnow
from app.extensions import db

TEXT_LIMIT = 200
OUTBOX_KIND = "notification"
OUTBOX_SUBJECT = "You have something new to read in Hearth"
OUTBOX_BODY = ("There is something new for you in Hearth. Sign in to read it.\n\n"
               "For your security this email does not say what it is about.")

_AUDIENCES: dict[str, Callable[..., Iterable[int]]] = {}
_address_book: list[Callable[[Iterable[int]], dict[int, str]]] = []


def register_audience(name: str, resolver: Callable[..., Iterable[int]]) -> None:
    """`resolver(**kwargs)` returns the user ids of an audience (for example "triage": who triages referrals)."""
    _AUDIENCES[name] = resolver


def set_address_book(lookup: Callable[[Iterable[int]], dict[int, str]]) -> None:
    """`lookup(user_ids)` returns {user_id: email} for active users who should get an outbox message."""
    _address_book[:] = [lookup]


def notify(user_id: int, kind: str, ref: tuple[str, int] | None, text: str, *, dedupe_key: str, url=None,
           family_id=None, email=True) -> Notification | None:
    """Tell one user. Returns the new notification, or None when this key was already recorded for them.
    `text` must hold references and codes only ("Family HF-000123 has been allocated to you")."""
    if user_id is None:
        return None
    dedupe_key = dedupe_key[:120]
    if db.session.scalar(select(Notification.id).where(Notification.user_id == user_id,
                                                       Notification.dedupe_key == dedupe_key)) is not None:
        return None
    object_type, object_id = ref if ref else (None, None)
    note = Notification(user_id=user_id, kind=kind[:40], object_type=object_type, object_id=object_id,
                        family_id=family_id, text=text[:TEXT_LIMIT], url=url, dedupe_key=dedupe_key)
    db.session.add(note)
    db.session.flush()
    if email and _address_book:
        address = _address_book[0]([user_id]).get(user_id)
        if address:
            # Generic words only: no kind, no reference, no text.
            queue_message(kind=OUTBOX_KIND, recipient=address, subject=OUTBOX_SUBJECT, body=OUTBOX_BODY)
    return note


def notify_audience(audience: str, kind: str, ref, text: str, *, dedupe_key: str, url=None, family_id=None,
                    **resolver_args) -> list[Notification]:
    """Tell everyone in a registered audience (nobody, if no package has registered it)."""
    resolver = _AUDIENCES.get(audience)
    if resolver is None:
        return []
    made = [notify(user_id, kind, ref, text, dedupe_key=dedupe_key, url=url, family_id=family_id)
            for user_id in sorted(set(resolver(family_id=family_id, **resolver_args)))]
    return [n for n in made if n is not None]


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at_utc.is_(None))) or 0


def notifications_for(user_id: int, *, page=1, per_page=20):
    """A page of the user's notifications, newest first."""
    return db.paginate(select(Notification).where(Notification.user_id == user_id)
                       .order_by(Notification.created_at_utc.desc(), Notification.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def mark_read(user_id: int, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when no ids are given); returns how many changed."""
    statement = update(Notification).where(Notification.user_id == user_id, Notification.read_at_utc.is_(None))
    if notification_ids is not None:
        statement = statement.where(Notification.id.in_(list(notification_ids)))
    result = db.session.execute(statement.values(read_at_utc=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount or 0
