"""Validators for the identifiers that partner agencies use for a person, and for postcodes.

Each `validate_*` function takes what someone typed and returns the normalised value that Hearth
stores (upper case, no spaces, except where a space is part of the format), or raises
`InvalidIdentifier` with a GOV.UK-style message fit to show beside the field. They are pure: no
database, no request. Matching across agencies compares the normalised values, so every writer must
go through these functions.

`NHSNumber()`, `UPN()`, `SchoolURN()`, `NINumber()`, `PNCNumber()` and `Postcode()` wrap them as
WTForms validators: a blank field is left to the field's own required/optional rule, and a valid
value replaces `field.data` with its normalised form.
"""
import re

from wtforms.validators import ValidationError


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; `message` is fit to show the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _compact(value) -> str:
    return re.sub(r"[\s-]+", "", str(value or "")).upper()


# --- NHS number ------------------------------------------------------------------------------------

NHS_LENGTH_MESSAGE = "NHS number must be 10 digits"
NHS_CHECK_MESSAGE = "Enter a valid NHS number"


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS number check digit (modulus 11) for nine digits, or None when no check digit exists.

    Each of the first nine digits is multiplied by a weight from 10 down to 2; the check digit is
    11 minus the remainder of the sum divided by 11. A result of 11 means 0; a result of 10 means the
    nine digits are never issued as an NHS number.
    """
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def validate_nhs_number(value) -> str:
    """Ten digits (spaces and hyphens allowed when typed) with a valid check digit; stored without spaces."""
    number = _compact(value)
    if not re.fullmatch(r"\d{10}", number):
        raise InvalidIdentifier(NHS_LENGTH_MESSAGE)
    if nhs_check_digit(number[:9]) != int(number[9]):
        raise InvalidIdentifier(NHS_CHECK_MESSAGE)
    return number


def format_nhs_number(number: str) -> str:
    """The NHS's display format, 3-3-4 digits: "943 476 5919"."""
    return f"{number[:3]} {number[3:6]} {number[6:]}" if number and len(number) == 10 else (number or "")


# --- Unique pupil number (UPN) ---------------------------------------------------------------------

UPN_LENGTH_MESSAGE = "Unique pupil number (UPN) must be 13 characters"
UPN_FORMAT_MESSAGE = (
    "Enter a unique pupil number (UPN) in the correct format: a letter, 11 digits, then a digit or a letter"
)
UPN_CHECK_MESSAGE = "Enter a valid unique pupil number (UPN): the first letter does not match the rest"
# The 23 letters the DfE uses, in value order: A=0 ... Z=22, without I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(body: str) -> str:
    """The check letter for characters 2 to 13 of a UPN (DfE "Unique Pupil Numbers" guidance).

    Character n (n = 2..13) is multiplied by its position n; a letter in position 13 (a temporary UPN)
    counts as its value in UPN_LETTERS (A=0, B=1, ..., skipping I, O and S). The sum modulo 23 is
    turned back into a letter with the same table.
    """
    total = 0
    for position, char in enumerate(body, start=2):
        total += position * (int(char) if char.isdigit() else UPN_LETTERS.index(char))
    return UPN_LETTERS[total % 23]


def validate_upn(value) -> str:
    """A 13-character UPN: a check letter, 3 digits of LA number, 4 of establishment number, 2 of the
    year of issue, then 3 digits (a permanent UPN) or 2 digits and a letter other than I, O or S (a
    temporary UPN). The check letter must match. LA numbers are not checked against the DfE list."""
    upn = _compact(value)
    if len(upn) != 13:
        raise InvalidIdentifier(UPN_LENGTH_MESSAGE)
    if not re.fullmatch(rf"[{UPN_LETTERS}]\d{{11}}[0-9{UPN_LETTERS}]", upn):
        raise InvalidIdentifier(UPN_FORMAT_MESSAGE)
    if upn_check_letter(upn[1:]) != upn[0]:
        raise InvalidIdentifier(UPN_CHECK_MESSAGE)
    return upn


# --- School unique reference number (URN) ----------------------------------------------------------

URN_MESSAGE = "School URN must be 6 digits"


def validate_school_urn(value) -> str:
    """The 6-digit unique reference number of an establishment on Get Information about Schools."""
    urn = _compact(value)
    if not re.fullmatch(r"\d{6}", urn):
        raise InvalidIdentifier(URN_MESSAGE)
    return urn


# --- National Insurance number ---------------------------------------------------------------------

