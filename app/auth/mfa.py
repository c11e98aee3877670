"""Two-factor authentication: TOTP (RFC 6238) with one-time recovery codes.

Invariants:
- a TOTP code works once: the time-step of the last accepted code is stored on the user and any code
  for that step or an earlier one is refused, even inside its 30-second window;
- recovery codes are stored only as Argon2id hashes and each is spent by its first use;
- the secret is stored only once the user has proved their authenticator app with a code.
Services flush; the request boundary commits.
"""
import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select

from app import audit
from app.auth.models import RecoveryCode, User
from app.auth.passwords import hash_password, verify_password
from app.common.time import utcnow
from app.extensions import db

INTERVAL = 30  # seconds per TOTP time-step (what every authenticator app uses)
VALID_WINDOW = 1  # accept the step before and after the current one, for clock drift
RECOVERY_CODE_COUNT = 10
# 32 characters without 0/O, 1/I/L: 12 of them are 60 bits, read aloud or typed without confusion.
_RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_RECOVERY_LENGTH = 12


class MfaError(ValueError):
    """A code the rules refuse; the message is fit to show the user."""


class CodeRefused(MfaError):
    pass


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret, interval=INTERVAL).provisioning_uri(name=email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """An SVG QR code as a data: URI, which the page CSP allows (img-src 'self' data:) without inline styles."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c", light="#ffffff")


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app that cannot scan the QR code."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def normalise_totp(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def matching_time_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time-step whose code this is (within the allowed drift), or None."""
    code = normalise_totp(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=INTERVAL)
    now_step = int((time.time() if at is None else at) // INTERVAL)
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(step * INTERVAL), code):
            return step
    return None


def accept_totp(user: User, code: str, at: float | None = None) -> None:
    """Accept a code from the user's app once, or raise CodeRefused."""
    if not user.has_mfa:
        raise CodeRefused("Set up two-factor authentication first")
    step = matching_time_step(user.mfa_secret, code, at)
    if step is None:
        _refuse(user, "wrong_code")
    if user.mfa_last_time_step is not None and step <= user.mfa_last_time_step:
        _refuse(user, "reused_code")
    user.mfa_last_time_step = step
    db.session.flush()


def _refuse(user, reason):
    audit.record_refusal("MfaCodeRefused", actor=user, object_type="user", object_id=user.id, reason=reason)
    raise CodeRefused("Enter the code shown in your authenticator app. Each code works once: "
                      "if you have just used one, wait for the next")


def enrol(user: User, secret: str, code: str, at: float | None = None) -> list[str]:
    """Confirm enrolment with a code from the new app; returns the new recovery codes (shown once)."""
    step = matching_time_step(secret, code, at)
    if step is None:
        audit.record_refusal("MfaCodeRefused", actor=user, object_type="user", object_id=user.id,
                             reason="enrolment_code")
        raise CodeRefused("Enter the 6-digit code shown in your authenticator app")
    user.mfa_secret, user.mfa_enrolled_at_utc, user.mfa_last_time_step = secret, utcnow(), step
    codes = _replace_recovery_codes(user)
    audit.record("MfaEnrolled", actor=user, object_type="user", object_id=user.id)
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    codes = _replace_recovery_codes(user)
    audit.record("MfaRecoveryCodesRenewed", actor=user, object_type="user", object_id=user.id)
    return codes


def _replace_recovery_codes(user):
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(code)) for code in codes)
    db.session.flush()
    return [format_recovery_code(code) for code in codes]


def format_recovery_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def unused_recovery_codes(user: User) -> list[RecoveryCode]:
    return db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at_utc.is_(None))
        .order_by(RecoveryCode.id)
    ).all()


def use_recovery_code(user: User, code: str) -> int:
    """Spend one recovery code; returns how many remain. Raises CodeRefused for a wrong or spent code."""
    code = normalise_recovery_code(code)
    unused = unused_recovery_codes(user) if user.has_mfa else []
    match = None
    if len(code) == _RECOVERY_LENGTH:
        # Check every unused code (no early exit), so the time taken does not say which one matched.
        for candidate in unused:
            if verify_password(candidate.code_hash, code) and match is None:
                match = candidate
    if match is None:
        audit.record_refusal("MfaCodeRefused", actor=user, object_type="user", object_id=user.id,
                             reason="wrong_recovery_code")
        raise CodeRefused("Enter one of your recovery codes. Each code works once")
    match.used_at_utc = utcnow()
    db.session.flush()
    remaining = len(unused) - 1
    audit.record("MfaRecoveryCodeUsed", actor=user, object_type="user", object_id=user.id, remaining=remaining)
    return remaining


def reset_mfa(user: User, actor=None) -> None:
    """For an admin, when a user has lost their app and their recovery codes: they enrol again at next sign-in."""
    user.mfa_secret = user.mfa_enrolled_at_utc = user.mfa_last_time_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.end_sessions()
    db.session.flush()
    audit.record("MfaReset", actor=actor, object_type="user", object_id=user.id)
