"""The ``trial_run`` table: a designer's trial of a diagram set, kept apart from real work.

A trial never writes an instance, task, timer, history or case row: its whole story is this
row. The set's files (diagrams and the forms they use) and the spec of the process tried
are stored with it, so the trial runs on the draft exactly as it was when started, whatever
is deployed or edited since.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db
from ..types import UTCDateTime
from .views import TrialStatus


class TrialRun(db.Model):
    """One trial: its files and spec, the workflow state, its own clock and its step log."""

    __tablename__ = "trial_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[str] = mapped_column(String(120), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    process_id: Mapped[str] = mapped_column(String(255))
    process_name: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(255))
    """Where the files came from, for people: a draft file, or a deployed version."""
    base_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_version.id"), nullable=True
    )
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """``[{"name", "kind", "content"}]``: the set's diagrams and used forms, as text."""
    spec: Mapped[str] = mapped_column(Text)
    """The tried process's serialized spec (with its called processes), as a version stores it."""
    start_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    clock_at: Mapped[datetime] = mapped_column(UTCDateTime())
    """The trial's own time: set at start, moved only by fast-forwarding to a timer."""
    status: Mapped[TrialStatus] = mapped_column(String(16))
    step_count: Mapped[int] = mapped_column(Integer)
    log: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """One entry per step (start, task completed, timer fired, message, failed attempt)."""
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012
