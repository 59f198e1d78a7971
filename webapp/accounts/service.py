"""Account use cases. Functions add to the session and never commit: callers do."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engine import EventType
from processes.calendar import OperationRecorder
from processes.models import Department, Region, Unit
from processes.roles import Role

from .models import User, UserRole

MIN_PASSWORD_LENGTH = 8
USERNAME_MAX = 80
DISPLAY_NAME_MAX = 120


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the messages are for people.

    ``errors`` maps a form field (``username``, ``password``, ``display_name``, ``roles``,
    ``region_code``, ``department_code``, ``unit_code``, ``active``; ``""`` for none) to
    its message.
    """

    def __init__(self, message: str | None = None, *, errors: Mapping[str, str] | None = None):
        self.errors: dict[str, str] = dict(errors) if errors else {"": message or ""}
        super().__init__("；".join(self.errors.values()))


@dataclass(frozen=True)
class Profile:
    """What an admin edits on a user: everything but the username and the password."""

    display_name: str
    roles: tuple[str, ...] = ()
    region_code: str | None = None
    """``None``: every region (administrators, auditors, designers)."""
    department_code: str | None = None
    active: bool = True
    unit_code: str | None = None
    """The unit the account belongs to; a new liaison without one gets their department's
    (every department is a unit with the same code)."""


def parse_role(text: str) -> Role:
    """A role from its Chinese name (``网格员``) or member name (``GRID_WORKER``)."""
    value = text.strip()
    if value in Role._value2member_map_:
        return Role(value)
    by_name = Role.__members__.get(value.upper())
    if by_name is not None:
        return by_name
    known = "、".join(role.value for role in Role)
    raise AccountError(f"未知角色：{text}（可用角色：{known}）")


def parse_roles(texts: Iterable[str]) -> list[Role]:
    roles: list[Role] = []
    for text in texts:
        role = parse_role(text)
        if role not in roles:
            roles.append(role)
    return roles


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[str] = (),
    region_code: str | None = None,
    department_code: str | None = None,
    unit_code: str | None = None,
) -> User:
    """A new active user with the given roles, scope and unit (by default a liaison's
    department's); every bad field is reported."""
    username = username.strip()
    profile = Profile(
        display_name,
        tuple(roles),
        region_code,
        department_code,
        unit_code=unit_code or _unit_of_department(session, department_code),
    )
    errors: dict[str, str] = {}
    _check_username(session, username, errors)
    _check_password(password, errors)
    checked_roles = _check_profile(session, profile, errors, current=None)
    if errors:
        raise AccountError(errors=errors)
    user = User(username=username, password_hash=generate_password_hash(password))
    _apply_profile(user, profile, checked_roles)
    session.add(user)
    session.flush()
    return user


def update_user(
    session: Session, *, username: str, profile: Profile, acting_username: str | None = None
) -> User:
    """Replace the user's profile. ``acting_username`` (the admin doing it) may not lock
    themselves out: deactivate their own account or drop their own 管理员 role."""
    user = _get_user(session, username)
    errors: dict[str, str] = {}
    checked_roles = _check_profile(session, profile, errors, current=user)
    if acting_username == user.username:
        _check_not_locking_out(user, profile, checked_roles, errors)
    if errors:
        raise AccountError(errors=errors)
    _apply_profile(user, profile, checked_roles)
    session.flush()
    return user


def change_profile(
    session: Session,
    *,
    username: str,
    changes: Mapping[str, Any],
    acting_username: str | None = None,
) -> User:
    """Change some ``Profile`` fields of the user, keeping the others (see ``update_user``).

    A liaison whose unit is their department's follows a change of department unless the
    unit is changed too."""
    current = profile_of(_get_user(session, username))
    profile = dataclasses.replace(current, **changes)
    follows = current.unit_code is not None and current.unit_code == current.department_code
    if follows and "department_code" in changes and "unit_code" not in changes:
        unit = _unit_of_department(session, profile.department_code)
        profile = dataclasses.replace(profile, unit_code=unit)
    return update_user(session, username=username, profile=profile, acting_username=acting_username)


