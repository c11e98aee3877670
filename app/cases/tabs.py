"""The family record's tab bar. Each package registers its tabs when the app is created, so the
record can show outcomes, teamwork and consent tabs without `cases` importing those packages."""
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
