"""Proving the log is whole: verify() walks the chain; anchor() records its head outside the table.

Anchors are appended to `<REPORTS_DIR>/audit/anchors.jsonl`, a file outside the database, so deleting
the newest events (which leaves a valid but shorter chain) is detected by comparing with the anchor.
"""
import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.audit.chain import GENESIS, event_hmac
from app.audit.models import AuditEvent
from app.audit.services import chain_head
from app.common.time import utcnow
from app.extensions import db


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    first_bad_seq: int | None = None
    problem: str = ""
    anchor_seq: int | None = None


def anchors_path() -> Path:
    return Path(current_app.config["REPORTS_DIR"]) / "audit" / "anchors.jsonl"


def latest_anchor():
    path = anchors_path()
    if not path.exists():
        return None
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def anchor():
    """Append the committed chain head (sequence number and HMAC) to the anchor file."""
    seq, head = chain_head(db.session)
    entry = {"seq": seq, "hmac": head, "anchored_at_utc": utcnow().isoformat()}
    path = anchors_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        handle.write(json.dumps(entry) + "\n")
    return entry


def verify(batch_size=5000) -> VerifyResult:
    """Recompute every HMAC in sequence order; then check the head against the latest anchor."""
    key = current_app.config["AUDIT_HMAC_KEY"]
    columns = [c for c in AuditEvent.__table__.columns if c.name != "id"]
    stmt = select(*columns).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    expected_seq, prev, checked = 1, GENESIS, 0
    for row in db.session.execute(stmt):
        fields = row._asdict()
        if fields["seq"] != expected_seq:
            problem = f"event {expected_seq} is missing" if fields["seq"] > expected_seq else "sequence repeats"
            return VerifyResult(False, checked, expected_seq - 1, expected_seq, problem)
        if fields["prev_hmac"] != prev:
            return VerifyResult(False, checked, expected_seq - 1, fields["seq"],
                                "does not follow the event before it (reordered, or one was removed)")
        if event_hmac(key, prev, fields) != fields["hmac"]:
            return VerifyResult(False, checked, expected_seq - 1, fields["seq"], "content was changed")
        prev, expected_seq, checked = fields["hmac"], expected_seq + 1, checked + 1

    head_seq = expected_seq - 1
    anchored = latest_anchor()
    if anchored:
        if head_seq < anchored["seq"]:
            return VerifyResult(False, checked, head_seq, head_seq + 1,
                                f"events after {head_seq} were cut off (anchored head is {anchored['seq']})",
                                anchored["seq"])
        at_anchor = db.session.scalar(select(AuditEvent.hmac).where(AuditEvent.seq == anchored["seq"]))
        if anchored["seq"] and at_anchor != anchored["hmac"]:
            return VerifyResult(False, checked, head_seq, anchored["seq"], "differs from the anchored head",
                                anchored["seq"])
    return VerifyResult(True, checked, head_seq, anchor_seq=anchored["seq"] if anchored else None)
