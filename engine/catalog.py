"""The deployed versions as a library lists them: summaries and files, read from the
version, definition and instance tables only (nothing is deserialized)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import case, func, select

from .bundle import SourceFile
from .enums import InstanceStatus
from .errors import NotFound
from .models import Instance, ProcessDefinition, ProcessVersion
from .views import VersionSummary

if TYPE_CHECKING:
    from .ports import Sessions as Engine


def version_files(engine: Engine, version_id: int) -> list[SourceFile]:
    """Every file of a deployed version, forms included, byte for byte as deployed."""
    with engine.session_factory() as session:
        version = session.get(ProcessVersion, version_id)
        if version is None:
            raise NotFound(f"版本 {version_id} 不存在")
        return [SourceFile(f.name, f.kind, f.content) for f in version.files]


def versions(engine: Engine) -> list[VersionSummary]:
    """Every deployed version, newest first, with its processes and instance counts."""
    with engine.session_factory() as session:
        process_ids: dict[int, list[str]] = {}
        for version_id, process_id in session.execute(
            select(ProcessDefinition.version_id, ProcessDefinition.process_id).order_by(
                ProcessDefinition.process_id
            )
        ):
            process_ids.setdefault(version_id, []).append(process_id)
        running = func.sum(case((Instance.status == InstanceStatus.RUNNING, 1), else_=0))
        counts = {
            version_id: (int(run or 0), total)
            for version_id, run, total in session.execute(
                select(Instance.version_id, running, func.count()).group_by(Instance.version_id)
            )
        }
        rows = session.execute(select(ProcessVersion).order_by(ProcessVersion.id.desc())).scalars()
        return [
            VersionSummary(
                id=row.id,
                content_hash=row.content_hash,
                deployed_at=row.deployed_at,
                deployed_by=row.deployed_by,
                note=row.note,
                process_ids=tuple(process_ids.get(row.id, [])),
                running_instances=counts.get(row.id, (0, 0))[0],
                total_instances=counts.get(row.id, (0, 0))[1],
            )
            for row in rows
        ]
