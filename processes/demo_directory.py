"""The demo's units, roster and station (``zongzhi init --demo``), on the demo region tree
of ``processes.reference.DEMO_REGIONS`` (甘州区 › 大满镇 › 大满村, 新华村).

Each function adds what is missing and leaves what exists (an admin may have changed it);
every row is written through the services, so each is in the operation log.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .calendar import OperationRecorder
from .enums import RosterKind, StationMode, UnitKind
from .models import Region, RosterEntry, Station, Unit
from .reference import DEMO_REGIONS
from .roster import save_entry
from .stations import save_station
from .units import save_unit

COUNTY, TOWNSHIP, VILLAGE, _GRID, OTHER_VILLAGE = (code for code, *_ in DEMO_REGIONS[:5])

COUNTY_CENTER = f"{COUNTY}ZZ"
TOWNSHIP_CENTER = f"{TOWNSHIP}ZZ"
TOWNSHIP_GOVERNMENT = f"{TOWNSHIP}DZ"
TOWNSHIP_MEDIATION = f"{TOWNSHIP}TJ"
VILLAGE_COMMITTEE = f"{VILLAGE}CW"
COURT_INVITED = f"{COUNTY}TY"

DEMO_UNITS: list[tuple[str, str, UnitKind, str, str | None]] = [
    (COUNTY_CENTER, "甘州区综治中心", UnitKind.COUNTY_CENTER, COUNTY, None),
    (TOWNSHIP_CENTER, "大满镇综治中心", UnitKind.TOWNSHIP_CENTER, TOWNSHIP, COUNTY_CENTER),
    (TOWNSHIP_GOVERNMENT, "大满镇党委政府", UnitKind.TOWNSHIP_GOVERNMENT, TOWNSHIP, None),
    (
        TOWNSHIP_MEDIATION,
        "大满镇人民调解委员会",
        UnitKind.MEDIATION_ORGANISATION,
        TOWNSHIP,
        None,
    ),
    (VILLAGE_COMMITTEE, "大满村村民委员会", UnitKind.VILLAGE, VILLAGE, TOWNSHIP_GOVERNMENT),
    (
        f"{OTHER_VILLAGE}CW",
        "新华村村民委员会",
        UnitKind.VILLAGE,
        OTHER_VILLAGE,
        TOWNSHIP_GOVERNMENT,
    ),
    (COURT_INVITED, "甘州区人民法院特邀调解组织", UnitKind.COURT_INVITED, COUNTY, None),
]
"""(code, name, kind, region, parent unit): a unit code is its region's code and a suffix
(ZZ 综治中心, DZ 党委政府, TJ 调解委员会, CW 村委会, TY 特邀调解)."""


def ensure_demo_units(session: Session, *, actor: str, record: OperationRecorder) -> int:
    """Create the demo units where missing (their regions must exist); how many were added."""
    added = 0
    for code, name, kind, region, parent in DEMO_UNITS:
        if session.get(Unit, code) is None and session.get(Region, region) is not None:
            values = {"name": name, "kind": kind, "region_code": region, "parent_code": parent}
            save_unit(session, code=code, values=values, actor=actor, record=record, create=True)
            added += 1
    return added


def ensure_demo_roster(
    session: Session, *, mediator: str, actor: str, record: OperationRecorder
) -> int:
    """Two people on the roster: the demo mediator (account ``mediator``) for any dispute
    in 大满镇, and a court-invited mediator of the county for contract and labour cases."""
    wanted = [
        ("王调解", RosterKind.PEOPLES_MEDIATOR, TOWNSHIP_MEDIATION, TOWNSHIP, [], mediator),
        ("陈特邀", RosterKind.INVITED_MEDIATOR, COURT_INVITED, COUNTY, ["04", "10"], None),
    ]
    added = 0
    for name, kind, unit, region, skills, username in wanted:
        exists = session.scalar(select(RosterEntry.id).where(RosterEntry.name == name))
        if exists is None and session.get(Unit, unit) is not None:
            values = {
                "name": name,
                "kind": kind,
                "unit_code": unit,
                "region_code": region,
                "skills": skills,
                "username": username,
            }
            save_entry(session, entry_id=None, values=values, actor=actor, record=record)
            added += 1
    return added


def ensure_demo_station(
    session: Session,
    *,
    department_code: str,
    liaison: str,
    actor: str,
    record: OperationRecorder,
) -> bool:
    """A demo liaison's department stationed 常驻 at the county center, with them as its
    default liaison on duty (whatever the department's usual mode: the demo needs a liaison
    on duty every day); whether it was added."""
    exists = session.scalar(
        select(Station.id).where(
            Station.department_code == department_code, Station.unit_code == COUNTY_CENTER
        )
    )
    if exists is not None or session.get(Unit, COUNTY_CENTER) is None:
        return False
    save_station(
        session,
        station_id=None,
        department_code=department_code,
        unit_code=COUNTY_CENTER,
        values={"mode": StationMode.RESIDENT, "liaison": liaison},
        actor=actor,
        record=record,
    )
    return True
