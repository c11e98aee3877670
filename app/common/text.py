"""Small helpers for the words people read."""


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The count with the word that agrees with it: "1 claim", "0 claims", "2 claims"; irregular words give
    their plural ("1 family", "3 families")."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
