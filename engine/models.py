"""The engine's tables.

- ``ProcessVersion`` / ``VersionFile`` / ``ProcessDefinition``: an immutable deployed
  diagram set, its files, and each executable process's serialized spec (stored once
  per version, not in every instance).
- ``Instance``: one running process, its serialized state without the spec, and a
  version counter that makes a stale write fail.
- ``TaskRecord`` / ``TaskCandidate`` / ``TimerRecord``: projections that work lists and
  the scheduler read without deserializing anything.
- ``HistoryEvent`` / ``HistoryHead``: the append-only, hash-chained event log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import db
from .enums import InstanceStatus, TaskStatus
from .types import UTCDateTime


class ProcessVersion(db.Model):
    """One deploy: a set of diagram, decision and form files, identified by content hash."""

    __tablename__ = "process_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    lane_map: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    """Lane name → role for diagrams whose lanes are not our roles (``"*"``: human tasks
    outside any lane); applied to the stored specs (``engine.lanes``). None: no map."""

    files: Mapped[list[VersionFile]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="VersionFile.name"
    )
    definitions: Mapped[list[ProcessDefinition]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )


class VersionFile(db.Model):
    """A file of a deployed version, byte for byte as deployed."""

    __tablename__ = "version_file"
    __table_args__ = (UniqueConstraint("version_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # bpmn | dmn | form
    content: Mapped[bytes] = mapped_column(LargeBinary)

    version: Mapped[ProcessVersion] = relationship(back_populates="files")


class ProcessDefinition(db.Model):
    """An executable process of a version with its serialized spec (plus subprocess specs)."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("version_id", "process_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(255), index=True)
    name: Mapped[str] = mapped_column(String(255))
    spec_json: Mapped[str] = mapped_column(Text)

    version: Mapped[ProcessVersion] = relationship(back_populates="definitions")


UNRANKED = 1000
"""The sort rank of an instance nobody ranked: after every ranked one."""
_UNRANKED = text(str(UNRANKED))


class Instance(db.Model):
    """A process instance; ``state`` is SpiffWorkflow's JSON without the spec."""

    __tablename__ = "instance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(255), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    status: Mapped[InstanceStatus] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    started_by: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    end_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    sort_rank: Mapped[int] = mapped_column(Integer, default=UNRANKED, server_default=_UNRANKED)
    """Copied onto the instance's ready task rows (``engine.ranks``); lists order by it."""
    region_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    """The caller's region of the instance (a case's), copied onto its ready task rows
    (``engine.ranks.set_region``): a list of a few regions reads its lane's tasks of those
    regions from an index instead of walking the lane's whole index."""
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """When the caller received the instance's matter (a case's received time), copied onto
    its ready task rows (``engine.ranks.set_received``): a list newest received first reads
    its lane's index in that order instead of joining every task to its case."""

    definition: Mapped[ProcessDefinition] = relationship()

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012


_READY = "status = 'ready'"
_READY_OPEN = "status = 'ready' AND assignee IS NULL AND open_to_lane"
_READY_OPEN_SQLITE = "status = 'ready' AND assignee IS NULL AND open_to_lane = 1"
"""As SQLAlchemy writes the boolean for SQLite: its planner matches the terms literally."""
_READY_NAMED = "status = 'ready' AND assignee IS NULL AND NOT open_to_lane"
_READY_NAMED_SQLITE = "status = 'ready' AND assignee IS NULL AND open_to_lane = 0"


def _newest_first(name: str, column: str, where: str) -> Index:
    """A PostgreSQL index of ready tasks by ``column``, newest received first, as the work
    list orders them (``received_at DESC NULLS LAST, id``); ``info["postgresql_only"]``:
    SQLite has no ``NULLS LAST`` in an index, and reads such a list in one arm anyway."""
    index = Index(
        name,
        column,
        text("received_at DESC NULLS LAST"),
        "id",
        postgresql_where=text(where),
        info={"postgresql_only": True},
    )
    return index.ddl_if(dialect="postgresql")


