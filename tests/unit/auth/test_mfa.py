"""TOTP arithmetic and code formats (no database): which time-step a code belongs to, drift, formats."""
import base64

import pyotp

from app.auth import mfa

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
T0 = 1_800_000_000  # a fixed instant, a multiple of 30 seconds


def test_a_code_maps_to_its_time_step():
    code = pyotp.TOTP(SECRET).at(T0)
    assert mfa.matching_time_step(SECRET, code, at=T0) == T0 // 30
    assert mfa.matching_time_step(SECRET, code, at=T0 + 29) == T0 // 30


def test_one_step_of_drift_either_way_is_accepted_and_no_more():
    code = pyotp.TOTP(SECRET).at(T0)
    assert mfa.matching_time_step(SECRET, code, at=T0 + 30) == T0 // 30
    assert mfa.matching_time_step(SECRET, code, at=T0 - 30) == T0 // 30
    assert mfa.matching_time_step(SECRET, code, at=T0 + 60) is None
    assert mfa.matching_time_step(SECRET, code, at=T0 - 60) is None


def test_malformed_codes_never_match():
    for code in ("", "12345", "1234567", "abcdef", None):
        assert mfa.matching_time_step(SECRET, code, at=T0) is None
    spaced = pyotp.TOTP(SECRET).at(T0)
    assert mfa.matching_time_step(SECRET, f"{spaced[:3]} {spaced[3:]}", at=T0) == T0 // 30


def test_new_secrets_are_160_random_bits():
    secret = mfa.new_secret()
    assert len(base64.b32decode(secret)) == 20
    assert secret != mfa.new_secret()


def test_qr_code_is_an_svg_data_uri_the_csp_allows():
    uri = mfa.provisioning_uri(SECRET, "kw@test.example", "Hearth")
    assert uri.startswith("otpauth://totp/Hearth:kw%40test.example?secret=" + SECRET)
    data_uri = mfa.qr_code_data_uri(uri)
    assert data_uri.startswith("data:image/svg+xml")
    assert "style=" not in data_uri  # the strict CSP has no 'unsafe-inline' for styles


def test_recovery_code_formats():
    assert mfa.format_recovery_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert mfa.normalise_recovery_code(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"
    assert mfa.grouped_secret("ABCDEFGH") == "ABCD EFGH"
