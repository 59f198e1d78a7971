"""The shared counter table: one row per counter key, expiring as a whole."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db

KEY_LENGTH = 255


class RateCounter(db.Model):
    """A count that lives until ``expires_at`` (Unix seconds), then starts again from zero.

    Written only by atomic upserts (``webapp.throttle.counters``), so two workers, or two
    machines on one PostgreSQL, add to the same count."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    expires_at: Mapped[float] = mapped_column(Float, nullable=False, index=True)