class TaskRecord(db.Model):
    """Projection of one human task; work lists read only this table."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_status_role", "status", "candidate_role"),
        # Work lists: ready tasks open to every holder of a role, and ready tasks claimed by
        # a user, each in deadline order; partial, so they hold only those rows (migrations
        # 0005, 0014). Tasks for named candidates are found through ``task_candidate``.
        Index(
            "ix_task_ready_open",
            "candidate_role",
            "due_at",
            "instance_id",
            postgresql_where=text(_READY_OPEN),
            sqlite_where=text(_READY_OPEN_SQLITE),
        ),
        Index(
            "ix_task_ready_assignee",
            "assignee",
            "due_at",
            "instance_id",
            postgresql_where=text(_READY),
            sqlite_where=text(_READY),
        ),
        # The same, most urgent first (``sort_rank``), then in deadline order (0026).
        Index(
            "ix_task_ready_open_rank",
            "candidate_role",
            "sort_rank",
            "due_at",
            "instance_id",
            postgresql_where=text(_READY_OPEN),
            sqlite_where=text(_READY_OPEN_SQLITE),
        ),
        Index(
            "ix_task_ready_assignee_rank",
            "assignee",
            "sort_rank",
            "due_at",
            "instance_id",
            postgresql_where=text(_READY),
            sqlite_where=text(_READY),
        ),
        # A lane's open tasks of a few regions (a township's), in deadline order, and most
        # urgent first (0031): one index range per region instead of the lane's whole index.
        Index(
            "ix_task_ready_open_region",
            "candidate_role",
            "region_code",
            "due_at",
            "instance_id",
            postgresql_where=text(_READY_OPEN),
            sqlite_where=text(_READY_OPEN_SQLITE),
        ),
        Index(
            "ix_task_ready_open_region_rank",
            "candidate_role",
            "region_code",
            "sort_rank",
            "due_at",
            "instance_id",
            postgresql_where=text(_READY_OPEN),
            sqlite_where=text(_READY_OPEN_SQLITE),
        ),
        # The same, newest received first (0032; PostgreSQL only: SQLite reads one arm).
        _newest_first("ix_task_ready_open_received", "candidate_role", _READY_OPEN),
        _newest_first("ix_task_ready_assignee_received", "assignee", _READY),
        # Unclaimed ready tasks for named candidates (0032), in each order: a candidate's
        # arm walks its lane's few such tasks in the list's order, probing each one's
        # candidates, where PostgreSQL otherwise walked every unclaimed ready task (39,000
        # rows for a liaison's page 20, 27 ms).
        Index(
            "ix_task_ready_named",
            "candidate_role",
            "due_at",
            "instance_id",
            postgresql_where=text(_READY_NAMED),
            sqlite_where=text(_READY_NAMED_SQLITE),
        ),
        Index(
            "ix_task_ready_named_rank",
            "candidate_role",
            "sort_rank",
            "due_at",
            "instance_id",
            postgresql_where=text(_READY_NAMED),
            sqlite_where=text(_READY_NAMED_SQLITE),
        ),
        _newest_first("ix_task_ready_named_received", "candidate_role", _READY_NAMED),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task UUID
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(255))
    spec_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(120), nullable=True)
    candidate_role: Mapped[str | None] = mapped_column(String(120), nullable=True)
    assignee: Mapped[str | None] = mapped_column(String(120), nullable=True)
    status: Mapped[TaskStatus] = mapped_column(String(16))
    form_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    candidate_unit: Mapped[str | None] = mapped_column(String(20), nullable=True)
    """The first unit the diagram's ``candidateUnits`` named (every one is a
    ``TaskCandidate`` row while the task is ready); shown where the task went."""
    item: Mapped[str | None] = mapped_column(String(255), nullable=True)
    """A multi-instance task's item as people read it (e.g. the department summoned)."""
    sort_rank: Mapped[int] = mapped_column(Integer, default=UNRANKED, server_default=_UNRANKED)
    """The instance's sort rank while the task is ready (``engine.ranks``): lower first."""
    region_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    """The instance's region while the task is ready (``engine.ranks.set_region``)."""
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """The instance's received time while the task is ready (``engine.ranks.set_received``)."""
    open_to_lane: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """Offered to every holder of its lane; false when the diagram named candidate users or
    units: then only the lane's holders among them (``TaskCandidate``) may take it."""


class TaskCandidate(db.Model):
    """A candidate of a ready task: a user (``username``) or a unit (``unit_code``), as
    the diagram's ``candidateUsers``/``candidateUnits`` named them when it became ready.

    Rows exist only while the task is ready (the work list reads them by user and unit);
    the ``task_ready`` history event keeps what was named for good.
    """

    __tablename__ = "task_candidate"
    __table_args__ = (
        Index("ix_task_candidate_username", "username", "task_id"),
        Index("ix_task_candidate_unit", "unit_code", "task_id"),
        CheckConstraint("(username IS NULL) <> (unit_code IS NULL)", name="one_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("task.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(120), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(20), nullable=True)


class TimerRecord(db.Model):
    """A waiting timer's due time; the scheduler claims and fires due rows.

    A firing that fails is counted (``attempts``, ``last_error``) and tried again from
    ``next_try_at`` on, with a growing pause; after the last attempt the timer is parked
    (``parked_at``, 故障) until an admin retries it or cancels its instance. The scheduler
    skips parked timers and those whose next try has not come, so one failing timer
    never holds up the others (``engine.timers``).
    """

    __tablename__ = "timer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    spec_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    parked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class HistoryEvent(db.Model):
    """One append-only event; ``hash`` covers the row and ``prev_hash`` chains it."""

    __tablename__ = "history_event"
    # The auditor's searches page newest first by ``seq`` within one filter (migration 0006).
    __table_args__ = (
        Index("ix_history_event_instance_seq", "instance_id", "seq"),
        Index("ix_history_event_actor_seq", "actor", "seq"),
        Index("ix_history_event_type_seq", "event_type", "seq"),
        # the audit's process filter: the step's own process, else (older rows) the top one
        Index(
            "ix_history_event_step_process_seq",
            text("coalesce(step_process_id, process_id)"),
            "seq",
        ),
        Index("ix_history_event_version_seq", "version_id", "seq"),
        Index("ix_history_event_lane_seq", "lane", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    instance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    process_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    spec_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    spec_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    lane: Mapped[str | None] = mapped_column(String(120), nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    step_process_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    """The process (diagram) that ran the step: the called process for a step inside a call
    activity; ``None`` on rows written before it was recorded (migration 0016)."""


class HistoryHead(db.Model):
    """The single row that names the chain's last event; locking it orders appends."""

    __tablename__ = "history_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class DataStoreValue(db.Model):
    """A BPMN data store's current value (``engine.data_stores``).

    One row per store name, shared by every instance of every diagram whose data store
    has that name (as SpiffWorkflow's and Camunda's stores are shared, not per instance);
    a step writes it in its own transaction, so a failed step leaves it as it was.
    """

    __tablename__ = "data_store_value"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_instance: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The instance whose step wrote the value last (no foreign key: pruning an instance
    keeps the store)."""
    updated_by_process: Mapped[str | None] = mapped_column(String(255), nullable=True)
