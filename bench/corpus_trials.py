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

DESIGNER = Actor.of("corpus", ["流程设计员"])
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CALLEE_MISSING = "调用的流程 不在本次部署的文件中"
"""The reason of a file rejected alone because what it calls is in another file."""


@dataclass(frozen=True)
class Run:
    """One process run to its end, or not: where and why."""

    label: str
    finished: bool
    reason: str
    element: str | None = None
    process_id: str = ""


class _Hang(BaseException):
    """Not an ``Exception``: the auto-run turns those into a stop, a timeout must get out."""


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
        return Run(label, result.finished, result.reason, result.element, process_id)
    except TrialRefused as refused:
        return Run(label, False, f"试运行被拒绝：{refused}", None, process_id)
    except _Hang:
        return Run(label, False, f"超过 {timeout} 秒仍未结束（超时）", None, process_id)
    except Exception as error:  # counted: the auto-run must never raise
        return Run(label, False, f"异常 {type(error).__name__}: {error}", None, process_id)
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


def executable_processes(path: Path) -> set[str]:
    """The ids of the processes ``path`` marks ``isExecutable="true"`` (what Camunda,
    Flowable and Activiti deploy); empty for a file that marks none or does not parse."""
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(path.read_bytes(), parser)
    except (etree.XMLSyntaxError, ValueError, OSError):
        return set()
    return {
        p.get("id") or "" for p in root.iter(f"{BPMN}process") if p.get("isExecutable") == "true"
    }


def _defined(path: Path) -> set[str]:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(path.read_bytes(), parser)
    except (etree.XMLSyntaxError, ValueError, OSError):
        return set()
    return {p.get("id") or "" for p in root.iter(f"{BPMN}process")}


@dataclass(frozen=True)
class Example:
    """One executable example file: deployed (alone or in a call set) and run to the
    end, or the reason it did not."""

    path: Path
    ran: bool
    reason: str = ""


def _first_error(outcome) -> str:
    first = next((p for p in outcome.problems if p.severity == "error"), None)
    detail = str(first) if first is not None else outcome.traceback or outcome.reason
    return f"{outcome.reason}：{detail}"


def judge(path: Path, outcomes: Iterable, runs: Mapping[int, list[Run]]) -> Example:
    """``path`` counts as run when one deploy holding it (alone first, then its call sets)
    made a version in which every run of the file's own processes reached the end."""
    holding = sorted((o for o in outcomes if path in o.paths), key=lambda o: len(o.paths))
    if not holding:
        return Example(path, False, "没有尝试部署")
    own = _defined(path)
    stopped = None
    for outcome in holding:
        if outcome.version_id is None:
            continue
        mine = [r for r in runs.get(outcome.version_id, []) if r.process_id in own]
        if mine and all(r.finished for r in mine):
            return Example(path, True)
        failed = next((r for r in mine if not r.finished), None)
        if stopped is None:
            stopped = (
                f"部署成功但未运行到结束：[{failed.element or '-'}] {failed.reason}"
                if failed is not None
                else "部署成功但没有运行其中任何流程"
            )
    if stopped is not None:
        return Example(path, False, stopped)
    rejected = holding[0]
    if len(holding) > 1 and rejected.reason == CALLEE_MISSING:
        rejected = holding[-1]  # alone it lacks its callee: what stopped it with them?
    return Example(path, False, "部署被拒绝：" + _first_error(rejected))


INCOMPLETE = (
    ("不符合 BPMN 2.0 规范", "不是合规的 BPMN 2.0 文件（XML 模式校验未通过）"),
    ("定时器没有时间", "定时器没有时间"),
    ("的定时器没有设置时间表达式", "定时器没有时间"),
    ("这个事件没有事件定义", "事件没有事件定义"),
    ("事件引用的消息、信号、错误或升级定义不存在", "事件引用的消息或信号不在文件里"),
    ("业务规则任务引用的决策表 不在本次部署的文件中", "决策表（DMN）不在语料里"),
    ("调用活动没有指定被调用的流程", "调用活动没有写被调用的流程"),
    (CALLEE_MISSING, "被调用的流程不在语料里"),
    ("引用的表单 不存在", "表单不在语料里"),
    ("多实例任务没有设置实例数", "多实例没有实例数也没有集合"),
    ("多实例任务同时设置了实例数", "多实例既有实例数又有集合（规范只许其一）"),
    ("循环任务既没有最大次数", "循环既没有最大次数也没有条件"),
    ("顺序流 的起点 不存在", "顺序流的端点不存在"),
    ("顺序流 的终点 不存在", "顺序流的端点不存在"),
    ("取消边界事件只能附着在事务子流程上", "取消事件不在事务子流程上"),
)
"""Rejections that say the file itself lacks what BPMN 2.0 requires to execute it, or
something it names that the corpus does not hold (the decision, the called process, the
form): Camunda, Flowable and SpiffWorkflow refuse or cannot run these files too. Words
of the rejection's reason (its part before the first "："), and the group it is listed
under."""


def incomplete(example: Example) -> str | None:
    """The group of an example rejected for what its file lacks, else None (the file
    carries what execution needs, so not running it is this system's shortfall)."""
    if not example.reason.startswith("部署被拒绝："):
        return None
    head = example.reason.removeprefix("部署被拒绝：").partition("：")[0]
    return next((group for words, group in INCOMPLETE if words in head), None)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}" if whole else "-"


def examples(
    outcomes: list,
    runs: Mapping[int, list[Run]],
    labels: Mapping[Path, str],
    *,
    listing: bool = False,
) -> list[Example]:
    """The issue's figure: executable example files (a process marked
    ``isExecutable="true"``) that deploy, alone or in a call set, and run to the end.
    ``labels`` maps each diagram path to the name printed (folder/name). Under
    ``listing`` prints every remaining file with its reason: first those that carry what
    execution needs, then those rejected for what their file lacks (``INCOMPLETE``), by
    what. Then two lines: ``EXAMPLES complete=`` (the share among files that carry what
    execution needs) and, last, the figure over every file marked executable."""
    chosen = [path for path in labels if executable_processes(path)]
    judged = [judge(path, outcomes, runs) for path in chosen]
    ran = sum(e.ran for e in judged)
    lacking = {e.path: incomplete(e) for e in judged if not e.ran}
    ours = [e for e in judged if not e.ran and lacking[e.path] is None]
    if listing:
        print("executable examples that carry what execution needs but did not run to the end:")
        for example in ours:
            print(f"  - {labels[example.path]}: {example.reason[:240]}")
        print("executable examples whose file lacks what execution needs (rejected, by what):")
        for group, count in Counter(g for g in lacking.values() if g).most_common():
            print(f"  {count:4d}  {group}")
            for example in judged:
                if lacking.get(example.path) == group:
                    print(f"        - {labels[example.path]}: {example.reason[:200]}")
    complete = len(judged) - sum(1 for g in lacking.values() if g)
    print(f"EXAMPLES complete={complete} ran={ran} share={_share(ran, complete)}%")
    print(f"EXAMPLES files={len(judged)} ran={ran} share={_share(ran, len(judged))}%")
    return judged
