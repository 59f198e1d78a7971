"""Conditions in JUEL, FEEL, JavaScript and XPath: a documented subset is read as Python
(the deploy warning shows the Python, and the path taken follows it); anything else is a
Chinese error naming the flow and saying what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Actor, DeployRejected, SourceFile
from engine.foreign.expressions import FEEL, JAVASCRIPT, JUEL, XPATH, translate

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"
DEMO = Actor.of("demo", ["Manager"])
JUEL_CONDITION = "${rate &gt; 5 &amp;&amp; !rejected}"


@pytest.mark.parametrize(
    ("text", "language", "python"),
    [
        ("${a eq 'x' and not (b ge 3)}", JUEL, "a == 'x' and not (b >= 3)"),
        ("#{n div 2 mod 3 lt 1 || ok}", JUEL, "n / 2 % 3 < 1 or ok"),
        ("${!empty name}", JUEL, "not (name in (None, '', [], {}))"),
        ('Vacation Approval = "Approved"', FEEL, "Vacation_Approval == 'Approved'"),
        ("= amount >= 100 and not(rejected) or x = null", FEEL, None),
        ("clarified === 'yes' && !done", JAVASCRIPT, "clarified == 'yes' and not done"),
        ("x !== undefined", JAVASCRIPT, "x != None"),
        ("$level = 'red' and true()", XPATH, "level == 'red' and True"),
        ("amount div 2 > 10", XPATH, "amount / 2 > 10"),
        ("not(bpmn:getDataObject('approved'))", XPATH, "not (approved)"),
        ("bpmn:getDataObject('clarified') = 'yes'", XPATH, "clarified == 'yes'"),
        ("semantic:getProcessProperty('amount') > 5", XPATH, "amount > 5"),
    ],
)
def test_the_subset_reads_as_python(text, language, python):
    found = translate(text, language)
    if python is None:  # FEEL's Camunda-8 "=" prefix, not(…) and null
        python = "amount >= 100 and not (rejected) or x == None"
    assert found.python == python


@pytest.mark.parametrize(
    ("text", "language", "why"),
    [
        ('${execution.getVariable("rate")}', JUEL, "属性访问或方法调用"),
        ("${a ? b : c}", JUEL, "三元表达式"),
        ("${__class__}", JUEL, "不能用作变量名"),
        ("${import}", JUEL, "不能用作变量名"),
        ("x between 1 and 5", FEEL, "between"),
        ("count(items) > 1", FEEL, "写法超出可翻译的范围"),
        ("items[0] > 1", JAVASCRIPT, "下标"),
        ("a.b == 1", JAVASCRIPT, "属性访问"),
        ("//order/@amount > 5", XPATH, "不在可自动翻译的范围内"),
        ("bpmn:getDataInput('x')", XPATH, "getDataInput 不在可自动翻译的范围内"),
        ("bpmn:getDataObject(approved)", XPATH, "只能带一个加引号的名称"),
        ("bpmn:getDataObject('my data')", XPATH, "不能用作变量名"),
        ("${bpmn:getDataObject('x')}", JUEL, "不在可自动翻译的范围内"),
    ],
)
def test_outside_the_subset_is_not_translated(text, language, why):
    found = translate(text, language)
    assert found.python is None and why in found.why


def _order(condition: str, attributes: str = "", definitions: str = "") -> list[SourceFile]:
    text = (FOREIGN / "camunda_order.bpmn").read_text()
    text = text.replace(JUEL_CONDITION, condition)
    text = text.replace(
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"',
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" {attributes}',
    )
    text = text.replace("<bpmn:definitions ", f"<bpmn:definitions {definitions} ", 1)
    return [
        SourceFile("camunda_order.bpmn", "bpmn", text.encode()),
        SourceFile("discount.dmn", "dmn", (FOREIGN / "discount.dmn").read_bytes()),
    ]


def _path_taken(engine, data: dict) -> list[str]:
    instance = engine.start("order", actor=DEMO, data=data)
    [review] = [t for t in engine.tasks_of(instance) if t.status == "ready"]
    engine.complete(review.id, {}, actor=DEMO)
    return [t.spec_id for t in engine.tasks_of(instance) if t.status == "ready"]


FEEL_URI = "https://www.omg.org/spec/DMN/20191111/FEEL/"
XPATH_DEFAULT = 'expressionLanguage="http://www.w3.org/1999/XPath"'


@pytest.mark.parametrize(
    ("condition", "attributes", "definitions", "source"),
    [
        ("rate &gt; 5 and not(rejected)", f'language="{FEEL_URI}"', "", "FEEL 表达式"),
        ("rate &gt; 5 and not(rejected)", "", f'expressionLanguage="{FEEL_URI}"', "FEEL 表达式"),
        ("rate &gt; 5 &amp;&amp; !rejected", 'language="text/javascript"', "", "JavaScript"),
        ("$rate &gt; 5 and not($rejected)", 'language="http://www.w3.org/1999/XPath"', "", "XPath"),
        # BPMN 2.0 §10.4's functions are XPath whatever the file declares (MIWG C.1.1)
        ("rate &gt; 5 and not(bpmn:getDataObject('rejected'))", "", "", "XPath"),
        ("rate &gt; 5 and not(bpmn:getDataObject('rejected'))", "", XPATH_DEFAULT, "XPath"),
        # no language and no Python (``=``), but XPath: BPMN's default (SpiffWorkflow's
        # Scripts.bpmn20.xml writes ``priority = 'Emergency'``)
        ("rate &gt; 5 and not(rejected = true())", "", "", "XPath"),
        # no language and a leading ``=``: Zeebe's FEEL (MIWG C.9.2 writes ``=fraud``)
        ("=rate &gt; 5 and not(rejected)", "", "", "FEEL 表达式"),
    ],
)
def test_foreign_condition_deploys_with_a_warning_and_chooses_the_path(
    engine, condition, attributes, definitions, source
):
    result = engine.deploy_set(_order(condition, attributes, definitions), actor="t", note="")
    [warning] = [w for w in result.warnings if w.element == "to_pack" and "读作" in w.message]
    assert source in warning.message and "按 Python 读作 rate > 5 and not" in warning.message
    assert _path_taken(engine, {"amount": 200, "rejected": False}) == ["pack"]
    assert _path_taken(engine, {"amount": 200, "rejected": True}) == []  # the timer path


def test_feel_name_of_several_words_is_named_in_the_warning(engine):
    files = _order("Big Rate &gt; 5", f'language="{FEEL_URI}"')
    result = engine.deploy_set(files, actor="t", note="")
    warnings = [p.message for p in result.warnings if p.element == "to_pack"]
    assert any("多词名称「Big Rate」读作变量 Big_Rate" in m for m in warnings), warnings


def test_untranslatable_feel_is_a_chinese_error_naming_the_flow(engine):
    files = _order("rate between 1 and 5", f'language="{FEEL_URI}"')
    with pytest.raises(DeployRejected) as caught:
        engine.deploy_set(files, actor="t", note="")
    [error] = [p for p in caught.value.problems if p.severity == "error"]
    assert error.element == "to_pack"
    assert "是 FEEL 表达式（DMN 1.3 第 10 章），无法自动换成 Python：" in error.message
    assert "请改写为 Python 表达式" in error.message


ARIS_TIMER = """<?xml version="1.0" encoding="UTF-8"?>
<semantic:definitions xmlns:semantic="http://www.omg.org/spec/BPMN/20100524/MODEL"
  id="d" targetNamespace="t" exporter="ARIS">
  <!-- a tool's comment -->
  <semantic:process xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="wait_a_week"
    isExecutable="true" camunda:isStartableInTasklist="false">
    <semantic:startEvent id="start"/>
    <semantic:intermediateCatchEvent id="week" name="7 days"><semantic:timerEventDefinition>
      <semantic:timeDuration>P7D</semantic:timeDuration>
    </semantic:timerEventDefinition></semantic:intermediateCatchEvent>
    <semantic:endEvent id="end"/>
    <semantic:sequenceFlow id="f1" sourceRef="start" targetRef="week"/>
    <semantic:sequenceFlow id="f2" sourceRef="week" targetRef="end"/>
  </semantic:process>
</semantic:definitions>"""


def test_a_bare_iso_timer_is_quoted_when_another_engine_is_declared_inside_the_file(engine):
    files = [SourceFile("aris.bpmn", "bpmn", ARIS_TIMER.encode())]
    result = engine.deploy_set(files, actor="t", note="")
    assert any(
        w.element == "week" and "P7D 按 Camunda 的约定读作文本 'P7D'" in w.message
        for w in result.warnings
    )


def test_a_feel_completion_condition_is_read_as_python():
    from lxml import etree

    from engine.foreign import translate_tree

    root = etree.fromstring(
        f'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">'
        '<userTask id="each"><multiInstanceLoopCharacteristics>'
        f'<completionCondition language="{FEEL_URI}">done count &gt;= 2</completionCondition>'
        "</multiInstanceLoopCharacteristics></userTask></process></definitions>"
    )
    [warning] = translate_tree(root, "p.bpmn")
    assert warning.severity == "warning" and warning.element == "each"
    assert "按 Python 读作 done_count >= 2" in warning.message
    assert root.find(".//{*}completionCondition").text == "done_count >= 2"
