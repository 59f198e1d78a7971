"""In-memory diagram sets: validate and deploy what a browser sends, as the CLI would."""

from __future__ import annotations

import json

import pytest

from engine import DeployRejected, NotFound, SourceFile
from engine.bundle import collect_set
from tests.conftest import BPMN_DIR, FORMS_DIR

from .diagrams import SIMPLE_FORM, sequence, service_task, user_task

FORM = SourceFile("t/a.json", "form", json.dumps(SIMPLE_FORM).encode())


def _bpmn(name: str, text: str) -> SourceFile:
    return SourceFile(name, "bpmn", text.encode())


def _plain_case_set() -> list[SourceFile]:
    files, problems = collect_set([BPMN_DIR / "plain_case.bpmn"], [FORMS_DIR])
    assert problems == []
    return files


def test_a_set_deploys_and_reads_back_byte_for_byte(engine):
    diagram = _bpmn("p.bpmn", sequence("p", ("a", user_task("a", "登记", form="t/a.json"))))
    result = engine.deploy_set([diagram, FORM], actor="designer", note="浏览器部署")
    assert result.created and result.process_ids == ["p"]
    stored = {f.name: f for f in engine.version_files(result.version_id)}
    assert stored == {"p.bpmn": diagram, "t/a.json": FORM}


def test_browser_set_and_cli_paths_make_the_same_version(engine):
    unused = SourceFile("other/unused.json", "form", b"{}")
    by_set = engine.deploy_set([*_plain_case_set(), unused], actor="designer", note="")
    by_cli = engine.deploy([BPMN_DIR / "plain_case.bpmn"], actor="designer", forms_dirs=[FORMS_DIR])
    assert not by_cli.created and by_cli.version_id == by_set.version_id
    names = {f.name for f in engine.version_files(by_set.version_id)}
    assert "other/unused.json" not in names and "plain_case/intake.schema.json" in names


def test_validate_set_returns_problems_without_raising_or_storing(engine):
    diagram = _bpmn(
        "p.bpmn",
        sequence(
            "p",
            ("a", user_task("a", "登记", form="t/missing.json")),
            ("call", service_task("call", "send_sms")),
        ),
    )
    problems = engine.validate_set([diagram, FORM])
    assert {(p.element, p.severity) for p in problems} == {("a", "error"), ("call", "error")}
    assert engine.latest_version_id() is None


def test_form_is_looked_up_inside_the_set_only(engine):
    diagram = _bpmn("p.bpmn", sequence("p", ("a", user_task("a", "登记", form="t/a.json"))))
    [problem] = engine.validate_set([diagram])
    assert problem.element == "a" and "t/a.json" in problem.message
    with pytest.raises(DeployRejected):
        engine.deploy_set([diagram], actor="designer", note="")


def test_broken_bytes_and_duplicate_names_are_problems(engine):
    problems = engine.validate_set(
        [_bpmn("x.bpmn", "<not xml"), _bpmn("x.bpmn", "<b/>"), SourceFile("y.txt", "txt", b"")]
    )
    messages = {(p.file, p.message) for p in problems}
    assert any(f == "x.bpmn" and "XML" in m for f, m in messages)
    assert ("x.bpmn", "同名文件出现了两次") in messages
    assert any(f == "y.txt" and "未知的文件类型" in m for f, m in messages)


def test_unknown_version_files_is_not_found(engine):
    with pytest.raises(NotFound):
        engine.version_files(999)


def test_a_parser_crash_on_odd_content_is_a_problem_not_an_exception(engine):
    caller = _plain_case_set()
    problems = engine.validate_set([*caller, SourceFile("t.dmn", "dmn", b"<definitions/>")])
    assert [p.file for p in problems] == ["t.dmn"]
    assert problems[0].message.startswith("不是 DMN 决策表文件（根元素是 definitions）")
    dmn = b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d"/>'
    problems = engine.validate_set([*caller, SourceFile("t.dmn", "dmn", dmn)])
    assert [p.file for p in problems] == ["t.dmn"]
    assert (
        problems[0].message
        == "不符合 DMN 规范（第 1 行）：元素 definitions 缺少必需的属性 namespace"
    )
