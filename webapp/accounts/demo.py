"""Demo logins for trying the system out: one per role plus an administrator."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from processes.roles import Role

from .service import create_user, find_user, grant_roles

DEMO_PASSWORD = "demo1234"
ADMIN_PASSWORD = "admin1234"

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


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    created: bool


def ensure_demo_users(session: Session) -> list[DemoLogin]:
    """Create missing demo users; existing ones keep their password and get their role."""
    wanted = [(name, DEMO_PASSWORD, role) for role, name in _DEMO_NAMES.items()]
    wanted.append(("admin", ADMIN_PASSWORD, Role.ADMIN))
    return [_ensure(session, username, pw, role) for username, pw, role in wanted]


def _ensure(session: Session, username: str, password: str, role: Role) -> DemoLogin:
    if find_user(session, username=username) is None:
        display = "管理员" if username == "admin" else f"演示{role.value}"
        create_user(
            session, username=username, display_name=display, password=password, roles=[role]
        )
        return DemoLogin(username, password, role, created=True)
    grant_roles(session, username=username, roles=[role])
    return DemoLogin(username, password, role, created=False)
