"""Data categories and the category a need carries under each headline outcome.

Every shareable record carries one `DataCategory` (security.md); the sharing rule reads it. A need
carries the category of its headline (domain.md), with two refinements: a health need about mental
health is `mental_health`, and a financial-stability need about worklessness is `employment`. The
Phase 2 problems follow the same idea (Hearth's mapping; the national guidance predates the rule).
"""
from collections.abc import Mapping

from app.common.enums import CodeEnum


class DataCategory(CodeEnum):
    IDENTITY = ("identity", "Identity")
    CONTACT = ("contact", "Contact details")
    EDUCATION = ("education", "Education")
    HEALTH = ("health", "Health")
    MENTAL_HEALTH = ("mental_health", "Mental health")
    SUBSTANCE_USE = ("substance_use", "Substance use")
    CRIME = ("crime", "Crime")
    DOMESTIC_ABUSE = ("domestic_abuse", "Domestic abuse")
    CHILD_SAFETY = ("child_safety", "Child safety")
    HOUSING = ("housing", "Housing")
    FINANCE = ("finance", "Finance")
    EMPLOYMENT = ("employment", "Employment")
    CASE_NOTE = ("case_note", "Case note")


class UnknownHeadline(KeyError):
    """A headline code that no framework version defines."""


C = DataCategory

# headline code -> (default category, ((alternative category, words that select it), ...)).
# The words are looked for in the descriptor's code and description, lower-cased.
_HEADLINES: dict[str, tuple[DataCategory, tuple[tuple[DataCategory, tuple[str, ...]], ...]]] = {
    # Supporting Families 2022-25
    "education": (C.EDUCATION, ()),
    "early_years": (C.EDUCATION, ()),
    "health": (C.HEALTH, ((C.MENTAL_HEALTH, ("mental", "self_harm", "self-harm", "anxiety", "depression")),)),
    "substance_use": (C.SUBSTANCE_USE, ()),
    "relationships": (C.CASE_NOTE, ()),
    "child_safety": (C.CHILD_SAFETY, ()),
    "crime": (C.CRIME, ()),
    "domestic_abuse": (C.DOMESTIC_ABUSE, ()),
    "housing": (C.HOUSING, ()),
    "financial_stability": (C.FINANCE, ((C.EMPLOYMENT, ("workless", "out_of_work", "out-of-work", "out of work",
                                                        "unemploy", "employment", "jobseek", "benefit")),)),
    # Troubled Families Phase 2
    "p2_crime": (C.CRIME, ()),
    "p2_education": (C.EDUCATION, ()),
    "p2_children_in_need": (C.CHILD_SAFETY, ()),
    "p2_worklessness": (C.EMPLOYMENT, ((C.FINANCE, ("debt", "arrears", "financial_exclusion",
                                                    "financial exclusion")),)),
    "p2_domestic_abuse": (C.DOMESTIC_ABUSE, ()),
    "p2_health": (C.HEALTH, ((C.MENTAL_HEALTH, ("mental", "self_harm", "self-harm")),
                             (C.SUBSTANCE_USE, ("substance", "alcohol", "drug")))),
}


def known_headline_codes() -> tuple[str, ...]:
    return tuple(_HEADLINES)


def _entry(headline_code):
    try:
        return _HEADLINES[headline_code]
    except KeyError:
        raise UnknownHeadline(headline_code) from None


def allowed_categories(headline_code: str) -> tuple[DataCategory, ...]:
    """The categories a need under this headline may carry: its default first, then alternatives."""
    default, alternatives = _entry(headline_code)
    return (default, *(category for category, _ in alternatives))


def _descriptor_text(descriptor) -> str:
    if descriptor is None:
        return ""
    if isinstance(descriptor, str):
        return descriptor.lower()
    if isinstance(descriptor, Mapping):
        parts = (descriptor.get("code"), descriptor.get("description"))
    else:
        parts = (getattr(descriptor, "code", None), getattr(descriptor, "description", None))
    return " ".join(p for p in parts if p).lower()


def category_for(headline_code: str, descriptor=None) -> DataCategory:
    """The data category of a need under `headline_code`.

    `descriptor` is a descriptor code, a mapping or an object with `code` and `description`, or None
    for the headline's default. Raises UnknownHeadline for a code no version defines.
    """
    default, alternatives = _entry(headline_code)
    text = _descriptor_text(descriptor)
    for category, words in alternatives:
        if any(word in text for word in words):
            return category
    return default


__all__ = ["DataCategory", "UnknownHeadline", "allowed_categories", "category_for", "known_headline_codes"]