def profile_of(user: User) -> Profile:
    """The user's current profile (to change a few fields with ``dataclasses.replace``)."""
    return Profile(
        display_name=user.display_name,
        roles=tuple(sorted(user.roles)),
        region_code=user.region_code,
        department_code=user.department_code,
        active=user.active,
        unit_code=user.unit_code,
    )


def reset_password(session: Session, *, username: str, password: str) -> User:
    """Give the user a new password (an admin's reset); every session the user had ends."""
    user = _get_user(session, username)
    errors: dict[str, str] = {}
    _check_password(password, errors)
    if errors:
        raise AccountError(errors=errors)
    user.password_hash = generate_password_hash(password)
    user.session_version = (user.session_version or 0) + 1
    session.flush()
    return user


def grant_roles(session: Session, *, username: str, roles: Iterable[str]) -> User:
    """Add roles the user does not hold yet; holding one already is not an error."""
    checked = parse_roles(roles)
    user = _get_user(session, username)
    held = user.roles
    user.role_rows.extend(UserRole(role=r.value) for r in checked if r.value not in held)
    session.flush()
    return user


def revoke_roles(session: Session, *, username: str, roles: Iterable[str]) -> User:
    """Remove roles; revoking one the user does not hold is not an error."""
    removed = {role.value for role in parse_roles(roles)}
    user = _get_user(session, username)
    user.role_rows = [row for row in user.role_rows if row.role not in removed]
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    """All users, by username, roles loaded."""
    return list(session.scalars(select(User).order_by(User.username)))


