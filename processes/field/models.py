"""Tables of field work.

- ``FieldReport``: one event reported from a phone, keyed by the id the phone made
  (``client_id``), so the same report sent twice is one row and one case.
- ``PhotoUpload`` / ``PhotoChunk``: a photo arriving in chunks, keyed by its SHA-256; a
  dropped upload resumes from the bytes the server holds.
- ``ScreeningRound`` / ``ScreeningFinding``: a screening round (排查) and what it found.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db
from engine.types import UTCDateTime


class FieldReport(db.Model):
    """An event reported from the field; ``payload`` is what the phone sent."""

    __tablename__ = "field_report"
    __table_args__ = (Index("ix_field_report_reporter", "reporter", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    reporter: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_case.id"))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("screening_finding.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PhotoUpload(db.Model):
    """A file arriving in chunks: ``received`` bytes of ``size`` are stored, in order."""

    __tablename__ = "photo_upload"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer, default=0)
    uploader: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PhotoChunk(db.Model):
    """One chunk of an upload, at its byte offset."""

    __tablename__ = "photo_chunk"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("photo_upload.sha256", ondelete="CASCADE"), primary_key=True
    )
    offset: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ScreeningRound(db.Model):
    """One screening round of a grid: kind, day, how many households or places visited."""

    __tablename__ = "screening_round"
    __table_args__ = (Index("ix_screening_round_region_day", "region_code", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    worker: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    kind: Mapped[str] = mapped_column(String(10))
    held_on: Mapped[date] = mapped_column(Date)
    visited: Mapped[int] = mapped_column(Integer)
    visited_note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    findings: Mapped[list[ScreeningFinding]] = relationship(
        back_populates="round", order_by="ScreeningFinding.position"
    )


class ScreeningFinding(db.Model):
    """Something a round found (a dispute brewing, a hazard): it may become a report."""

    __tablename__ = "screening_finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("screening_round.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    round: Mapped[ScreeningRound] = relationship(back_populates="findings")
