"""Spreadsheet safety shared by every export: text a spreadsheet would run as a formula (starting =, +,
-, @, tab or carriage return) gets a leading apostrophe (OWASP CSV injection advice)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
