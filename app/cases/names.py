"""Keys for finding people by name despite typing mistakes and spelling variants.

`normalise_name` folds accents, case, apostrophes, hyphens and spaces ("O'Brien-Smith" -> "obriensmith");
`sound_alike_key` is a Soundex-style code over English spelling rewrites ("Smyth", "Smith" and "Smiht"
share S530). Both are pure and stored on `Person` by the services, indexed, so search compares keys in
SQL on SQLite and PostgreSQL alike. People matching for referrals may reuse them.
"""
import re
import unicodedata

# Spelling rewrites applied before coding, so common English variants meet (Philips/Filips, Mackenzie/McKenzie).
_REWRITES = (("^mac", "mc"), ("ph", "f"), ("ck", "k"), ("gh", "g"), ("kn", "n"), ("wr", "r"), ("sch", "sk"),
             ("^x", "z"))
_CODES = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
          "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}
KEY_LENGTH = 4


def normalise_name(value: str | None) -> str:
    """Lower-case ASCII letters only: what two spellings of the same name typed carelessly share."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())


def sound_alike_key(value: str | None) -> str:
    """A four-character Soundex-style code of a name (first letter kept), or "" for no letters."""
    name = normalise_name(value)
    if not name:
        return ""
    for pattern, replacement in _REWRITES:
        name = re.sub(pattern, replacement, name)
    first = name[0]
    digits = []
    previous = _CODES.get(first, "")
    for letter in name[1:]:
        code = _CODES.get(letter, "")
        if code and code != previous:
            digits.append(code)
        # h and w do not separate equal codes; vowels do (the Soundex rule).
        if letter not in "hw":
            previous = code
    return (first.upper() + "".join(digits) + "000")[:KEY_LENGTH]
