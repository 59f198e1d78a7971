"""Demo logins for trying the system out: one per role plus an administrator."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from processes import demo_directory as demo_units
from processes.calendar import OperationRecorder
from processes.models import Department, Region, Unit
from processes.reference import DEMO_REGIONS
from processes.roles import Role

from .service import create_user, find_user, grant_roles

DEMO_PASSWORD = "demo1234"
ADMIN_PASSWORD = "admin1234"
DEMO_DEPARTMENT = "justice"

_DEMO_NAMES: dict[Role, str] = {
    Role.GRID_WORKER: "demo_wangge",
    Role.VILLAGE_MEDIATION: "demo_cuntiao",
    Role.TOWNSHIP_CENTER: "demo_zhenzongzhi",
    Role.TOWNSHIP_LEADERSHIP: "demo_zhendangwei",
    Role.COUNTY_CENTER: "demo_xianzongzhi",
    Role.MEDIATOR: "demo_tiaojie",
    Role.DEPARTMENT: "demo_bumen",
    Role.CASE_LEADER: "demo_baoan",
    Role.SUPERVISOR: "demo_duban",
    Role.PROCESS_DESIGNER: "demo_sheji",
    Role.AUDITOR: "demo_shenji",
    Role.ADMIN: "demo_guanli",
}


_COUNTY, _TOWNSHIP, _VILLAGE, _GRID = (code for code, *_ in DEMO_REGIONS[:4])
_SCOPES: dict[Role, tuple[str | None, str | None, str]] = {
    Role.GRID_WORKER: (_GRID, None, demo_units.VILLAGE_COMMITTEE),
    Role.VILLAGE_MEDIATION: (_VILLAGE, None, demo_units.VILLAGE_COMMITTEE),
    Role.TOWNSHIP_CENTER: (_TOWNSHIP, None, demo_units.TOWNSHIP_CENTER),
    Role.TOWNSHIP_LEADERSHIP: (_TOWNSHIP, None, demo_units.TOWNSHIP_GOVERNMENT),
    Role.MEDIATOR: (_TOWNSHIP, None, demo_units.TOWNSHIP_MEDIATION),
    Role.COUNTY_CENTER: (_COUNTY, None, demo_units.COUNTY_CENTER),
    Role.SUPERVISOR: (_COUNTY, None, demo_units.COUNTY_CENTER),
    Role.CASE_LEADER: (_COUNTY, None, demo_units.COUNTY_CENTER),
    Role.DEPARTMENT: (_COUNTY, DEMO_DEPARTMENT, DEMO_DEPARTMENT),
}
"""Each demo user's (region, department, unit). Designers, auditors and admins see every
area and belong to the county center that runs the system. The regions are
``processes.reference.DEMO_REGIONS``, the units ``processes.demo_directory.DEMO_UNITS``;
``justice`` (司法所) is seeded by migration 0002 and is a unit since 0014."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    created: bool


LIAISONS: dict[str, tuple[str, str]] = {
    "demo_renshe": ("labour", "演示人社局联络员"),
    "demo_zhujian": ("housing", "演示住建局联络员"),
}
"""Two more department liaisons, so a 吹哨 can summon 人社局 and 住建局 and name a 责任人
of either: username → (department, display name). 人社局's is its liaison on duty at the
county center (``ensure_demo_directory``); 住建局 is 随叫随驻, so its 报到 goes to its people."""


def ensure_demo_users(session: Session) -> list[DemoLogin]:
    """Create missing demo users; existing ones keep their password and get their role.

    Each gets the region, department and unit of its role where that row exists and the
    user has none yet, so run ``ensure_demo_regions`` and ``ensure_demo_units`` first."""
    wanted = [(name, DEMO_PASSWORD, role) for role, name in _DEMO_NAMES.items()]
    wanted.append(("admin", ADMIN_PASSWORD, Role.ADMIN))
    logins = [_ensure(session, username, pw, role) for username, pw, role in wanted]
    for username, (department, display) in LIAISONS.items():
        scope = (_COUNTY, department, department)
        logins.append(
            _ensure(session, username, DEMO_PASSWORD, Role.DEPARTMENT, display=display, scope=scope)
        )
    return logins


def _ensure(
    session: Session,
    username: str,
    password: str,
    role: Role,
    *,
    display: str | None = None,
    scope: tuple[str | None, str | None, str] | None = None,
) -> DemoLogin:
    created = find_user(session, username=username) is None
    if created:
        display = display or ("管理员" if username == "admin" else f"演示{role.value}")
        user = create_user(
            session, username=username, display_name=display, password=password, roles=[role]
        )
    else:
        user = grant_roles(session, username=username, roles=[role])
    region, department, unit = scope or _SCOPES.get(role, (None, None, demo_units.COUNTY_CENTER))
    if user.region_code is None and region and session.get(Region, region) is not None:
        user.region_code = region
    if user.department_code is None and department and session.get(Department, department):
        user.department_code = department
    if user.unit_code is None and session.get(Unit, unit) is not None:
        user.unit_code = unit
    session.flush()
    return DemoLogin(username, password, role, created=created)


def ensure_demo_directory(session: Session, *, actor: str, record: OperationRecorder) -> int:
    """The demo roster and station, naming the demo mediator and liaison (run after
    ``ensure_demo_users``); how many rows were added."""
    added = demo_units.ensure_demo_roster(
        session, mediator=_DEMO_NAMES[Role.MEDIATOR], actor=actor, record=record
    )
    stationed = ((DEMO_DEPARTMENT, _DEMO_NAMES[Role.DEPARTMENT]), ("labour", "demo_renshe"))
    for department, liaison in stationed:
        added += demo_units.ensure_demo_station(
            session, department_code=department, liaison=liaison, actor=actor, record=record
        )
    return added
