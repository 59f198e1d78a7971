"""``Engine.decide``: a deployed DMN decision evaluated outside any process, on the newest
version that has it, under the script sandbox, with errors that name the decision."""

from __future__ import annotations

import pytest

from engine import DecisionFailed, NotFound, SourceFile
from tests.engine.diagrams import sequence

PROCESS = SourceFile("p.bpmn", "bpmn", sequence("p", lane=None).encode())

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d"
             namespace="http://zongzhi.test">
  <decision id="rise" name="上升规则">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i1" label="本期"><inputExpression id="e1" typeRef="number">
        <text>current</text></inputExpression></input>
      <input id="i2" label="变化"><inputExpression id="e2" typeRef="number">
        <text>change</text></inputExpression></input>
      <output id="o1" label="预警" name="alert" typeRef="boolean"/>
      <output id="o2" label="等级" name="level" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="r1a"><text>{red}</text></inputEntry>
        <inputEntry id="r1b"><text>&gt;= {change}</text></inputEntry>
        <outputEntry id="r1c"><text>True</text></outputEntry>
        <outputEntry id="r1d"><text>"红"</text></outputEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="r2a"><text>-</text></inputEntry>
        <inputEntry id="r2b"><text>&gt;= 1</text></inputEntry>
        <outputEntry id="r2c"><text>True</text></outputEntry>
        <outputEntry id="r2d"><text>"黄"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def _table(*, red: str = ">= 2 * previous", change: int = 5) -> SourceFile:
    text = DMN.format(red=red.replace(">", "&gt;").replace("<", "&lt;"), change=change)
    return SourceFile("rise.dmn", "dmn", text.encode())


def test_the_first_matching_rule_gives_the_outputs_and_no_match_gives_nothing(engine):
    engine.deploy_set([PROCESS, _table()], actor="designer", note="")
    assert engine.decide("rise", {"current": 10, "previous": 4, "change": 6}) == {
        "alert": True,
        "level": "红",
    }
    assert engine.decide("rise", {"current": 10, "previous": 8, "change": 2}) == {
        "alert": True,
        "level": "黄",
    }
    assert engine.decide("rise", {"current": 3, "previous": 3, "change": 0}) == {}


def test_the_newest_version_that_has_the_decision_is_used(engine):
    engine.deploy_set([PROCESS, _table(change=5)], actor="designer", note="v1")
    data = {"current": 8, "previous": 4, "change": 4}
    assert engine.decide("rise", data)["level"] == "黄"
    engine.deploy_set([PROCESS, _table(change=3)], actor="designer", note="v2: tighter")
    assert engine.decide("rise", data)["level"] == "红"
    other = SourceFile("q.bpmn", "bpmn", sequence("q", lane=None).encode())
    engine.deploy_set([other], actor="designer", note="v3 has no decision table")
    assert engine.decide("rise", data)["level"] == "红"


def test_a_decision_never_deployed_is_named_in_the_error(engine):
    with pytest.raises(NotFound, match="决策表 risk_rise 尚未部署"):
        engine.decide("risk_rise", {})
    engine.deploy_set([PROCESS, _table()], actor="designer", note="")
    with pytest.raises(NotFound, match="risk_rise"):
        engine.decide("risk_rise", {})


def test_a_failing_cell_names_the_decision(engine):
    engine.deploy_set([PROCESS, _table()], actor="designer", note="")
    with pytest.raises(DecisionFailed, match="决策表 rise 求值出错") as raised:
        engine.decide("rise", {"current": 10, "change": 6})  # no `previous`
    assert raised.value.decision_id == "rise"
    assert "previous" in raised.value.message


@pytest.mark.parametrize(
    "cell",
    ['__import__("os").getcwd()', 'open("/etc/passwd").read()', "current.__class__"],
)
def test_cells_run_in_the_sandbox(engine, cell):
    engine.deploy_set([PROCESS, _table(red=cell)], actor="designer", note="")
    with pytest.raises(DecisionFailed, match="rise") as raised:
        engine.decide("rise", {"current": 10, "previous": 4, "change": 6})
    message = raised.value.message
    assert "ScriptRejected" in message or "变量 open 未定义" in message
    assert "Did you mean" not in message
