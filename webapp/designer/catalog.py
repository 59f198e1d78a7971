"""The process library as the designer reads it: every process with its deployed versions,
how many instances run and ran on each, and which file of a version holds it.

Counts and names come from small column queries (no spec or instance state is loaded).
Which file holds a process is read from the version's BPMN files once per version content
(versions never change), then kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from engine import Engine, InstanceStatus, UnsafeXml
from engine.models import Instance, ProcessDefinition
from engine.xmlsafe import parse_xml

BPMN_PROCESS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}process"


@dataclass(frozen=True)
class Counts:
    running: int = 0
    total: int = 0


@dataclass(frozen=True)
class ProcessVersion:
    """One process as deployed in one version."""

    version: Any
    """The engine's version summary (id, content_hash, deployed_at, deployed_by, note)."""
    name: str
    file: str | None
    counts: Counts
    previous_id: int | None
    """The next older version that has this process (for a diff), or None."""
    changed: bool
    """Its file differs from the one in ``previous_id`` (or it is new): False when the
    deploy changed only other files."""


@dataclass(frozen=True)
class ProcessEntry:
    process_id: str
    name: str
    versions: list[ProcessVersion]
    """Newest first."""

    @property
    def latest(self) -> ProcessVersion:
        return self.versions[0]

    @property
    def running(self) -> int:
        return sum(v.counts.running for v in self.versions)

    @property
    def revisions(self) -> int:
        """How many of its versions changed its diagram."""
        return sum(v.changed for v in self.versions)


@dataclass(frozen=True)
class Library:
    versions: list[Any]
    """Every version, newest first."""
    processes: list[ProcessEntry]
    files_by_kind: dict[str, list[str]] = field(default_factory=dict)
    """The latest version's files by kind (bpmn, dmn, form)."""

    @property
    def latest(self) -> Any | None:
        return self.versions[0] if self.versions else None


@dataclass(frozen=True)
class ProcessFiles:
    """Where a version's processes are defined, and a digest of each BPMN file."""

    file_of: dict[str, str]
    """Process id -> the BPMN file that defines it."""
    digests: dict[str, str]
    """File name -> SHA-256 of its content."""

    def digest_of(self, process_id: str) -> str | None:
        return self.digests.get(self.file_of.get(process_id, ""))


_files_lock = threading.Lock()
_process_files: dict[str, ProcessFiles] = {}


def process_files(engine: Engine, version: Any) -> ProcessFiles:
    """Which file defines each process of ``version`` (kept per content hash)."""
    known = _process_files.get(version.content_hash)
    if known is not None:
        return known
    found: dict[str, str] = {}
    digests: dict[str, str] = {}
    for file in engine.version_files(version.id):
        if file.kind != "bpmn":
            continue
        digests[file.name] = hashlib.sha256(file.content).hexdigest()
        try:
            root = parse_xml(file.content, file.name)
        except UnsafeXml:
            continue
        for process in root.iter(BPMN_PROCESS):
            found.setdefault(process.get("id", ""), file.name)
    result = ProcessFiles(found, digests)
    with _files_lock:
        _process_files[version.content_hash] = result
    return result


def instance_counts(engine: Engine) -> dict[tuple[int, str], Counts]:
    """(version id, process id) -> running and total instances."""
    query = select(
        Instance.version_id, Instance.process_id, Instance.status, func.count()
    ).group_by(Instance.version_id, Instance.process_id, Instance.status)
    running: dict[tuple[int, str], int] = defaultdict(int)
    total: dict[tuple[int, str], int] = defaultdict(int)
    with engine.session_factory() as session:
        for version_id, process_id, status, count in session.execute(query):
            total[(version_id, process_id)] += count
            if status == InstanceStatus.RUNNING:
                running[(version_id, process_id)] += count
    return {key: Counts(running[key], total[key]) for key in total}


def definitions(engine: Engine) -> dict[int, dict[str, str]]:
    """Version id -> {process id: process name} (the executable processes)."""
    query = select(
        ProcessDefinition.version_id, ProcessDefinition.process_id, ProcessDefinition.name
    )
    found: dict[int, dict[str, str]] = defaultdict(dict)
    with engine.session_factory() as session:
        for version_id, process_id, name in session.execute(query):
            found[version_id][process_id] = name
    return found


def library(engine: Engine) -> Library:
    """Every process of every version, newest version first; processes by id."""
    versions = sorted(engine.versions(), key=lambda v: v.id, reverse=True)
    names, counts = definitions(engine), instance_counts(engine)
    rows: dict[str, list[ProcessVersion]] = defaultdict(list)
    digests: dict[str, str | None] = {}
    for version in reversed(versions):  # oldest first, so each knows its predecessor
        files = process_files(engine, version)
        for process_id, name in sorted(names.get(version.id, {}).items()):
            before = rows[process_id]
            digest = files.digest_of(process_id)
            rows[process_id].append(
                ProcessVersion(
                    version=version,
                    name=name,
                    file=files.file_of.get(process_id),
                    counts=counts.get((version.id, process_id), Counts()),
                    previous_id=before[-1].version.id if before else None,
                    changed=not before or digests.get(process_id) != digest,
                )
            )
            digests[process_id] = digest
    entries = [
        ProcessEntry(pid, found[-1].name, list(reversed(found))) for pid, found in rows.items()
    ]
    entries.sort(key=lambda e: e.process_id)
    return Library(versions, entries, _files_by_kind(engine, versions[0]) if versions else {})


def _files_by_kind(engine: Engine, version: Any) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = defaultdict(list)
    for file in engine.version_files(version.id):
        kinds[file.kind].append(file.name)
    return {kind: sorted(names) for kind, names in kinds.items()}


@dataclass(frozen=True)
class VersionProcess:
    process_id: str
    name: str
    file: str | None
    counts: Counts


@dataclass(frozen=True)
class VersionPage:
    version: Any
    files: list[Any]
    """The version's files (``SourceFile``), diagrams first."""
    processes: list[VersionProcess]
    previous_id: int | None
    latest_id: int
    older_running: int
    """Running instances of this version's processes on older versions (may migrate here)."""
    lane_map: dict[str, str] = field(default_factory=dict)
    """Lane → role for diagrams whose lanes are not our roles (``"*"``: tasks in no lane)."""

    @property
    def is_latest(self) -> bool:
        return self.version.id == self.latest_id

    @property
    def running(self) -> int:
        return sum(p.counts.running for p in self.processes)

    @property
    def total(self) -> int:
        return sum(p.counts.total for p in self.processes)


_KIND_ORDER = {"bpmn": 0, "dmn": 1, "form": 2}


def version_page(engine: Engine, version_id: int) -> VersionPage | None:
    """One version's files, processes and counts; None when there is no such version."""
    versions = sorted(engine.versions(), key=lambda v: v.id)
    found = next((v for v in versions if v.id == version_id), None)
    if found is None:
        return None
    names, counts = definitions(engine).get(version_id, {}), instance_counts(engine)
    files = process_files(engine, found)
    older = {v.id for v in versions if v.id < version_id}
    return VersionPage(
        version=found,
        files=sorted(engine.version_files(version_id), key=lambda f: (_KIND_ORDER[f.kind], f.name)),
        processes=[
            VersionProcess(
                pid, name, files.file_of.get(pid), counts.get((version_id, pid), Counts())
            )
            for pid, name in sorted(names.items())
        ],
        previous_id=max(older) if older else None,
        latest_id=versions[-1].id,
        older_running=sum(
            c.running for (vid, pid), c in counts.items() if vid in older and pid in names
        ),
        lane_map=engine.lane_map(version_id),
    )
