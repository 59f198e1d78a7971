"""Deploy: validate a whole diagram set, then store it as one immutable version.

Nothing is stored unless every check passes, so a bad diagram never replaces a good
version. The same content deployed again returns the existing version.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select

from .bundle import SourceFile, collect_diagrams, content_hash, find_form
from .checks import check_process
from .enums import EventType
from .errors import DeployRejected, Problem, UnsafeXml
from .forms import check_schema
from .history import PendingEvent
from .models import ProcessDefinition, ProcessVersion, VersionFile
from .specs import ParsedProcess, new_parser, spec_to_json
from .views import DeployResult
from .xmlsafe import parse_xml

if TYPE_CHECKING:
    from .api import Engine


def _problem_of(error: Exception, file: str) -> Problem:
    if isinstance(error, ValidationException):
        where = f"（第 {error.line_number} 行）" if error.line_number else ""
        return Problem(Path(error.file_name or file).name, error.id or None, f"{error}{where}")
    return Problem(file, getattr(error, "id", None), str(error))


def _load_into_parser(parser, files: list[SourceFile]) -> list[Problem]:
    problems = []
    for file in files:
        try:
            root = parse_xml(file.content, file.name)
            if file.kind == "bpmn":
                parser.add_bpmn_xml(root, file.name)
            else:
                parser.add_dmn_xml(root, file.name)
        except UnsafeXml as error:
            problems.append(Problem(error.file, None, error.message))
        except (SpiffWorkflowException, ValueError, KeyError) as error:
            problems.append(_problem_of(error, file.name))
    return problems


def _parse_processes(parser) -> tuple[dict[str, ParsedProcess], list[Problem]]:
    parsed, problems = {}, []
    for process_id in parser.get_process_ids():
        process_parser = parser.get_process_parser(process_id)
        if not process_parser.process_executable:
            continue
        try:
            parsed[process_id] = ParsedProcess(
                parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
            )
        except (SpiffWorkflowException, ValueError, KeyError) as error:
            problems.append(_problem_of(error, Path(process_parser.filename or "?").name))
    if not parsed and not problems:
        problems.append(Problem("-", None, '没有可执行的流程（isExecutable="true"）'))
    return parsed, problems


def validate(
    engine: Engine, paths: Sequence[Path | str], forms_dirs: Sequence[Path | str]
) -> tuple[list[SourceFile], dict[str, ParsedProcess]]:
    """Every file of the set and its parsed processes; raises ``DeployRejected``."""
    diagrams, problems = collect_diagrams(paths)
    parser = new_parser()
    problems += _load_into_parser(parser, diagrams)
    parsed, parse_problems = ({}, []) if problems else _parse_processes(parser)
    problems += parse_problems
    forms: dict[str, SourceFile] = {}

    def form_exists(key: str) -> str | None:
        if key not in forms:
            found = find_form(key, forms_dirs)
            if found is None:
                return f"引用的表单 {key} 不存在"
            if (schema_problem := check_schema(found.content)) is not None:
                return f"表单 {key} {schema_problem}"
            forms[key] = found
        return None

    for process in parsed.values():
        problems += check_process(process, operators=engine.operators, form_exists=form_exists)
    if problems:
        raise DeployRejected(problems)
    return diagrams + list(forms.values()), parsed


def deploy(
    engine: Engine,
    paths: Sequence[Path | str],
    *,
    actor: str,
    note: str,
    forms_dirs: Sequence[Path | str],
) -> DeployResult:
    files, parsed = validate(engine, paths, forms_dirs)
    digest = content_hash(files)
    with engine.unit_of_work() as uow:
        existing = uow.session.execute(
            select(ProcessVersion).where(ProcessVersion.content_hash == digest)
        ).scalar()
        if existing is not None:
            ids = sorted(d.process_id for d in existing.definitions)
            return DeployResult(existing.id, digest, False, ids)
        now = engine.clock.now()
        version = ProcessVersion(content_hash=digest, deployed_at=now, deployed_by=actor, note=note)
        version.files = [VersionFile(name=f.name, kind=f.kind, content=f.content) for f in files]
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
                    "files": sorted(f.name for f in files),
                },
            )
        )
        uow.commit()
        return DeployResult(version.id, digest, True, sorted(parsed))
