"""Deploy every diagram of public BPMN corpora and classify what happens.

Run from the project root::

    python bench/diagram_corpus.py DIR... [--timeout 10] [--list] [--run] [--map-lanes ROLE]

Each .bpmn / .bpmn20.xml file under the folders is deployed alone into a throw-away,
migrated SQLite database with the application's engine (its actions, helpers and roles);
so is, per file that calls processes or decisions another file of its directory defines,
the file with its callees and their callees (one file per process id) and the .dmn files
defining the decisions they ask for: a call set, as a designer deploys a diagram with
what it calls. Each attempt ends as a version, or a rejection whose
first error gives the reason. Printed: files, versions, rejections by reason, and the
rule counts that must be 0: tracebacks (an exception other than a rejection), hangs
(over ``--timeout`` seconds), unnamed files (a problem whose file is not one of the set)
and English-only messages (no CJK character). ``--run`` also runs every deployed
executable diagram to the end with the trial auto-run (``bench/corpus_trials.py``);
``--map-lanes 镇综治中心`` maps every lane that is not a role, and tasks in no lane, to
that role, as a designer does in the modeler's 泳道映射 dialog.

With ``--run`` the last line is the issue's figure, ``EXAMPLES files=<n> ran=<m>
share=<p>%``: files (per path) holding a process marked ``isExecutable="true"``, and those
that deployed alone or within a call set and whose processes all ran to the end;
``--list`` prints every other one (folder/name) with its reason before it. The line
before it, ``EXAMPLES complete=<n> ran=<m> share=<p>%``, leaves out the files rejected for
what the file itself lacks (schema errors, timers without a time, decisions, called
processes or forms the corpus does not hold, multi-instance without a count: see
``corpus_trials.INCOMPLETE``), which no engine runs as given.
"""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree

from engine import DeployRejected, Engine, Problem, SourceFile, diagram_kind
from engine.lanes import MAP_FILE

CJK = re.compile(r"[\u3400-\u9fff]")
LABEL = re.compile(r"^[^：「(]*(「[^」]*」)?\([^)]*\)：")
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


class Hang(Exception):
    """An attempt went over the time limit."""


@dataclass
class Outcome:
    """One deploy attempt: the files, and a version id or the problems."""

    names: tuple[str, ...]
    paths: tuple[Path, ...] = ()
    lane_map: dict[str, str] = field(default_factory=dict)
    version_id: int | None = None
    process_ids: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    traceback: str = ""
    hang: bool = False
    seconds: float = 0.0

    @property
    def reason(self) -> str:
        if self.version_id is not None:
            return "版本"
        if self.hang:
            return "超时"
        if self.traceback:
            return "异常"
        first = next(p for p in self.problems if p.severity == "error")
        return reason_of(first.message)

    def unnamed(self) -> list[Problem]:
        """Problems naming no file of the set (nor the lane map given with it)."""
        named = set(self.names) | ({MAP_FILE} if self.lane_map else set())
        return [p for p in self.problems if p.file not in named]

    def english_only(self) -> list[Problem]:
        return [p for p in self.problems if not CJK.search(p.message)]


KEPT_WORDS = ("BPMN", "DMN", "XML")


def reason_of(message: str) -> str:
    """A message without its element label, ids, names and details: the reason."""
    text = LABEL.sub("", message, count=1)
    text = re.sub(r"（第 \d+ 行）", "", text)
    head, _, rest = text.partition("：")
    if head.startswith("不符合") and rest:
        return f"{_words(head)}：{_words(re.split(r'[（：]', rest, maxsplit=1)[0])}"
    return _words(re.split(r"[：，（]", text, maxsplit=1)[0]) or message[:40]


def _words(text: str) -> str:
    text = re.sub(r"「[^」]*」|\([^)]*\)|'[^']*'|\"[^\"]*\"", "", text)
    text = re.sub(
        r"[\w.:/-]*[A-Za-z_][\w.:/-]*", lambda m: m[0] if m[0] in KEPT_WORDS else "", text
    )
    return re.sub(r"\s+", " ", text).strip()


