"""The outbox: every message Hearth would send is a row in `outbox_messages`, written in the same
transaction as the change that causes it, and handed to a pluggable sender later.

Hearth has no mail server of its own. A council connects its mail relay or GOV.UK Notify by
registering a `Sender` at app creation (`set_sender(app, sender)`); until then messages stay queued
and the pages that cause them show the person what to pass on (a reset link is shown to the admin).

Content rule: a message about an account (a password reset link, for one) may carry that link,
because it goes only to the account holder. A message about a family must NEVER carry personal
content: no names, dates of birth, addresses, case notes or needs. Say only that there is something
to look at in Hearth ("You have a new task in Hearth"), with a link that requires sign-in. Email is
not a safe channel for OFFICIAL-SENSITIVE data, and the outbox table itself is kept longer than the
people it would name.
"""
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from app.common.outbox_models import OutboxMessage, OutboxStatus
from app.common.time import utcnow
from app.extensions import db

_EXTENSION_KEY = "hearth_outbox_sender"


class SendFailed(Exception):
    """Raised by a sender when a message could not be delivered; the message is retried later."""


class Sender(Protocol):
    """Delivers one message (a mail relay, GOV.UK Notify, ...). Raises SendFailed when it cannot."""

    name: str

    def send(self, message: OutboxMessage) -> None: ...


class KeepQueuedSender:
    """The default: no delivery at all, so nothing leaves the building until a council says how."""

    name = "none"

    def send(self, message):
        raise SendFailed("no sender is configured")


def set_sender(app, sender: Sender):
    app.extensions[_EXTENSION_KEY] = sender


def get_sender(app=None) -> Sender:
    return (app or current_app).extensions.get(_EXTENSION_KEY) or KeepQueuedSender()


def queue_message(*, kind, recipient, subject, body, created_by_user_id=None) -> OutboxMessage:
    """Record a message to send (flushes; the caller's transaction commits it with the change)."""
    message = OutboxMessage(kind=kind[:40], recipient=recipient, subject=subject[:200], body=body,
                            created_by_user_id=created_by_user_id)
    db.session.add(message)
    db.session.flush()
    return message


def deliver_queued(sender: Sender | None = None, *, limit=100, max_attempts=5) -> int:
    """Hand queued messages to the sender, oldest first; returns how many were sent. For the scheduler,
    which commits once at its end."""
    sender = sender or get_sender()
    if isinstance(sender, KeepQueuedSender):
        return 0
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.QUEUED)
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    sent = 0
    for message in messages:
        message.attempts += 1
        try:
            sender.send(message)
        except SendFailed as error:
            message.last_error = str(error)[:200]
            if message.attempts >= max_attempts:
                message.status = OutboxStatus.FAILED
        else:
            message.status, message.sent_at_utc, message.last_error = OutboxStatus.SENT, utcnow(), None
            sent += 1
    db.session.flush()
    return sent
