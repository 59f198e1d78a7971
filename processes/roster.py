"""调解员名册: the mediators and helpers a center can call on, and who fits a case.

An entry is a person (人民调解员, 特邀调解员, 律师, 心理咨询师, 三官一师) with their
organisation (a unit), the region they serve, their skills and, if they log in, their
username (then a diagram can assign them tasks). Skills are dispute-type codes: a
first-level type (``02`` 邻里纠纷) covers its subtypes; an entry without skills takes any
dispute. Entries are never deleted, only deactivated; every change is a ``roster_changed``
entry in the operation log.

``candidates`` answers "who can mediate a case in this region": the people serving the
region itself, the regions below it and the regions above it (a township's cases may use
the county's mediators), nearest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .calendar import OperationRecorder
from .enums import RosterKind
from .models import DisputeType, Region, RosterEntry, Unit
from .refusals import FieldRefused
from .region_tree import RegionLinks

ROSTER_CHANGED = "roster_changed"
FIELDS = ("name", "kind", "unit_code", "region_code", "skills", "username", "active")
NAME_MAX = 60
USERNAME_MAX = 80

ABOVE = 0.5
"""How much farther a region above the case counts than one as far below it: at equal
distance the more local person comes first (小事不出村、大事不出镇)."""


class RosterInvalid(FieldRefused):
    """A roster edit that cannot be stored; the message names the field at fault."""


@dataclass(frozen=True)
class RosterEntryView:
    """A roster entry as pages, commands and diagrams read it."""

    id: int
    name: str
    kind: str
    unit_code: str
    unit_name: str
    region_code: str
    region_name: str
    skills: tuple[str, ...]
    """Dispute-type codes; empty: any dispute."""
    username: str | None
    active: bool

    @property
    def label(self) -> str:
        """How a picker shows the person: 王调解（人民调解员，大满镇人民调解委员会）."""
        return f"{self.name}（{self.kind}，{self.unit_name}）"


def entry_state(entry: RosterEntry) -> dict[str, Any]:
    """What the operation log keeps of an entry (the person's name as ``person``)."""
    return {
        "person": entry.name,
        "kind": entry.kind,
        "unit_code": entry.unit_code,
        "region_code": entry.region_code,
        "skills": list(entry.skills or []),
        "username": entry.username,
        "active": entry.active,
    }


def save_entry(
    session: Session,
    *,
    entry_id: int | None,
    values: Mapping[str, Any],
    actor: str,
    record: OperationRecorder,
) -> RosterEntry:
    """Create (``entry_id`` None) or update a roster entry from ``values`` (``FIELDS``).

    The linked account is not looked up here (accounts live above this layer): callers
    check that ``username`` names an active user before saving."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise RosterInvalid(f"名册没有字段：{'、'.join(unknown)}")
    entry = get_entry(session, entry_id) if entry_id is not None else None
    before = entry_state(entry) if entry is not None else None
    with session.no_autoflush:  # check before the row is written
        _check(session, values, kept=before or {})
    if entry is None:
        entry = RosterEntry(active=True, skills=[])
        session.add(entry)
    for field, value in values.items():
        setattr(entry, field, list(value) if field == "skills" else value)
    entry.name = entry.name.strip()
    session.flush()
    after = entry_state(entry)
    if after != before:
        record(
            session,
            event_type=ROSTER_CHANGED,
            actor=actor,
            data={"entry_id": entry.id, "before": before, "after": after},
        )
    return entry


def get_entry(session: Session, entry_id: int) -> RosterEntry:
    entry = session.get(RosterEntry, entry_id)
    if entry is None:
        raise RosterInvalid(f"名册中没有编号为 {entry_id} 的人员")
    return entry


def list_entries(
    session: Session,
    *,
    region_code: str | None = None,
    kind: str | None = None,
    skill: str | None = None,
    unit_code: str | None = None,
    include_inactive: bool = False,
) -> list[RosterEntryView]:
    """The entries matching every filter given, by region then name. ``region_code``
    keeps those serving that region or one below it; ``skill`` those who take it."""
    query = select(RosterEntry).order_by(RosterEntry.region_code, RosterEntry.name)
    if not include_inactive:
        query = query.where(RosterEntry.active.is_(True))
    if kind:
        query = query.where(RosterEntry.kind == kind)
    if unit_code:
        query = query.where(RosterEntry.unit_code == unit_code)
    entries = list(session.scalars(query))
    if region_code:
        area = {region_code, *RegionLinks.load(session).below(region_code)}
        entries = [e for e in entries if e.region_code in area]
    if skill:
        wanted = _skill_and_parent(session, skill)
        entries = [e for e in entries if _takes(e, wanted) is not None]
    return _views(session, entries)


def candidates(
    session: Session, *, region_code: str, skill: str | None = None
) -> list[RosterEntryView]:
    """The active entries usable for a case in ``region_code`` (of active units).

    Usable: serving the region, a region below it or one above it (a grid's case may use
    its village's, township's and county's people; a township's case its villages' too).
    With ``skill`` (a dispute-type code): those listing it or its first-level type first,
    then those without skills (any dispute); those listing only other skills are left out.
    Within that, nearest first: the region itself, then by distance in the tree, a region
    below before one as far above; then by kind (人民调解员 first) and name."""
    links = RegionLinks.load(session)
    distance = {code: steps + ABOVE for steps, code in enumerate(links.chain(region_code))}
    distance[region_code] = 0
    distance.update(links.below(region_code))
    wanted = _skill_and_parent(session, skill) if skill else None
    ranked = []
    for entry in _usable(session, list(distance)):
        fit = _takes(entry, wanted) if wanted else 0
        if fit is not None:
            ranked.append(((fit, distance[entry.region_code], _kind_rank(entry.kind)), entry))
    ranked.sort(key=lambda pair: (*pair[0], pair[1].name, pair[1].id))
    return _views(session, [entry for _, entry in ranked])


def assignable(session: Session, entry: Any) -> dict[str, Any]:
    """The roster entry ``entry`` (its id, as a form sends it) as a diagram designating a
    mediator keeps it: ``entry``, ``name``, ``username`` (empty: no account: the work goes
    to the organisation), ``unit`` and ``unit_name``. Refuses an unknown or inactive entry
    or one of an inactive organisation."""
    try:
        entry_id = int(str(entry).strip())
    except ValueError:
        raise RosterInvalid(f"调解员名册编号应为数字，实为 {entry!r}") from None
    row = get_entry(session, entry_id)
    unit = session.get(Unit, row.unit_code)
    if not row.active or unit is None or not unit.active:
        raise RosterInvalid(f"名册中的 {row.name} 已停用，不能指派")
    return {
        "entry": row.id,
        "name": row.name,
        "username": row.username or "",
        "unit": row.unit_code,
        "unit_name": unit.name,
    }


# -- matching -----------------------------------------------------------------------------


def _usable(session: Session, regions: list[str]) -> list[RosterEntry]:
    query = (
        select(RosterEntry)
        .join(Unit, Unit.code == RosterEntry.unit_code)
        .where(
            RosterEntry.active.is_(True),
            Unit.active.is_(True),
            RosterEntry.region_code.in_(regions),
        )
    )
    return list(session.scalars(query))


def _skill_and_parent(session: Session, skill: str) -> frozenset[str]:
    """``skill`` and its first-level type, if it is a subtype."""
    parent = session.scalar(select(DisputeType.parent_code).where(DisputeType.code == skill))
    return frozenset({skill, parent} - {None})


def _takes(entry: RosterEntry, wanted: frozenset[str]) -> int | None:
    """0: lists the skill; 1: takes any dispute; None: lists only other skills."""
    skills = set(entry.skills or [])
    if skills & wanted:
        return 0
    return None if skills else 1


def _kind_rank(kind: str) -> int:
    kinds = list(RosterKind)
    return kinds.index(RosterKind(kind)) if kind in RosterKind._value2member_map_ else len(kinds)


def _views(session: Session, entries: list[RosterEntry]) -> list[RosterEntryView]:
    units = dict(session.execute(select(Unit.code, Unit.name)).all())
    regions = dict(session.execute(select(Region.code, Region.name)).all())
    return [
        RosterEntryView(
            id=e.id,
            name=e.name,
            kind=e.kind,
            unit_code=e.unit_code,
            unit_name=units.get(e.unit_code, e.unit_code),
            region_code=e.region_code,
            region_name=regions.get(e.region_code, e.region_code),
            skills=tuple(e.skills or ()),
            username=e.username,
            active=e.active,
        )
        for e in entries
    ]


# -- checks ---------------------------------------------------------------------------


def _check(session: Session, values: Mapping[str, Any], *, kept: Mapping[str, Any]) -> None:
    """Every field in ``values`` is valid; ``kept`` (the entry before) lets an entry keep a
    unit, region or skill deactivated since it was chosen."""
    if "name" in values:
        name = (values["name"] or "").strip()
        if not name or len(name) > NAME_MAX:
            raise RosterInvalid(f"姓名不能为空，且不超过 {NAME_MAX} 个字", field="name")
    elif not kept:
        raise RosterInvalid("姓名不能为空", field="name")
    if "kind" in values or not kept:
        _check_kind(values.get("kind"))
    if "unit_code" in values or not kept:
        _check_reference(session, Unit, "单位", "unit_code", values.get("unit_code"), kept)
    if "region_code" in values or not kept:
        _check_reference(session, Region, "区划", "region_code", values.get("region_code"), kept)
    if "skills" in values:
        _check_skills(session, values["skills"], kept.get("skills") or [])
    if "username" in values:
        _check_username(values["username"])


def _check_kind(kind: str | None) -> None:
    if kind not in RosterKind._value2member_map_:
        known = "、".join(k.value for k in RosterKind)
        raise RosterInvalid(f"人员类别必须是：{known}", field="kind")


def _check_reference(
    session: Session, model: type, label: str, field: str, code: str | None, kept: Mapping
) -> None:
    if not code:
        raise RosterInvalid(f"请选择{label}", field=field)
    row = session.get(model, code)
    if row is None:
        raise RosterInvalid(f"{label}代码不存在：{code}", field=field)
    if not row.active and kept.get(field) != code:
        raise RosterInvalid(f"{label}已停用：{row.name}（{code}）", field=field)


def _check_skills(session: Session, skills: Any, kept: list[str]) -> None:
    if isinstance(skills, str) or not all(isinstance(s, str) for s in skills):
        raise RosterInvalid("擅长类型应是纠纷类型代码的列表", field="skills")
    known = dict(session.execute(select(DisputeType.code, DisputeType.active)).all())
    for code in skills:
        if code not in known:
            raise RosterInvalid(f"纠纷类型代码不存在：{code}", field="skills")
        if not known[code] and code not in kept:
            raise RosterInvalid(f"纠纷类型已停用：{code}", field="skills")
    if len(set(skills)) != len(skills):
        raise RosterInvalid("擅长类型有重复", field="skills")


def _check_username(username: str | None) -> None:
    if username is None:
        return
    if not username or len(username) > USERNAME_MAX or any(ch.isspace() for ch in username):
        raise RosterInvalid(
            f"关联账号用户名不能含空格，且不超过 {USERNAME_MAX} 个字符", field="username"
        )
