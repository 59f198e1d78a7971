"""People who log in, and the roles each holds."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db


def _now() -> datetime:
    return datetime.now(UTC)


class User(db.Model):
    """A login. ``active`` false means the person can no longer log in; rows are never deleted."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), nullable=True)
    """The area the user works in; they see cases in it and below. ``None``: every area."""
    department_code: Mapped[str | None] = mapped_column(
        ForeignKey("department.code"), nullable=True
    )
    """The department a 部门 liaison answers for (read by the summons views; the unit below
    says the same for newer code: a liaison's unit is their department's)."""
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("unit.code"), nullable=True)
    """The unit the account belongs to (``processes.models.Unit``): a department, a center,
    a village committee, a mediation organisation. Tasks offered to a unit reach its users."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    session_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    """Part of every login session's id: logging out or a new password adds one, so every
    session cookie issued before (a copied one too) stops working."""

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        """The role names (``processes.roles.Role`` values) this user holds."""
        return frozenset(row.role for row in self.role_rows)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The id kept in the session: ``"<id>:<session_version>"`` (see ``session_version``)."""
        return f"{self.id}:{self.session_version or 0}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="role_rows")
