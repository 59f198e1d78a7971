"""部门进驻与值班: which department is stationed at which center, and who is on duty.

A station is one department at one center (a unit of kind 县综治中心 or 乡镇综治中心),
常驻, 轮驻 or 随叫随驻. The duty rota names, per station and day, the liaison (a username)
on duty. A 常驻 station also has a default liaison for the days the rota leaves open; a
轮驻 station is staffed only on its rota days; a 随叫随驻 station has no rota (a summons
goes to the department as a whole).

``liaison_on_duty`` is what a summons asks: for a case in a region, the nearest center
whose area contains it and where the department is stationed (the township's center
before the county's) says who is on duty that day. Every change of a station or of the
rota is an operation-log entry (``station_changed``, ``duty_changed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .calendar import OperationRecorder
from .deadlines import local
from .enums import StationMode
from .models import Department, DutyRota, Region, Station, Unit
from .refusals import FieldRefused
from .region_tree import RegionLinks
from .units import CENTER_KINDS

STATION_CHANGED = "station_changed"
DUTY_CHANGED = "duty_changed"
FIELDS = ("mode", "liaison", "active")
USERNAME_MAX = 80


class StationInvalid(FieldRefused):
    """A station or rota edit that cannot be stored; the message names the field."""


@dataclass(frozen=True)
class StationView:
    """A station as the admin pages and commands list it."""

    id: int
    department_code: str
    department_name: str
    unit_code: str
    unit_name: str
    region_code: str | None
    region_name: str
    mode: str
    liaison: str | None
    active: bool

    @property
    def label(self) -> str:
        """人社局 @ 大满镇综治中心（轮驻）."""
        return f"{self.department_name} @ {self.unit_name}（{self.mode}）"

    @property
    def has_rota(self) -> bool:
        return self.mode != StationMode.ON_CALL


def liaison_on_duty(
    session: Session, *, department_code: str, region_code: str, day: date | datetime
) -> str | None:
    """The username on duty on ``day`` for ``department_code`` at the center whose area
    contains ``region_code``, or ``None``.

    The center is the nearest one up the region tree (the region's own, then each
    ancestor's) with an active station of the department. There: the rota's name for the
    day; on a 常驻 station without one, its default liaison; otherwise (a 轮驻 day off, a
    随叫随驻 department, no station at all) ``None``: the summons goes to the department."""
    the_day = local(day).date() if isinstance(day, datetime) else day
    station = _serving_station(session, department_code, region_code)
    if station is None or station.mode == StationMode.ON_CALL:
        return None
    on_rota = session.scalar(
        select(DutyRota.username).where(DutyRota.station_id == station.id, DutyRota.day == the_day)
    )
    if on_rota is not None:
        return on_rota
    return station.liaison if station.mode == StationMode.RESIDENT else None


def list_stations(session: Session, *, include_inactive: bool = True) -> list[StationView]:
    """Every station, by center then department."""
    query = select(Station)
    if not include_inactive:
        query = query.where(Station.active.is_(True))
    views = [_view(session, station) for station in session.scalars(query)]
    return sorted(views, key=lambda v: (v.region_code or "", v.unit_code, v.department_code))


def station_view(session: Session, station_id: int) -> StationView | None:
    station = session.get(Station, station_id)
    return _view(session, station) if station is not None else None


def station_state(station: Station) -> dict[str, Any]:
    """What the operation log keeps of a station."""
    return {
        "department_code": station.department_code,
        "unit_code": station.unit_code,
        "mode": station.mode,
        "liaison": station.liaison,
        "active": station.active,
    }


def save_station(
    session: Session,
    *,
    station_id: int | None,
    values: Mapping[str, Any],
    actor: str,
    record: OperationRecorder,
    department_code: str | None = None,
    unit_code: str | None = None,
) -> Station:
    """Create a station (``station_id`` None: ``department_code`` at ``unit_code``) or
    update one's mode, default liaison and status. Callers check that ``liaison`` is an
    account of the department (accounts live above this layer)."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise StationInvalid(f"驻点没有字段：{'、'.join(unknown)}")
    station = _get(session, station_id) if station_id is not None else None
    before = station_state(station) if station is not None else None
    if station is None:
        _check_new(session, department_code, unit_code)
        station = Station(department_code=department_code, unit_code=unit_code, active=True)
        department = session.get(Department, department_code)
        station.mode = department.station if department is not None else StationMode.RESIDENT
    for field, value in values.items():
        setattr(station, field, value)
    try:
        _check(station)
    except StationInvalid:
        if before is not None:
            session.expire(station)  # a refused edit leaves the row as it was
        raise
    session.add(station)
    session.flush()
    after = station_state(station)
    if after != before:
        record(
            session,
            event_type=STATION_CHANGED,
            actor=actor,
            data={"station_id": station.id, "before": before, "after": after},
        )
    return station


def rota(session: Session, *, station_id: int, first: date, last: date) -> dict[date, str]:
    """The rota of a station from ``first`` to ``last`` (inclusive): day → username."""
    rows = session.execute(
        select(DutyRota.day, DutyRota.username).where(
            DutyRota.station_id == station_id, DutyRota.day >= first, DutyRota.day <= last
        )
    )
    return dict(rows.all())


def week_of(day: date) -> list[date]:
    """The Monday-to-Sunday week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def set_duty(
    session: Session,
    *,
    station_id: int,
    day: date,
    username: str | None,
    actor: str,
    record: OperationRecorder,
) -> bool:
    """Put ``username`` on duty at the station on ``day`` (``None``: nobody named); returns
    whether the rota changed. Callers check that ``username`` is an account of the
    station's department."""
    station = _get(session, station_id)
    if station.mode == StationMode.ON_CALL:
        raise StationInvalid(f"{station.mode}的部门不排班：被召集时由部门派人", field="day")
    if username is not None:
        _check_username(username, field="username")
    row = session.scalar(
        select(DutyRota).where(DutyRota.station_id == station_id, DutyRota.day == day)
    )
    before = row.username if row is not None else None
    if before == username:
        return False
    if row is not None and username is None:
        session.delete(row)
    elif row is not None:
        row.username = username
    else:
        session.add(DutyRota(station_id=station_id, day=day, username=username))
    session.flush()
    record(
        session,
        event_type=DUTY_CHANGED,
        actor=actor,
        data={
            "station_id": station.id,
            "department_code": station.department_code,
            "unit_code": station.unit_code,
            "day": day.isoformat(),
            "before": before,
            "after": username,
        },
    )
    return True


# -- reading ------------------------------------------------------------------------------


def _serving_station(session: Session, department_code: str, region_code: str) -> Station | None:
    chain = RegionLinks.load(session).chain(region_code)
    rows = session.execute(
        select(Station, Unit.region_code)
        .join(Unit, Unit.code == Station.unit_code)
        .where(
            Station.department_code == department_code,
            Station.active.is_(True),
            Unit.active.is_(True),
            Unit.kind.in_([str(kind) for kind in CENTER_KINDS]),
            Unit.region_code.in_(chain),
        )
    ).all()
    nearest = min(rows, key=lambda row: (chain.index(row[1]), row[0].unit_code), default=None)
    return nearest[0] if nearest is not None else None


def _get(session: Session, station_id: int) -> Station:
    station = session.get(Station, station_id)
    if station is None:
        raise StationInvalid(f"没有编号为 {station_id} 的驻点", field="station")
    return station


def _view(session: Session, station: Station) -> StationView:
    department = session.get(Department, station.department_code)
    unit = session.get(Unit, station.unit_code)
    region = session.get(Region, unit.region_code) if unit and unit.region_code else None
    return StationView(
        id=station.id,
        department_code=station.department_code,
        department_name=department.name if department else station.department_code,
        unit_code=station.unit_code,
        unit_name=unit.name if unit else station.unit_code,
        region_code=unit.region_code if unit else None,
        region_name=region.name if region else "",
        mode=station.mode,
        liaison=station.liaison,
        active=station.active,
    )


# -- checks ---------------------------------------------------------------------------


def _check_new(session: Session, department_code: str | None, unit_code: str | None) -> None:
    department = session.get(Department, department_code) if department_code else None
    if department is None:
        raise StationInvalid(
            f"部门代码不存在：{department_code or '（未选择）'}", field="department_code"
        )
    if not department.active:
        raise StationInvalid(f"部门已停用：{department.name}", field="department_code")
    unit = session.get(Unit, unit_code) if unit_code else None
    if unit is None:
        raise StationInvalid(f"单位代码不存在：{unit_code or '（未选择）'}", field="unit_code")
    if unit.kind not in CENTER_KINDS or not unit.active:
        raise StationInvalid(
            f"部门只能进驻启用中的综治中心（{unit.name}是{unit.kind}）", field="unit_code"
        )
    taken = session.scalar(
        select(Station.id).where(
            Station.department_code == department_code, Station.unit_code == unit_code
        )
    )
    if taken is not None:
        raise StationInvalid(
            f"{department.name}已进驻{unit.name}（驻点 {taken}），请修改那一条", field="unit_code"
        )


def _check(station: Station) -> None:
    if station.mode not in StationMode._value2member_map_:
        known = "、".join(mode.value for mode in StationMode)
        raise StationInvalid(f"进驻方式必须是：{known}", field="mode")
    if station.liaison is not None:
        _check_username(station.liaison, field="liaison")
        if station.mode != StationMode.RESIDENT:
            raise StationInvalid(
                f"只有常驻部门设默认值班人；{station.mode}的值班人按值班表", field="liaison"
            )


def _check_username(username: str, *, field: str) -> None:
    if not username or len(username) > USERNAME_MAX or any(ch.isspace() for ch in username):
        raise StationInvalid(f"用户名不能含空格，且不超过 {USERNAME_MAX} 个字符", field=field)
