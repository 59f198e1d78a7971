"""Deploy: validate a whole diagram set, then store it as one immutable version.

Nothing is stored unless every check passes, so a bad diagram never replaces a good
version. The same content deployed again returns the existing version. Files from disk
(the CLI, ``init``) and files from a browser take the same path: ``deploy_set``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from .bundle import SourceFile, collect_set
from .enums import EventType
from .errors import DeployRejected
from .history import PendingEvent
from .lanes import latest_map, version_hash
from .models import ProcessDefinition, ProcessVersion, VersionFile
from .specs import spec_to_json
from .validation import analyse
from .views import DeployResult

if TYPE_CHECKING:
    from .ports import Deployer as Engine


def deploy_set(
    engine: Engine,
    files: Sequence[SourceFile],
    *,
    actor: str,
    note: str,
    lane_map: Mapping[str, str] | None = None,
) -> DeployResult:
    """Validate ``files`` and store them as a version; raises ``DeployRejected``.
    ``lane_map`` maps the diagrams' lanes to roles (``engine.lanes``), over the current
    version's map."""
    analysis = analyse(engine, files, lane_map=lane_map, inherited_lanes=lambda: latest_map(engine))
    if analysis.errors:
        raise DeployRejected(analysis.problems)
    warnings = tuple(analysis.problems)
    stored, parsed = analysis.files, analysis.parsed
    digest = version_hash(stored, analysis.lane_map)
    with engine.unit_of_work() as uow:
        existing = uow.session.execute(
            select(ProcessVersion).where(ProcessVersion.content_hash == digest)
        ).scalar()
        if existing is not None:
            ids = sorted(d.process_id for d in existing.definitions)
            return DeployResult(existing.id, digest, False, ids, warnings)
        now = engine.clock.now()
        version = ProcessVersion(
            content_hash=digest,
            deployed_at=now,
            deployed_by=actor,
            note=note,
            lane_map=analysis.lane_map or None,
        )
        version.files = [VersionFile(name=f.name, kind=f.kind, content=f.content) for f in stored]
        version.definitions = [
            ProcessDefinition(
                process_id=pid, name=p.spec.description or pid, spec_json=spec_to_json(p)
            )
            for pid, p in sorted(parsed.items())
        ]
        uow.session.add(version)
        uow.session.flush()
        uow.record(
            PendingEvent(
                event_type=EventType.VERSION_DEPLOYED,
                at=now,
                actor=actor,
                version_id=version.id,
                data={
                    "hash": digest,
                    "note": note,
                    "processes": sorted(parsed),
                    "files": sorted(f.name for f in stored),
                    **({"lane_map": analysis.lane_map} if analysis.lane_map else {}),
                },
            )
        )
        uow.commit()
        return DeployResult(version.id, digest, True, sorted(parsed), warnings)


def deploy_paths(
    engine: Engine,
    paths: Sequence[Path | str],
    *,
    actor: str,
    note: str,
    forms_dirs: Sequence[Path | str],
    lane_map: Mapping[str, str] | None = None,
) -> DeployResult:
    """Collect the diagrams at ``paths`` and the forms they use, then ``deploy_set``."""
    files, problems = collect_set(paths, forms_dirs)
    if problems:
        raise DeployRejected(problems + analyse(engine, files).problems if files else problems)
    return deploy_set(engine, files, actor=actor, note=note, lane_map=lane_map)