def find_user(session: Session, *, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this name and password, else ``None``."""
    user = find_user(session, username=username.strip())
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def account_problem(
    session: Session, username: str | None, *, department_code: str | None = None
) -> str | None:
    """Why ``username`` cannot be named (on the roster, on a rota): no such user, an
    inactive one, or, with ``department_code``, one who does not answer for that department
    (neither their department nor their unit is it). ``None``: it can."""
    if username is None:
        return None
    user = find_user(session, username=username)
    if user is None:
        return f"用户不存在：{username}"
    if not user.active:
        return f"账号已停用：{username}（{user.display_name}）"
    if department_code and department_code not in (user.department_code, user.unit_code):
        department = session.get(Department, department_code)
        name = department.name if department is not None else department_code
        return f"{user.display_name}（{username}）不是{name}的人员"
    return None


def department_people(session: Session, department_code: str) -> list[User]:
    """The active accounts answering for a department (by department or unit), by name."""
    query = select(User).where(
        User.active.is_(True),
        (User.department_code == department_code) | (User.unit_code == department_code),
    )
    return list(session.scalars(query.order_by(User.display_name, User.username)))


# -- the operation log ------------------------------------------------------------------


def user_state(user: User) -> dict[str, Any]:
    """What the operation log keeps of a user (never the password hash)."""
    return {
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "region_code": user.region_code,
        "department_code": user.department_code,
        "unit_code": user.unit_code,
        "active": user.active,
    }


def record_user_change(
    session: Session,
    record: OperationRecorder,
    *,
    actor: str,
    action: str,
    user: User,
    before: Mapping[str, Any] | None,
) -> None:
    """Log ``action`` on ``user`` (``user_changed``) with the state before and after."""
    after = user_state(user)
    record(
        session,
        event_type=EventType.USER_CHANGED,
        actor=actor,
        data={
            "action": action,
            "username": user.username,
            "before": dict(before) if before is not None else None,
            "after": after,
            "roles_before": list(before["roles"]) if before is not None else [],
            "roles_after": after["roles"],
        },
    )


def record_lock_change(
    session: Session,
    record: OperationRecorder,
    *,
    actor: str,
    action: str,
    username: str,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Log a login lock (``action`` ``lock``, by the system after repeated failures) or its
    lifting (``unlock``, by an admin) on the login name ``username`` (``user_changed``)."""
    record(
        session,
        event_type=EventType.USER_CHANGED,
        actor=actor,
        data={"action": action, "username": username, **(details or {})},
    )


# -- checks ---------------------------------------------------------------------------


def _check_username(session: Session, username: str, errors: dict[str, str]) -> None:
    if not username:
        errors["username"] = "用户名不能为空"
    elif len(username) > USERNAME_MAX or any(ch.isspace() for ch in username):
        errors["username"] = f"用户名不能含空格，且不超过 {USERNAME_MAX} 个字符"
    elif find_user(session, username=username) is not None:
        errors["username"] = f"用户名已存在：{username}"


def _check_password(password: str, errors: dict[str, str]) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符"


def _check_profile(
    session: Session, profile: Profile, errors: dict[str, str], *, current: User | None
) -> list[Role]:
    name = profile.display_name.strip()
    if not name:
        errors["display_name"] = "姓名不能为空"
    elif len(name) > DISPLAY_NAME_MAX:
        errors["display_name"] = f"姓名不超过 {DISPLAY_NAME_MAX} 个字符"
    roles: list[Role] = []
    try:
        roles = parse_roles(profile.roles)
    except AccountError as exc:
        errors["roles"] = str(exc)
    kept_region = current.region_code if current else None
    kept_department = current.department_code if current else None
    problem = _reference_problem(session, Region, "区划", profile.region_code, kept_region)
    if problem:
        errors["region_code"] = problem
    problem = _reference_problem(
        session, Department, "部门", profile.department_code, kept_department
    )
    if problem:
        errors["department_code"] = problem
    kept_unit = current.unit_code if current else None
    problem = _reference_problem(session, Unit, "单位", profile.unit_code, kept_unit)
    if problem:
        errors["unit_code"] = problem
    return roles


def _reference_problem(
    session: Session, model: type, label: str, code: str | None, kept: str | None
) -> str | None:
    """Why ``code`` cannot be assigned: unknown, or deactivated (unless already held)."""
    if code is None:
        return None
    row = session.get(model, code)
    if row is None:
        return f"{label}代码不存在：{code}"
    if not row.active and code != kept:
        return f"{label}已停用：{row.name}（{code}）"
    return None


def _unit_of_department(session: Session, department_code: str | None) -> str | None:
    """The unit of a department (the same code), if there is one."""
    if department_code is None or session.get(Unit, department_code) is None:
        return None
    return department_code


def _check_not_locking_out(
    user: User, profile: Profile, roles: list[Role], errors: dict[str, str]
) -> None:
    if not profile.active and user.active:
        errors["active"] = "不能停用自己的账号（请由另一位管理员操作）"
    if Role.ADMIN.value in user.roles and Role.ADMIN not in roles:
        errors.setdefault("roles", "不能收回自己的管理员角色（请由另一位管理员操作）")


def _apply_profile(user: User, profile: Profile, roles: list[Role]) -> None:
    user.display_name = profile.display_name.strip()
    user.region_code = profile.region_code
    user.department_code = profile.department_code
    user.unit_code = profile.unit_code
    user.active = profile.active
    wanted = [role.value for role in roles]
    kept = [row for row in user.role_rows if row.role in wanted]
    held = {row.role for row in kept}
    user.role_rows = kept + [UserRole(role=r) for r in wanted if r not in held]


def _get_user(session: Session, username: str) -> User:
    user = find_user(session, username=username)
    if user is None:
        raise AccountError(f"用户不存在：{username}")
    return user


@cache
def _dummy_hash() -> str:
    """Checked when the user does not exist, so a wrong name costs as long as a wrong
    password and response time does not reveal which usernames exist."""
    return generate_password_hash("not-a-real-password")
