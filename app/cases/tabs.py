"""The family record's tab bar, and the links it offers beside each person and on its summary. Each
package registers these when the app is created, so the record can show outcomes, teamwork, consent
and reporting without `cases` importing those packages."""
from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class FamilyTab:
    key: str
    label: str
    endpoint: str  # takes `family_id`
    order: int


_TABS: dict[str, FamilyTab] = {}


def register_tab(key, label, endpoint, order=50):
    _TABS[key] = FamilyTab(key, label, endpoint, order)


def tabs_for(family, current_key):
    return [
        {"key": tab.key, "label": tab.label, "href": url_for(tab.endpoint, family_id=family.id),
         "current": tab.key == current_key}
        for tab in sorted(_TABS.values(), key=lambda t: (t.order, t.key))
    ]


@dataclass(frozen=True)
class PersonAction:
    """A link offered beside each member of the household, registered by a higher package."""

    label: str
    endpoint: str  # takes `person_id`
    roles: frozenset  # Role codes that see it


_PERSON_ACTIONS: list[PersonAction] = []


def register_person_action(label, endpoint, roles):
    action = PersonAction(label, endpoint, frozenset(getattr(r, "value", r) for r in roles))
    if action not in _PERSON_ACTIONS:
        _PERSON_ACTIONS.append(action)


def has_person_actions(user) -> bool:
    role = getattr(user.role, "value", user.role)
    return any(role in a.roles for a in _PERSON_ACTIONS)


def person_actions(user, person):
    role = getattr(user.role, "value", user.role)
    return [{"label": a.label, "href": url_for(a.endpoint, person_id=person.id)}
            for a in _PERSON_ACTIONS if role in a.roles]


@dataclass(frozen=True)
class FamilyDocument:
    """A document about the family offered on its summary, registered by a higher package. The endpoint
    (taking `family_id`) builds it through the sharing policy for whoever follows the link, so anyone
    who may open the family may be offered it."""

    label: str
    endpoint: str
    hint: str
    order: int


_FAMILY_DOCUMENTS: dict[str, FamilyDocument] = {}


def register_family_document(label, endpoint, hint="", order=50):
    _FAMILY_DOCUMENTS[endpoint] = FamilyDocument(label, endpoint, hint, order)


def family_documents(family):
    return [{"label": d.label, "hint": d.hint, "href": url_for(d.endpoint, family_id=family.id)}
            for d in sorted(_FAMILY_DOCUMENTS.values(), key=lambda d: (d.order, d.label))]
