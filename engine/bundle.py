"""Diagram sets: in-memory files, collected from disk or handed over by a browser.

A set is its diagrams (.bpmn/.bpmn20.xml/.dmn) plus the forms their user tasks reference. The same
files, byte for byte, give the same content hash, whichever way they arrived.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, UnsafeXml
from .forms import FORM_PROPERTY
from .xmlsafe import parse_xml

DIAGRAM_KINDS = {".bpmn": "bpmn", ".bpmn20.xml": "bpmn", ".dmn": "dmn"}
"""Diagram file endings: ``.bpmn20.xml`` is how Camunda, Activiti and Flowable export."""
FILE_KINDS = ("bpmn", "dmn", "form")
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
EMPTY_SET = "（流程集）"
"""The name problems of a set with no file at all carry (there is no file to name)."""


ONLY_DIAGRAMS = "只能部署 .bpmn、.bpmn20.xml 或 .dmn 文件"
NO_DIAGRAMS = "没有找到任何 .bpmn、.bpmn20.xml 或 .dmn 文件"


def diagram_kind(name: str) -> str | None:
    """``bpmn`` or ``dmn`` for a diagram file name (``x.bpmn``, ``x.bpmn20.xml``, ``x.dmn``)."""
    lowered = name.lower()
    for ending, kind in DIAGRAM_KINDS.items():
        if lowered.endswith(ending) and len(lowered) > len(ending):
            return kind
    return None


@dataclass(frozen=True)
class SourceFile:
    """One file of a diagram set; ``name`` is how diagrams and people refer to it
    (a form's name is its key, e.g. ``plain_case/intake.schema.json``)."""

    name: str
    kind: str  # bpmn | dmn | form
    content: bytes


def collect_diagrams(paths: Iterable[Path | str]) -> tuple[list[SourceFile], list[Problem]]:
    """Read every .bpmn/.bpmn20.xml/.dmn file named, or found directly inside a named folder."""
    files: dict[str, SourceFile] = {}
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(p for p in path.iterdir() if diagram_kind(p.name) and p.is_file())
            if not candidates:
                problems.append(Problem(path.name, None, NO_DIAGRAMS))
        elif path.is_file():
            candidates = [path]
        else:
            problems.append(Problem(str(path), None, "文件或目录不存在"))
            continue
        for candidate in candidates:
            kind = diagram_kind(candidate.name)
            if kind is None:
                problems.append(Problem(candidate.name, None, ONLY_DIAGRAMS))
            elif candidate.name in files:
                problems.append(Problem(candidate.name, None, "同名文件出现了两次"))
            else:
                files[candidate.name] = SourceFile(candidate.name, kind, candidate.read_bytes())
    if not files and not problems:
        problems.append(Problem(EMPTY_SET, None, NO_DIAGRAMS))
    return list(files.values()), problems


def referenced_form_keys(diagrams: Iterable[SourceFile]) -> list[str]:
    """Form keys the BPMN files name (unparseable files are skipped: validation says why)."""
    keys: set[str] = set()
    for file in diagrams:
        if file.kind != "bpmn":
            continue
        try:
            root = parse_xml(file.content, file.name)
        except UnsafeXml:
            continue
        for prop in root.iter(f"{{{SPIFF_NS}}}property"):
            if prop.get("name") == FORM_PROPERTY and prop.get("value"):
                keys.add(prop.get("value"))
    return sorted(keys)


def find_form(key: str, forms_dirs: Sequence[Path | str]) -> SourceFile | None:
    """The form file ``key`` (a relative path like ``plain_case/intake.schema.json``)."""
    if Path(key).is_absolute() or ".." in Path(key).parts:
        return None
    for folder in forms_dirs:
        candidate = Path(folder) / key
        if candidate.is_file():
            return SourceFile(key, "form", candidate.read_bytes())
    return None


def collect_set(
    paths: Iterable[Path | str], forms_dirs: Sequence[Path | str]
) -> tuple[list[SourceFile], list[Problem]]:
    """The diagrams at ``paths`` and the forms they reference found in ``forms_dirs``.

    A referenced form that is not found is left out; validating the set names it.
    """
    diagrams, problems = collect_diagrams(paths)
    forms = [
        found
        for key in referenced_form_keys(diagrams)
        if (found := find_form(key, forms_dirs)) is not None
    ]
    return diagrams + forms, problems


def content_hash(files: Iterable[SourceFile]) -> str:
    """The version's identity: the same files, byte for byte, give the same hash."""
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: (f.kind, f.name)):
        digest.update(f"{file.kind}\0{file.name}\0".encode())
        digest.update(hashlib.sha256(file.content).digest())
    return digest.hexdigest()
