"""Deploying diagram sets: the bundled library at ``init`` and files named on the CLI."""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

from flask import Flask

from engine import DeployResult

from .engine_binding import current_engine


def bundled_bpmn_dir() -> Path:
    """The shipped process library (the ``bpmn`` package)."""
    return Path(os.fspath(files("bpmn")))


def bundled_forms_dir() -> Path:
    """The shipped task forms (the ``forms`` package)."""
    return Path(os.fspath(files("forms")))


def deploy_bundled(app: Flask) -> DeployResult:
    """Deploy the shipped diagrams and forms; raises ``engine.errors.DeployRejected``."""
    return deploy_paths(
        app,
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
) -> DeployResult:
    """Deploy diagram files or directories as one version (or find it already deployed)."""
    with app.app_context():
        return current_engine().deploy(
            paths=list(paths), forms_dirs=list(forms_dirs), actor=actor, note=note
        )
