"""The password rule: length, a real common-password list, the user's own words; no composition rules."""
import subprocess
import sys
from pathlib import Path

import pytest

from app.auth.passwords import MAX_LENGTH, MIN_LENGTH, common_passwords, password_problem

ROOT = Path(__file__).resolve().parents[3]


def test_the_bundled_list_is_a_real_one():
    listed = common_passwords()
    assert len(listed) >= 10_000
    assert {"123456", "password", "qwerty123456", "1qaz2wsx3edc"} <= listed
    assert not any(word.startswith("#") for word in listed)  # the header is not a password


def test_the_bundled_list_is_what_the_script_generates():
    pytest.importorskip("django", reason="Django (requirements-dev.txt) is the list's source")
    result = subprocess.run([sys.executable, "scripts/update_common_passwords.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("password", [
    "x" * 11 + "Q",  # 12 characters, but only two different ones
    "qwerty123456",  # on the list as it is
    "QWERTY123456",  # case makes no difference
    "sunshine2026!!",  # a listed word with the usual decoration
    "!!Password2026",
    "hearth123456",  # service-specific
    "correcthorsebatterystaple",
])
def test_guessable_passwords_are_refused(password):
    assert password_problem(password) == "Password is too easy to guess. Choose a password that is harder to guess"


def test_length_bounds():
    assert password_problem("a7#kQ9z!mP2") == f"Password must be {MIN_LENGTH} characters or more"
    assert password_problem("a7#kQ9z!mP2w") is None  # exactly 12
    assert MAX_LENGTH >= 64
    long_passphrase = "tidal orchard ferry lantern " * 4  # 112 characters, spaces allowed
    assert password_problem(long_passphrase[:64]) is None
    assert password_problem(long_passphrase) is None
    assert password_problem("z" + "q7" * MAX_LENGTH) == f"Password must be {MAX_LENGTH} characters or fewer"


def test_no_composition_rules():
    # All lower case, no digits, no symbols: fine if long and not guessable (NIST 800-63B, ASVS 6.2).
    assert password_problem("marmalade tractor nebula") is None


def test_the_users_own_words_are_refused():
    assert password_problem("jo.bloggs2026!", context_words=("jo.bloggs",)) is not None
    assert password_problem("Bloggsbloggs1", context_words=("Jo", "Bloggsbloggs")) is not None
    assert password_problem("lantern ferry orchard", context_words=("jo.bloggs",)) is None