def _on_alarm(signum, frame):
    raise Hang


def attempt(
    engine: Engine, files: Sequence[SourceFile], timeout: int, lane_map: dict | None = None
) -> Outcome:
    """Deploy ``files`` as one set and classify the result (never raises)."""
    outcome = Outcome(tuple(f.name for f in files), lane_map=dict(lane_map or {}))
    started = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(timeout)
    try:
        result = engine.deploy_set(
            files, actor="corpus", note="corpus", lane_map=outcome.lane_map or None
        )
        outcome.version_id = result.version_id
        outcome.process_ids = tuple(result.process_ids)
        outcome.problems = list(result.warnings)
    except DeployRejected as rejected:
        outcome.problems = rejected.problems
    except Hang:
        outcome.hang = True
    except Exception as error:  # the thing this benchmark counts
        outcome.traceback = f"{type(error).__name__}: {error}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    outcome.seconds = time.perf_counter() - started
    return outcome


def lanes_to(role: str | None, engine: Engine, files: Sequence[SourceFile]) -> dict[str, str]:
    """Every lane that is not a role (and tasks in no lane: ``*``) mapped to ``role``, as a
    designer does in the 泳道映射 dialog; empty without a role."""
    if not role:
        return {}
    names = set()
    for file in files:
        try:
            root = etree.fromstring(file.content, etree.XMLParser(resolve_entities=False))
        except (etree.XMLSyntaxError, ValueError):
            continue
        names |= {(lane.get("name") or "").strip() for lane in root.iter(f"{BPMN}lane")}
    roles = engine.lane_names or ()
    return {name: role for name in sorted(names - {""}) if name not in roles} | {"*": role}


def diagram_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and diagram_kind(path.name) == "bpmn":
            yield path


def _source(path: Path) -> SourceFile:
    return SourceFile(path.name, diagram_kind(path.name) or "bpmn", path.read_bytes())


