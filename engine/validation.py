"""Validate a diagram set in memory: parse, sandbox, timers, operators, forms, lint.

Never raises for bad content: every problem found is returned, each naming its file and
element, so a designer sees them all at once (on the diagram, or printed by the CLI).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .bundle import EMPTY_SET, FILE_KINDS, NO_DIAGRAMS, SourceFile
from .checks import check_process
from .errors import Problem, UnsafeXml
from .file_checks import executable_problems, root_problem
from .foreign import ignored_extensions, rewrite_vendor_loops, translate_tree
from .forms import check_schema
from .lanes import Inherited, LaneUse, lane_use
from .lanes import apply as apply_lane_map
from .lint import lint_specs, lint_xml
from .lint_calls import recursive_calls
from .normalise import normalise_tree
from .parse_problems import problem_of
from .specs import ParsedProcess, new_parser
from .xmlsafe import parse_xml

if TYPE_CHECKING:
    from .ports import Checker as Engine


@dataclass
class Analysis:
    """What validating a set found: its problems, and (when clean) what a version stores."""

    problems: list[Problem] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    """The diagrams and the forms they use (unused forms are left out)."""
    parsed: dict[str, ParsedProcess] = field(default_factory=dict)
    lane_map: dict[str, str] = field(default_factory=dict)
    """The lane → role map in force for this set (``engine.lanes``)."""
    lanes: LaneUse | None = None
    """The human tasks' lanes as the diagrams name them (before the map)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _split(files: Sequence[SourceFile]) -> tuple[list[SourceFile], dict[str, SourceFile], list]:
    diagrams: list[SourceFile] = []
    forms: dict[str, SourceFile] = {}
    seen: set[str] = set()
    problems: list[Problem] = []
    for file in files:
        if file.kind not in FILE_KINDS:
            problems.append(Problem(file.name, None, f"未知的文件类型 {file.kind!r}"))
        elif file.name in seen:
            problems.append(Problem(file.name, None, "同名文件出现了两次"))
        elif file.kind == "form":
            forms[file.name] = file
        else:
            diagrams.append(file)
        seen.add(file.name)
    if not diagrams and not problems:
        problems.append(Problem(EMPTY_SET, None, NO_DIAGRAMS))
    elif not any(d.kind == "bpmn" for d in diagrams) and not problems:
        problems += [
            Problem(d.name, None, "只有决策表，没有流程图：部署至少需要一个 BPMN 流程图文件")
            for d in diagrams
        ]
    return diagrams, forms, problems


def _load_into_parser(parser, files: list[SourceFile]) -> tuple[list[Problem], dict]:
    problems, roots = [], {}
    for file in files:
        try:
            root = parse_xml(file.content, file.name)
            if (wrong := root_problem(file.name, file.kind, root)) is not None:
                problems.append(wrong)
            elif file.kind == "bpmn":
                problems += translate_tree(root, file.name) + ignored_extensions(root, file.name)
                problems += normalise_tree(root, file.name)  # BPMN semantics Spiff lacks
                parser.add_bpmn_xml(root, file.name)
                # After the schema check (a data item's id is its variable: it may repeat);
                # the parser reads the processes from this tree when asked for their specs.
                problems += rewrite_vendor_loops(root, file.name)
                roots[file.name] = root  # linted once the schema accepts it
            else:
                parser.add_dmn_xml(root, file.name)
        except UnsafeXml as error:
            problems.append(Problem(error.file, None, error.message))
        except Exception as error:  # untrusted input: every failure is a problem
            problems.append(problem_of(error, file.name, roots))
    return problems, roots


def _parse_processes(parser, roots: dict) -> tuple[dict[str, ParsedProcess], list[Problem]]:
    parsed, problems = {}, list(executable_problems(roots))
    for process_id in parser.get_process_ids():
        process_parser = parser.get_process_parser(process_id)
        if not process_parser.process_executable:
            continue
        try:
            parsed[process_id] = ParsedProcess(
                parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
            )
        except Exception as error:  # untrusted input: every failure is a problem
            file = Path(process_parser.filename or "?").name
            problems.append(problem_of(error, file, roots))
    return parsed, problems


class _FormLookup:
    """Forms looked up inside the set; remembers which ones the diagrams use."""

    def __init__(self, forms: dict[str, SourceFile]):
        self.forms = forms
        self.used: dict[str, SourceFile] = {}

    def __call__(self, key: str) -> str | None:
        if key in self.used:
            return None
        found = self.forms.get(key)
        if found is None:
            return f"引用的表单 {key} 不存在"
        if (schema_problem := check_schema(found.content)) is not None:
            return f"表单 {key} {schema_problem}"
        self.used[key] = found
        return None


def analyse(
    engine: Engine,
    files: Sequence[SourceFile],
    *,
    lane_map: Mapping[str, str] | None = None,
    inherited_lanes: Inherited = None,
) -> Analysis:
    """Every problem of the set; when it has no errors, the files and parsed processes.
    ``lane_map`` (over ``inherited_lanes``) maps the diagrams' lanes to roles."""
    diagrams, forms, problems = _split(files)
    parser = new_parser()
    load_problems, roots = _load_into_parser(parser, diagrams)
    problems += load_problems
    blocked = any(p.severity == "error" for p in problems)
    parsed, parse_problems = ({}, []) if blocked else _parse_processes(parser, roots)
    problems += parse_problems + lint_xml(roots) + list(recursive_calls(roots))
    lookup = _FormLookup(forms)
    for process in parsed.values():
        problems += check_process(process, operators=engine.operators, form_exists=lookup)
    lanes = lane_use(parsed.values())
    in_force, map_problems = (
        apply_lane_map(parsed, lane_map, inherited_lanes, engine.lane_names) if parsed else ({}, [])
    )
    problems += map_problems + lint_specs(parsed.values(), engine.lane_names)
    # A sub-process called from several processes is checked once per caller.
    unique = list(dict.fromkeys(problems))
    return Analysis(unique, diagrams + list(lookup.used.values()), parsed, in_force, lanes)
