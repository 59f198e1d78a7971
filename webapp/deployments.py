"""Deploying diagram sets: the bundled library at ``init`` and files named on the CLI.

``zongzhi deploy`` works as the browser's deploy does: the diagrams named replace theirs
in the current version and every other file of that version is kept, so deploying one
changed diagram keeps the processes it calls. Forms are found in the folders given, then
in a ``forms`` folder beside or inside the diagrams' folder, then in the current version.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path

from flask import Flask

from engine import DeployRejected, DeployResult, Engine, SourceFile
from engine.bundle import collect_set

from .engine_binding import current_engine


def bundled_bpmn_dir() -> Path:
    """The shipped process library (the ``bpmn`` package)."""
    return Path(os.fspath(files("bpmn")))


def bundled_forms_dir() -> Path:
    """The shipped task forms (the ``forms`` package)."""
    return Path(os.fspath(files("forms")))


def deploy_bundled(app: Flask) -> DeployResult:
    """Deploy the shipped diagrams and forms as they are (nothing kept from the current
    version); raises ``engine.errors.DeployRejected``."""
    with app.app_context():
        return current_engine().deploy(
            [bundled_bpmn_dir()],
            forms_dirs=[bundled_forms_dir()],
            actor="system:init",
            note="初始化部署",
        )


def deploy_paths(
    app: Flask,
    paths: Iterable[Path],
    *,
    actor: str,
    note: str = "",
    forms_dirs: Iterable[Path] = (),
    lane_map: Mapping[str, str] | None = None,
) -> DeployResult:
    """Deploy diagram files or directories as a new version of the current set (or find
    it already deployed); raises ``engine.errors.DeployRejected``. ``lane_map`` maps the
    diagrams' lanes to roles (``engine.lanes``)."""
    paths = list(paths)
    with app.app_context():
        engine = current_engine()
        files, problems = collect_set(paths, [*forms_dirs, *forms_beside(paths)])
        if problems:
            raise DeployRejected(problems)
        return engine.deploy_set(
            with_current(engine, files), actor=actor, note=note, lane_map=lane_map
        )


def forms_beside(paths: Iterable[Path]) -> list[Path]:
    """``forms`` folders where a project keeps them: inside the diagrams' folder, or beside
    it (``bpmn/`` and ``forms/`` side by side)."""
    found: list[Path] = []
    for path in paths:
        folder = path if path.is_dir() else path.parent
        for candidate in (folder / "forms", folder.parent / "forms"):
            if candidate.is_dir() and candidate not in found:
                found.append(candidate)
    return found


def with_current(engine: Engine, files: list[SourceFile]) -> list[SourceFile]:
    """``files`` plus every file of the current version they do not replace (the forms
    a diagram uses that were not found on disk included)."""
    current = engine.latest_version_id()
    if current is None:
        return files
    given = {file.name for file in files}
    kept = [file for file in engine.version_files(current) if file.name not in given]
    return files + kept