def _root(path: Path) -> etree._Element | None:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.fromstring(path.read_bytes(), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _refs(path: Path) -> tuple[set[str], set[str], set[str]]:
    """Processes the file defines, processes it calls, decisions it asks for (by
    ``spiffworkflow:calledDecisionId`` or ``camunda:decisionRef``)."""
    root = _root(path)
    if root is None:
        return set(), set(), set()
    defined = {p.get("id") for p in root.iter(f"{BPMN}process")}
    called = {c.get("calledElement") for c in root.iter(f"{BPMN}callActivity")} - {None}
    decisions = set()
    for task in root.iter(f"{BPMN}businessRuleTask"):
        decisions |= {v for k, v in task.attrib.items() if k.endswith("}decisionRef")}
        decisions |= {
            (e.text or "").strip()
            for e in task.iter()
            if isinstance(e.tag, str) and etree.QName(e).localname == "calledDecisionId"
        }
    return defined, called - defined, decisions - {""}


def _decisions(path: Path) -> set[str]:
    root = _root(path)
    if root is None:
        return set()
    return {
        e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.tag.endswith("decision")
    }


def _closure(path: Path, refs, defines: dict[str, Path], decided: dict[str, Path]) -> set[Path]:
    """``path`` with the files defining what it calls, transitively, and their decisions."""
    group, todo, dmns = {path}, [path], set()
    while todo:
        _, called, decisions = refs[todo.pop()]
        dmns |= {decided[d] for d in decisions if d in decided}
        for callee in (defines[c] for c in called if c in defines):
            if callee not in group:
                group.add(callee)
                todo.append(callee)
    return group | dmns


def call_sets(folder: Path) -> Iterator[list[Path]]:
    """Per file of a folder that calls processes or decisions another file of its own
    directory defines: the file with what it needs, transitively (one file per process
    id: the first by name; decisions from the .dmn files of the directory and below), as a
    designer deploys a diagram with its callees."""
    by_dir: dict[Path, list[Path]] = {}
    for path in diagram_files(folder):
        by_dir.setdefault(path.parent, []).append(path)
    seen: set[frozenset[Path]] = set()
    for directory, paths in sorted(by_dir.items()):
        refs = {p: _refs(p) for p in paths}
        defines: dict[str, Path] = {}
        for path in paths:
            for pid in refs[path][0]:
                defines.setdefault(pid, path)
        decided: dict[str, Path] = {}
        for dmn in sorted(directory.rglob("*.dmn")):
            for did in _decisions(dmn):
                decided.setdefault(did, dmn)
        for path in paths:
            group = _closure(path, refs, defines, decided)
            names = [p.name for p in group]
            key = frozenset(group)
            if len(group) < 2 or len(set(names)) != len(names) or key in seen:
                continue
            seen.add(key)
            yield sorted(group)


def new_engine() -> Engine:
    """The application's engine on a fresh migrated SQLite file."""
    from flask_migrate import upgrade
    from sqlalchemy.orm import sessionmaker

    from engine.db import db
    from processes.engine_factory import build_engine
    from webapp import create_app

    path = Path(tempfile.mkdtemp(prefix="corpus-")) / "corpus.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "corpus"})
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        return build_engine(sessionmaker(bind=db.engine, expire_on_commit=False))


def report(outcomes: list[Outcome], *, listing: bool) -> dict[str, int]:
    reasons = Counter(o.reason for o in outcomes)
    figures = {
        "attempts": len(outcomes),
        "versions": reasons["版本"],
        "tracebacks": sum(bool(o.traceback) for o in outcomes),
        "hangs": sum(o.hang for o in outcomes),
        "unnamed": sum(len(o.unnamed()) for o in outcomes),
        "english_only": sum(len(o.english_only()) for o in outcomes),
    }
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    print("rejections by reason:")
    for reason, count in reasons.most_common():
        if reason != "版本":
            print(f"  {count:4d}  {reason}")
    slowest = max(outcomes, key=lambda o: o.seconds, default=None)
    if slowest is not None:
        print(f"slowest attempt: {slowest.seconds:.2f}s {','.join(slowest.names)}")
    for o in outcomes:
        bad = o.traceback or o.hang or o.unnamed() or o.english_only()
        if listing or bad:
            first = next((str(p) for p in o.problems if p.severity == "error"), o.traceback)
            print(f"  {'!' if bad else ' '} {','.join(o.names)} → {o.reason}: {first[:200]}")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=10, help="seconds per attempt")
    parser.add_argument("--list", action="store_true", help="print every attempt")
    parser.add_argument("--run", action="store_true", help="run deployed diagrams to the end")
    parser.add_argument(
        "--map-lanes", metavar="ROLE", help="map every lane that is not a role (and *) to ROLE"
    )
    args = parser.parse_args(argv)
    engine = new_engine()
    outcomes = []
    labels: dict[Path, str] = {}

    def one_set(paths: Sequence[Path]) -> Outcome:
        files = [_source(p) for p in paths]
        outcome = attempt(engine, files, args.timeout, lanes_to(args.map_lanes, engine, files))
        outcome.paths = tuple(paths)
        return outcome

    for folder in args.folders:
        paths = list(diagram_files(folder))
        labels |= {p: f"{folder.name}/{p.relative_to(folder)}" for p in paths}
        sets = list(call_sets(folder))
        outcomes += [one_set([p]) for p in paths] + [one_set(s) for s in sets]
        print(f"{folder}: {len(paths)} files, {len(sets)} call sets")
    figures = report(outcomes, listing=args.list)
    if args.run:
        from corpus_trials import examples, run_all  # beside this file

        deployed = [o for o in outcomes if o.version_id is not None]
        runs = run_all(engine, [(o.version_id, o.process_ids, o.lane_map) for o in deployed])
        examples(outcomes, runs, labels, listing=args.list)
    bad = figures["tracebacks"] + figures["hangs"] + figures["unnamed"] + figures["english_only"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
