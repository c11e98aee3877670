"""The service navigation, by role. Packages register their entries when the app is created, so a
lower package never imports a higher one to build the menu.

A role with many entries would need two rows of menu. A group (`register_nav_group`) gathers some of
them, for the roles it names, behind one entry that leads to a page listing them under headings; the
group's entry shows the sum of its members' counts, so nothing waiting is hidden."""
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
    # Keyed by endpoint: an app created again in the same process (tests) registers again, with new
    # count functions that would not compare equal to the old ones.
    _ENTRIES[:] = [e for e in _ENTRIES if e.endpoint != endpoint]
    _ENTRIES.append(entry)


@dataclass(frozen=True)
class NavGroup:
    key: str
    text: str
    endpoint: str  # the page that lists the members
    roles: frozenset  # roles whose menu is grouped this way
    order: int
    members: tuple  # (heading, (endpoint, ...)) in the order the page shows them


_GROUPS: dict[str, NavGroup] = {}


def register_nav_group(key, text, endpoint, roles, members, order=50):
    """`members` maps a heading to the endpoints of the entries listed under it."""
    _GROUPS[key] = NavGroup(key, text, endpoint, frozenset(getattr(r, "value", r) for r in roles), order,
                            tuple((heading, tuple(endpoints)) for heading, endpoints in members.items()))


def _visible(user):
    return [e for e in sorted(_ENTRIES, key=lambda e: (e.order, e.text)) if not e.roles or user.role.value in e.roles]


def _item(entry, user, current_endpoint):
    number = entry.count(user) if entry.count else 0
    return {"href": url_for(entry.endpoint), "text": f"{entry.text} ({number})" if number else entry.text,
            "active": bool(current_endpoint) and current_endpoint.startswith(entry.match), "count": number}


def _groups_for(user):
    return [g for g in sorted(_GROUPS.values(), key=lambda g: (g.order, g.key)) if user.role.value in g.roles]


def navigation_items(user, current_endpoint):
    if not user or not user.is_authenticated:
        return []
    entries = _visible(user)
    grouped = {endpoint: group for group in _groups_for(user) for _, endpoints in group.members
               for endpoint in endpoints}
    placed = [(entry.order, entry.text, _item(entry, user, current_endpoint))
              for entry in entries if entry.endpoint not in grouped]
    for group in _groups_for(user):
        members = [_item(e, user, current_endpoint) for e in entries if grouped.get(e.endpoint) is group]
        if not members:
            continue
        number = sum(m["count"] for m in members)
        active = current_endpoint == group.endpoint or any(m["active"] for m in members)
        placed.append((group.order, group.text, {"href": url_for(group.endpoint), "active": active, "count": number,
                                                 "text": f"{group.text} ({number})" if number else group.text}))
    return [item for _, _, item in sorted(placed, key=lambda p: (p[0], p[1]))]


def user_groups(user):
    """The groups that gather this user's menu: [(key, text)], for a home page to lay out."""
    return [(g.key, g.text) for g in _groups_for(user)] if user and user.is_authenticated else []


def group_at(user, endpoint):
    """The key of this user's group whose page is `endpoint` (groups of different roles may share one)."""
    return next((g.key for g in _groups_for(user) if g.endpoint == endpoint), None)


def group_sections(user, key):
    """The page of a group: [(heading, [items])], only the entries this user may reach, headings kept in order."""
    group = _GROUPS[key]
    entries = {e.endpoint: e for e in _visible(user)}
    sections = []
    for heading, endpoints in group.members:
        items = [_item(entries[endpoint], user, None) for endpoint in endpoints if endpoint in entries]
        if items:
            sections.append((heading, items))
    return sections
