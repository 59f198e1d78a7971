"""``zongzhi deploy`` with a Camunda/Flowable export: ``.bpmn20.xml`` is a diagram, and a
file whose only process is not marked executable is named with what to change (issue 19)."""

from __future__ import annotations

from tests.engine.diagrams import HEAD
from webapp.cli import cli


def _run(app, *args):
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def _export(executable: str) -> str:
    return (
        HEAD.format(pid="leave")
        + f'<bpmn:process id="leave" name="请假" isExecutable="{executable}">'
        + '<bpmn:startEvent id="s"/><bpmn:endEvent id="e"/>'
        + '<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/>'
        + "</bpmn:process></bpmn:definitions>"
    )


def test_a_bpmn20_xml_export_not_executable_is_named_then_deploys(app, tmp_path):
    path = tmp_path / "leave.bpmn20.xml"
    path.write_text(_export("false"), encoding="utf-8")
    refused = _run(app, "deploy", str(path))
    assert refused.exit_code == 1
    assert "文件 leave.bpmn20.xml，元素 leave：流程「请假」(leave) 标记为不可执行" in refused.output
    assert "文件 -" not in refused.output and "只能部署" not in refused.output

    path.write_text(_export("true"), encoding="utf-8")
    deployed = _run(app, "deploy", str(path), "--note", "外来流程")
    assert deployed.exit_code == 0 and "包含流程：leave" in deployed.output
