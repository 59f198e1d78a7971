"""Per-file checks before the parser sees a file: is it a whole BPMN (or DMN) document, does
it hold a process, is any of its processes executable. Each answer names the file and,
for a process, the process, and says what to change."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lxml import etree

from .errors import Problem
from .lint_graph import BPMN_NS, bpmn
from .xsd_texts import short_name

DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)
NOT_EXECUTABLE = "not_executable"
"""``Problem.code`` of a process not marked executable: the designer offers to mark it."""


def _root_kind(root: etree._Element) -> str:
    qname = etree.QName(root)
    if qname.namespace == BPMN_NS:
        return "bpmn" if qname.localname == "definitions" else "bpmn-fragment"
    if qname.namespace in DMN_NAMESPACES and qname.localname == "definitions":
        return "dmn"
    return "dmn-version" if "/spec/DMN/" in (qname.namespace or "") else "other"


def root_problem(name: str, kind: str, root: etree._Element) -> Problem | None:
    """Why the file ``name`` of ``kind`` (bpmn | dmn) is not a whole document of its kind."""
    found = _root_kind(root)
    if found == kind:
        return None
    shown = short_name(root.tag)
    if found == "bpmn-fragment":
        message = (
            f"这是 BPMN 片段（根元素是 {shown}），不是完整的 BPMN 文件："
            "请从建模器导出整个文件（根元素应为 bpmn:definitions）"
        )
    elif found == "dmn":
        message = "这是 DMN 决策表文件，不是 BPMN 流程图：请把扩展名改为 .dmn"
    elif found == "dmn-version" and kind == "dmn":
        message = (
            f"DMN 版本不受支持（命名空间 {etree.QName(root).namespace}）："
            "请在建模器中另存为 DMN 1.3（或 1.2）后再上传"
        )
    elif found == "bpmn":
        message = "这是 BPMN 流程图文件，不是 DMN 决策表：请把扩展名改为 .bpmn"
    else:
        wanted = "BPMN 2.0 流程图" if kind == "bpmn" else "DMN 决策表"
        message = f"不是 {wanted}文件（根元素是 {shown}）：请上传建模器导出的 {wanted}"
    return Problem(name, None, message)


def is_executable(process: etree._Element) -> bool:
    """As SpiffWorkflow reads it: executable unless ``isExecutable`` says otherwise."""
    return process.get("isExecutable", "true") == "true"


def _process_label(process: etree._Element) -> str:
    name = (process.get("name") or "").strip()
    return f"流程「{name}」({process.get('id')})" if name else f"流程 {process.get('id')}"


def _no_process(file: str, root: etree._Element) -> Problem:
    others = sorted({etree.QName(c).localname for c in root if isinstance(c.tag, str)})
    held = "、".join(others[:4]) or "空"
    return Problem(
        file,
        None,
        f"文件中没有流程（bpmn:process），只有 {held}：没有可以部署运行的内容，"
        "请在建模器中画出流程后重新导出",
    )


def _not_executable(file: str, process: etree._Element, severity: str) -> Problem:
    what = "本文件没有可执行的流程，无法部署" if severity == "error" else "部署后不会运行"
    return Problem(
        file,
        process.get("id"),
        f'{_process_label(process)} 标记为不可执行（isExecutable="false"），{what}：'
        '在设计器中点“设为可执行”，或在 XML 的 bpmn:process 上写 isExecutable="true"',
        severity,
        NOT_EXECUTABLE,
    )


def executable_problems(roots: Mapping[str, etree._Element]) -> Iterator[Problem]:
    """Files that hold no process, or only processes not marked executable.

    They are errors when no file of the set has an executable process (nothing could
    run), warnings beside a file that has one (the set deploys; those processes idle).
    """
    processes = {file: list(root.iter(bpmn("process"))) for file, root in roots.items()}
    runnable = any(is_executable(p) for found in processes.values() for p in found)
    severity = "warning" if runnable else "error"
    for file, found in processes.items():
        if not found:
            if not runnable:
                yield _no_process(file, roots[file])
        elif not any(is_executable(p) for p in found):
            yield from (_not_executable(file, p, severity) for p in found)
