"""The service navigation, by role. Packages register their entries when the app is created, so a
lower package never imports a higher one to build the menu."""
from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class NavEntry:
    text: str
    endpoint: str
    roles: frozenset  # Role codes that see the entry; empty means every signed-in user
    order: int = 50
    match: tuple = ()  # endpoint prefixes that mark the entry as the current section
    count: object = None  # optional callable(user) -> int, shown beside the text when above zero


_ENTRIES: list[NavEntry] = []


def register_nav(text, endpoint, roles=(), order=50, match=None, count=None):
    """`match` defaults to the entry's blueprint; give endpoint prefixes when a blueprint has several entries."""
    prefixes = tuple(match) if match else (endpoint.split(".")[0] + ".",)
    entry = NavEntry(text, endpoint, frozenset(getattr(r, "value", r) for r in roles), order, prefixes, count)
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def navigation_items(user, current_endpoint):
    if not user or not user.is_authenticated:
        return []
    items = []
    for entry in sorted(_ENTRIES, key=lambda e: (e.order, e.text)):
        if entry.roles and user.role.value not in entry.roles:
            continue
        active = bool(current_endpoint) and current_endpoint.startswith(entry.match)
        number = entry.count(user) if entry.count else 0
        text = f"{entry.text} ({number})" if number else entry.text
        items.append({"href": url_for(entry.endpoint), "text": text, "active": active})
    return items
