"""A stand-in while away (代办人): for a range of days, the tasks assigned to a user are
also offered to another account holding the same roles, who completes them on the
holder's behalf (the history says so).

One setting per user, replaced when set again; every change is in the operation log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import db
from engine.types import UTCDateTime

from ..scope import ancestors
from .models import User, UserRole

STAND_IN_SET = "stand_in_set"
"""Operation-log event: a user named a stand-in (data: username, stand_in, from, to)."""
STAND_IN_CLEARED = "stand_in_cleared"
"""Operation-log event: a user withdrew their stand-in (data: username, stand_in)."""
LONGEST_DAYS = 92
"""A stand-in covers an absence, not a reorganisation: at most about three months."""


class StandIn(db.Model):
    """``stand_in`` also receives ``username``'s assigned tasks from ``starts_on`` to
    ``ends_on`` (Beijing dates, both included)."""

    __tablename__ = "stand_in"
    __table_args__ = (Index("ix_stand_in_stand_in", "stand_in", "ends_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("app_user.username"), unique=True)
    stand_in: Mapped[str] = mapped_column(ForeignKey("app_user.username"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class StandInError(ValueError):
    """A stand-in that cannot be set; ``errors`` maps a form field to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(errors.values()))


@dataclass(frozen=True)
class Choice:
    username: str
    display_name: str


def stand_in_of(session: Session, username: str) -> StandIn | None:
    return session.scalar(select(StandIn).where(StandIn.username == username))


def standing_in_for(session: Session, username: str, day: date) -> frozenset[str]:
    """The users whose assigned tasks ``username`` also receives on ``day``."""
    rows = session.scalars(
        select(StandIn.username).where(
            StandIn.stand_in == username, StandIn.ends_on >= day, StandIn.starts_on <= day
        )
    )
    return frozenset(rows)


def choices(session: Session, user: User, roles: frozenset[str]) -> list[Choice]:
    """Active accounts holding every one of ``roles`` (the user's task roles) whose area
    includes the user's (no region: every area), the user excluded."""
    if not roles:
        return []
    holders = select(UserRole.user_id).where(UserRole.role == sorted(roles)[0])
    areas = [User.region_code.is_(None)]
    if user.region_code is not None:
        areas.append(User.region_code.in_(sorted(ancestors(session, user.region_code))))
    found = session.scalars(
        select(User)
        .where(User.id.in_(holders), User.active, User.id != user.id, or_(*areas))
        .order_by(User.username)
    )
    return [Choice(other.username, other.display_name) for other in found if roles <= other.roles]


def set_stand_in(
    session: Session,
    *,
    user: User,
    roles: frozenset[str],
    stand_in: str,
    starts_on: date | None,
    ends_on: date | None,
    today: date,
    now: datetime,
) -> StandIn:
    """Name (or replace) the user's stand-in; raises ``StandInError`` field by field."""
    errors: dict[str, str] = {}
    if stand_in not in {c.username for c in choices(session, user, roles)}:
        errors["stand_in"] = (
            "请从列表中选择代办人（须为持有您全部办理角色、辖区包含您辖区的其他账号）"
        )
    if starts_on is None:
        errors["starts_on"] = "请填写开始日期"
    if ends_on is None:
        errors["ends_on"] = "请填写结束日期"
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = "结束日期不能早于开始日期"
        elif ends_on < today:
            errors["ends_on"] = "结束日期不能早于今天"
        elif (ends_on - starts_on).days >= LONGEST_DAYS:
            errors["ends_on"] = f"代办期限最长 {LONGEST_DAYS} 天"
    if errors:
        raise StandInError(errors)
    row = stand_in_of(session, user.username) or StandIn(username=user.username)
    row.stand_in, row.starts_on, row.ends_on, row.set_at = stand_in, starts_on, ends_on, now
    session.add(row)
    session.flush()
    return row


def clear_stand_in(session: Session, *, user: User) -> StandIn | None:
    """Withdraw the user's stand-in; returns the row removed (or None)."""
    row = stand_in_of(session, user.username)
    if row is not None:
        session.delete(row)
        session.flush()
    return row
