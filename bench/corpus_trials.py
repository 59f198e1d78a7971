"""Run every deployed corpus diagram to its end with the trial auto-run (试运行 › 自动运行).

Used by ``bench/diagram_corpus.py --run``: each executable process of each version the
corpus produced (once per process and content) is started as a trial with empty start
data and run by ``engine.trial.run_to_end``; printed: how many finish, and every other
one with the element and the reason it stopped.
"""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from engine import Actor, Engine
from engine.bundle import content_hash
from engine.file_checks import is_executable

DESIGNER = Actor.of("corpus", ["流程设计员"])
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


@dataclass(frozen=True)
class Run:
    """One process run to its end, or not: where and why."""

    label: str
    finished: bool
    reason: str
    element: str | None = None


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang


def run_one(engine: Engine, files, process_id: str, lane_map, timeout: int) -> Run:
    from engine.trial import TrialRefused, run_to_end, start_trial

    label = f"{','.join(sorted(f.name for f in files if f.kind == 'bpmn'))}#{process_id}"
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        trial_id = start_trial(
            engine,
            files,
            actor=DESIGNER,
            data={},
            source="corpus",
            process_id=process_id,
            lane_map=lane_map or None,
        )
        result = run_to_end(engine, trial_id, actor=DESIGNER)
        return Run(label, result.finished, result.reason, result.element)
    except TrialRefused as refused:
        return Run(label, False, f"试运行被拒绝：{refused}")
    except _Hang:
        return Run(label, False, f"超过 {timeout} 秒仍未结束（超时）")
    except Exception as error:  # counted: the auto-run must never raise
        return Run(label, False, f"异常 {type(error).__name__}: {error}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


Deployed = tuple[int, Iterable[str], Mapping[str, str]]
"""A version id, its process ids, the lane map it was deployed with."""


def run_all(
    engine: Engine, versions: Iterable[Deployed], *, timeout: int = 20
) -> dict[int, list[Run]]:
    """Run each process of each version once (per content); print the figures. Returns
    each version's runs."""
    seen: dict[tuple[str, str], Run] = {}
    by_version: dict[int, list[Run]] = {}
    for version_id, process_ids, lane_map in versions:
        files = engine.version_files(version_id)
        digest = content_hash(files)
        for process_id in process_ids:
            if (digest, process_id) not in seen:
                seen[digest, process_id] = run_one(engine, files, process_id, lane_map, timeout)
            by_version.setdefault(version_id, []).append(seen[digest, process_id])
    runs = list(seen.values())
    finished = sum(r.finished for r in runs)
    share = f"{100 * finished / len(runs):.0f}%" if runs else "-"
    print(f"trial runs: {len(runs)} processes, {finished} ran to the end ({share})")
    reasons = Counter(r.reason.split("：", 1)[0] for r in runs if not r.finished)
    for reason, count in reasons.most_common():
        print(f"  {count:4d}  {reason[:80]}")
    for run in runs:
        if not run.finished:
            print(f"  - {run.label} [{run.element or '-'}]: {run.reason[:200]}")
    return by_version


def _executable(outcome, paths: dict[str, Path]) -> bool:
    """A single file with a process not marked ``isExecutable="false"``."""
    if len(outcome.names) != 1 or outcome.names[0] not in paths:
        return False
    try:
        root = etree.fromstring(paths[outcome.names[0]].read_bytes(), etree.XMLParser())
    except (etree.XMLSyntaxError, ValueError):
        return False
    return any(is_executable(p) for p in root.iter(f"{BPMN}process"))


def examples(outcomes: list, runs: dict[int, list[Run]], files: Iterable[Path]) -> None:
    """The issue's figure: executable example files that deploy and run to the end."""
    paths = {p.name: p for p in files}
    chosen = [o for o in outcomes if _executable(o, paths)]
    deployed = [o for o in chosen if o.version_id is not None]
    ended = [o for o in deployed if all(r.finished for r in runs.get(o.version_id, [None]))]
    share = f"{100 * len(ended) / len(chosen):.0f}%" if chosen else "-"
    print(
        f"executable example files: {len(chosen)}, deployed {len(deployed)}, "
        f"deployed and ran to the end {len(ended)} ({share})"
    )
