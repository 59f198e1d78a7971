"""Running instances that could move to a newer version of their process: their case code,
the tasks they wait at, and whether the engine would let each migrate (and why not)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine import Engine, InstanceStatus, TaskStatus
from engine.models import Instance, ProcessDefinition, TaskRecord
from processes.models import Case

LIMIT = 200
"""At most this many instances are checked on one page (each check loads the instance)."""


@dataclass(frozen=True)
class Candidate:
    instance_id: int
    process_id: str
    version_id: int
    started_at: datetime
    case_code: str | None
    waiting: list[str]
    """The names of the human tasks it waits at."""
    problems: list[str]
    """Why it may not migrate (empty: it may)."""

    @property
    def may_migrate(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Candidates:
    to_version_id: int
    rows: list[Candidate]
    more: bool
    """More instances wait than were checked (LIMIT)."""

    @property
    def movable(self) -> int:
        return sum(row.may_migrate for row in self.rows)


def process_ids(engine: Engine, version_id: int) -> list[str]:
    with engine.session_factory() as session:
        return list(
            session.scalars(
                select(ProcessDefinition.process_id).where(
                    ProcessDefinition.version_id == version_id
                )
            )
        )


def candidates(
    engine: Engine, to_version_id: int, *, from_version_id: int | None = None
) -> Candidates:
    """Running instances on versions older than ``to_version_id`` (or on ``from_version_id``)
    of processes that version has, oldest version first."""
    processes = process_ids(engine, to_version_id)
    query = (
        select(Instance.id, Instance.process_id, Instance.version_id, Instance.started_at)
        .where(
            Instance.status == InstanceStatus.RUNNING,
            Instance.version_id < to_version_id,
            Instance.process_id.in_(processes),
        )
        .order_by(Instance.version_id, Instance.id)
        .limit(LIMIT + 1)
    )
    if from_version_id is not None:
        query = query.where(Instance.version_id == from_version_id)
    with engine.session_factory() as session:
        found = list(session.execute(query))
        ids = [row.id for row in found[:LIMIT]]
        cases = select(Case.instance_id, Case.code).where(Case.instance_id.in_(ids))
        codes = {instance_id: code for instance_id, code in session.execute(cases)}
        waiting: dict[int, list[str]] = defaultdict(list)
        tasks = select(TaskRecord.instance_id, TaskRecord.name).where(
            TaskRecord.instance_id.in_(ids), TaskRecord.status == TaskStatus.READY
        )
        for instance_id, name in session.execute(tasks.order_by(TaskRecord.created_at)):
            waiting[instance_id].append(name)
    rows = [
        Candidate(
            instance_id=row.id,
            process_id=row.process_id,
            version_id=row.version_id,
            started_at=row.started_at,
            case_code=codes.get(row.id),
            waiting=waiting.get(row.id, []),
            problems=engine.migration_problems(row.id, to_version_id),
        )
        for row in found[:LIMIT]
    ]
    return Candidates(to_version_id, rows, len(found) > LIMIT)
