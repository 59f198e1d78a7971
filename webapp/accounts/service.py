"""Account use cases. Functions add to the session and never commit: callers do."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from processes.roles import Role

from .models import User, UserRole

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for people."""


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
) -> User:
    """A new active user with the given roles."""
    username = username.strip()
    if not username:
        raise AccountError("用户名不能为空")
    if not display_name.strip():
        raise AccountError("姓名不能为空")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    checked = parse_roles(roles)
    if find_user(session, username=username) is not None:
        raise AccountError(f"用户名已存在：{username}")
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=generate_password_hash(password),
        active=True,
    )
    user.role_rows = [UserRole(role=role.value) for role in checked]
    session.add(user)
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
