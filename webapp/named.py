"""People and units as readers know them: the 四定 and other fields that store a username
or a unit code (picked from a list, ``webapp.pickers``) shown as 姓名（单位） or the unit's
name. Older cases typed free text into those fields: text that names no account or unit
is shown as it was stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.models import RosterEntry, Unit

from .accounts.models import User
from .pickers import own_unit, person_label

PERSON_KEYS = frozenset(
    {
        "lead_leader",
        "responsible_person",
        "case_leader",
        "leader",
        "assignee",
        "candidate_users",
        "mediator_account",
    }
)
"""Data keys holding a person, or a list of them (a username since the pickers; a name
before)."""
UNIT_KEYS = frozenset({"responsible_unit", "candidate_units", "mediator_unit"})
"""Data keys holding a unit, or a list of them (a code since the pickers; a name before)."""
ROSTER_KEYS = frozenset({"mediator_entry", "roster_id"})
"""Data keys holding a roster entry's id (the 调解员 picked from the 名册)."""


class Names:
    """Username and unit code → what people read, looked up once for a set of values."""

    def __init__(
        self,
        session: Session,
        people: Iterable[Any],
        units: Iterable[Any],
        entries: Iterable[Any] = (),
    ) -> None:
        wanted = sorted({p for p in people if isinstance(p, str) and p})
        codes = sorted({u for u in units if isinstance(u, str) and u})
        self.units: dict[str, str] = {}
        self.people: dict[str, str] = {}
        self.entries = _roster_labels(session, entries)
        if codes:
            rows = session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes)))
            self.units = dict(rows.all())
        if wanted:
            rows = session.execute(
                select(User.username, User.display_name, Unit.name)
                .outerjoin(Unit, Unit.code == own_unit())
                .where(User.username.in_(wanted))
            )
            self.people = {user: person_label(name, unit) for user, name, unit in rows}

    def person(self, text: str | None) -> str:
        return self.people.get(text, text) if text else ""

    def unit(self, text: str | None) -> str:
        return self.units.get(text, text) if text else ""

    def entry(self, value: Any) -> Any:
        """A roster entry's id as 姓名（类别，单位）; anything else as it was."""
        return self.entries.get(str(value), value) if _entry_id(value) else value

    def readable(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` with its person, unit and roster keys (one value or a list) as people
        read them."""
        found = dict(data)
        for keys, name in ((PERSON_KEYS, self.person), (UNIT_KEYS, self.unit)):
            for key in keys & found.keys():
                found[key] = _named(found[key], name)
        for key in ROSTER_KEYS & found.keys():
            found[key] = self.entry(found[key])
        return found


def _entry_id(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def _roster_labels(session: Session, entries: Iterable[Any]) -> dict[str, str]:
    ids = sorted({int(value) for value in entries if _entry_id(value)})
    if not ids:
        return {}
    rows = session.execute(
        select(RosterEntry.id, RosterEntry.name, RosterEntry.kind, Unit.name)
        .outerjoin(Unit, Unit.code == RosterEntry.unit_code)
        .where(RosterEntry.id.in_(ids))
    )
    return {str(id_): f"{name}（{kind}，{unit or ''}）" for id_, name, kind, unit in rows}


def _named(value: Any, name) -> Any:
    if isinstance(value, str):
        return name(value)
    if isinstance(value, list) and all(isinstance(one, str) for one in value):
        return [name(one) for one in value]
    return value


def _values(row: Mapping[str, Any], keys: frozenset[str]) -> list[Any]:
    """The single values of ``keys`` in ``row``, lists spread out."""
    found: list[Any] = []
    for key in keys:
        value = row.get(key)
        found.extend(value if isinstance(value, list) else [value])
    return found


def names_in(session: Session, rows: Iterable[Mapping[str, Any]]) -> Names:
    """The ``Names`` of every person and unit key in ``rows`` (event data, forms)."""
    rows = [row for row in rows if isinstance(row, Mapping)]
    people = [value for row in rows for value in _values(row, PERSON_KEYS)]
    units = [value for row in rows for value in _values(row, UNIT_KEYS)]
    entries = [value for row in rows for value in _values(row, ROSTER_KEYS)]
    return Names(session, people, units, entries)


def readable(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    """One record's person, unit and roster keys as people read them."""
    return names_in(session, [data]).readable(data)