NI_FORMAT_MESSAGE = "Enter a National Insurance number in the correct format"
NI_PREFIX_MESSAGE = "Enter a valid National Insurance number: it cannot start with those 2 letters"
# HMRC's rules for the two prefix letters (HMRC National Insurance Manual NIM39110).
NI_NOT_FIRST = set("DFIQUV")
NI_NOT_SECOND = set("DFIQUVO")
NI_NOT_ALLOCATED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def validate_ni_number(value) -> str:
    """Two prefix letters, 6 digits and a suffix letter A to D; stored without spaces ("AB123456C").

    The prefix's first letter is never D, F, I, Q, U or V, its second letter never those or O, and
    BG, GB, KN, NK, NT, TN and ZZ are never allocated (TN and ZZ are administrative placeholders)."""
    number = _compact(value)
    if not re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", number):
        raise InvalidIdentifier(NI_FORMAT_MESSAGE)
    prefix = number[:2]
    if prefix[0] in NI_NOT_FIRST or prefix[1] in NI_NOT_SECOND or prefix in NI_NOT_ALLOCATED:
        raise InvalidIdentifier(NI_PREFIX_MESSAGE)
    return number


def format_ni_number(number: str) -> str:
    """HMRC's display format: "AB 12 34 56 C"."""
    if not number or len(number) != 9:
        return number or ""
    return f"{number[:2]} {number[2:4]} {number[4:6]} {number[6:8]} {number[8]}"


# --- Police National Computer (PNC) number ---------------------------------------------------------

PNC_FORMAT_MESSAGE = (
    "Enter a PNC number in the correct format: the year, a slash, up to 7 digits, then a letter"
)
PNC_CHECK_MESSAGE = "Enter a valid PNC number: the last letter does not match the rest"
# Remainder 0 is Z, 1 is A, 2 is B ... without I, O and S.
PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def pnc_check_letter(year: str, serial: str) -> str:
    """The PNC ID check letter: the 2-digit year followed by the serial padded to 7 digits, read as one
    9-digit number, modulo 23, looked up in PNC_LETTERS (the published PNC ID rule, as used by the
    Ministry of Justice's person record service)."""
    return PNC_LETTERS[int(f"{year[-2:]}{int(serial):07d}") % 23]


def validate_pnc_number(value) -> str:
    """YY/NNNNNNNA or YYYY/NNNNNNNA with a serial of up to 7 digits and a valid check letter.

    Stored as YY/NNNNNNNA (2-digit year, serial padded to 7 digits): the check letter is computed
    from exactly that, so "2008/56560Z" and "08/0056560Z" are the same person's number."""
    number = re.sub(r"\s+", "", str(value or "")).upper()
    match = re.fullmatch(r"(\d{2}|\d{4})/(\d{1,7})([A-Z])", number)
    if not match:
        raise InvalidIdentifier(PNC_FORMAT_MESSAGE)
    year, serial, letter = match.groups()
    if pnc_check_letter(year, serial) != letter:
        raise InvalidIdentifier(PNC_CHECK_MESSAGE)
    return f"{year[-2:]}/{int(serial):07d}{letter}"


# --- Postcode --------------------------------------------------------------------------------------

POSTCODE_MESSAGE = "Enter a real postcode"
# The UK postcode shapes (A9, A99, AA9, AA99, A9A, AA9A, then 9AA) with the letters each position
# never uses; GIR 0AA is the one historic exception.
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_POSTCODE = re.compile(rf"(?:{_OUTWARD}[0-9][ABD-HJLNP-UW-Z]{{2}}|GIR0AA)")


def validate_postcode(value) -> str:
    """A UK postcode in upper case with one space before the last 3 characters ("SW1A 1AA")."""
    compact = re.sub(r"\s+", "", str(value or "")).upper()
    if not _POSTCODE.fullmatch(compact):
        raise InvalidIdentifier(POSTCODE_MESSAGE)
    return f"{compact[:-3]} {compact[-3:]}"


# --- WTForms validators ----------------------------------------------------------------------------


class IdentifierValidator:
    """Runs a `validate_*` function on a WTForms field and stores the normalised value back."""

    validate = None  # subclasses set a staticmethod; IdentifierValidator(validate=fn) works too

    def __init__(self, message=None, validate=None):
        self.message = message
        if validate is not None:
            self.validate = validate

    def __call__(self, form, field):
        if field.data is None or not str(field.data).strip():
            return  # blank: InputRequired or Optional on the field decides
        try:
            field.data = self.validate(field.data)
        except InvalidIdentifier as exc:
            raise ValidationError(self.message or exc.message) from None


class NHSNumber(IdentifierValidator):
    validate = staticmethod(validate_nhs_number)


class UPN(IdentifierValidator):
    validate = staticmethod(validate_upn)


class SchoolURN(IdentifierValidator):
    validate = staticmethod(validate_school_urn)


class NINumber(IdentifierValidator):
    validate = staticmethod(validate_ni_number)


class PNCNumber(IdentifierValidator):
    validate = staticmethod(validate_pnc_number)


class Postcode(IdentifierValidator):
    validate = staticmethod(validate_postcode)
