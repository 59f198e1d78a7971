"""Each file is told what is wrong with it as a whole, by name (never "文件 -"): only
non-executable processes, no process, a fragment, not BPMN; and ``.bpmn20.xml`` files
deploy like ``.bpmn`` ones (issue 19)."""

from __future__ import annotations

from engine import SourceFile
from engine.bundle import collect_diagrams, diagram_kind
from engine.file_checks import NOT_EXECUTABLE

from .diagrams import HEAD, sequence, write

BPMN_NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'


def _idle(pid: str, executable: str = "false") -> str:
    return (
        HEAD.format(pid=pid)
        + f'<bpmn:process id="{pid}" name="请假" isExecutable="{executable}">'
        + '<bpmn:startEvent id="s"/><bpmn:endEvent id="e"/>'
        + '<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/>'
        + "</bpmn:process></bpmn:definitions>"
    )


def _check(engine, *files: tuple[str, str]):
    return engine.validate_set([SourceFile(n, "bpmn", t.encode()) for n, t in files])


def test_a_file_of_non_executable_processes_names_each_and_how_to_mark_it(engine):
    [problem] = _check(engine, ("leave.bpmn", _idle("leave")))
    assert (problem.file, problem.element, problem.severity) == ("leave.bpmn", "leave", "error")
    assert problem.code == NOT_EXECUTABLE
    assert problem.message.startswith("流程「请假」(leave) 标记为不可执行")
    assert "设为可执行" in problem.message and 'isExecutable="true"' in problem.message


def test_beside_an_executable_file_it_is_only_a_warning(engine):
    problems = _check(engine, ("main.bpmn", sequence("main")), ("leave.bpmn", _idle("leave")))
    assert [(p.file, p.severity, p.code) for p in problems] == [
        ("leave.bpmn", "warning", NOT_EXECUTABLE)
    ]


def test_a_file_with_no_process_says_so(engine):
    text = HEAD.format(pid="x") + '<bpmn:collaboration id="c"/></bpmn:definitions>'
    [problem] = _check(engine, ("empty.bpmn", text))
    assert problem.file == "empty.bpmn" and "没有流程" in problem.message
    assert "collaboration" in problem.message


def test_a_fragment_is_told_it_is_a_fragment_not_that_it_is_not_executable(engine):
    text = f'<bpmn:process {BPMN_NS} id="p" isExecutable="true"/>'
    [problem] = _check(engine, ("frag.bpmn", text))
    assert problem.file == "frag.bpmn" and "BPMN 片段" in problem.message
    assert "bpmn:process" in problem.message and "可执行" not in problem.message


def test_xml_that_is_not_bpmn_says_so(engine):
    [problem] = _check(engine, ("page.bpmn", "<html><body/></html>"))
    assert problem.file == "page.bpmn" and problem.message.startswith("不是 BPMN 2.0 流程图文件")


def test_a_dmn_file_named_bpmn_is_told_to_rename(engine):
    text = '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d"/>'
    [problem] = _check(engine, ("table.bpmn", text))
    assert "扩展名改为 .dmn" in problem.message


def test_bpmn20_xml_is_a_diagram_wherever_bpmn_is(engine, tmp_path):
    assert diagram_kind("order.bpmn20.xml") == "bpmn" and diagram_kind("a.xml") is None
    write(tmp_path, "order.bpmn20.xml", sequence("order"))
    write(tmp_path, "notes.xml", "<notes/>")
    files, problems = collect_diagrams([tmp_path])
    assert [f.name for f in files] == ["order.bpmn20.xml"] and problems == []
    result = engine.deploy([tmp_path / "order.bpmn20.xml"], actor="designer")
    assert result.created and result.process_ids == ["order"]


def test_an_empty_folder_is_named(tmp_path):
    files, [problem] = collect_diagrams([tmp_path])
    assert files == [] and problem.file == tmp_path.name and ".bpmn20.xml" in problem.message
