"""Diagram code is bounded: hostile scripts, expressions and templates fail one step,
naming the element and the budget, within seconds, and nothing of the step is stored."""

from __future__ import annotations

import time

import pytest

from engine import Actor, Budget, BudgetExceeded, StepFailed, render_budgeted
from engine.sandbox import make_script_engine
from tests.engine.diagrams import (
    sequence,
    timer_catch,
    user_task,
    write,
    write_form,
)
from webapp.config import ConfigError, script_budget
from webapp.tasks.detail import render_instructions

CENTER = Actor.of("li", ["镇综治中心"])

HOSTILE_SCRIPTS = {
    "endless while": ("while True:\n    pass", "超出运行步数上限 1,000,000 步"),
    "nested loops": (
        "n = 0\nfor a in range(999):\n    for b in range(999):\n        for c in range(9):\n"
        "            n += 1",
        "超出运行步数上限",
    ),
    "comprehension": (
        "x = [a * b for a in range(999) for b in range(999) for c in range(9)]",
        "超出运行步数上限",
    ),
    "exponential recursion": (
        "def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(40)",
        "超出运行步数上限",
    ),
    "caught and ignored": (
        "try:\n    while True:\n        pass\nexcept Exception:\n    pass\nok = 1",
        "超出运行步数上限",
    ),
    "list of 800 MB": ("x = [0] * 10**8", "超出内存上限 256 MB"),
    "string of 10 GB": ("x = 'a' * 10**10", "超出内存上限 256 MB"),
    "doubling string": ("s = 'ab'\nfor i in range(40):\n    s = s + s", "超出内存上限"),
    "many big strings": ("x = ['a' * (60 * 2**20) for i in range(100)]", "超出内存上限"),
    "padding": ("x = 'a'.ljust(10**10)", "超出内存上限"),
    "f-string width": ("x = f'{1:>10000000000}'", "超出内存上限"),
    "percent width": ("x = '%10000000000d' % 1", "超出内存上限"),
    "to_bytes": ("x = (1).to_bytes(10**10, 'big')", "超出内存上限"),
    "join": ("x = ''.join(['a'] * 10**9)", "超出内存上限"),
    "huge power": ("x = 10**10**10", "超出数值大小上限"),
    "huge shift": ("x = 1 << 10**9", "超出数值大小上限"),
    "pow builtin": ("x = pow(3, 10**9)", "超出数值大小上限"),
    "factorial": ("x = math.factorial(10**7)", "超出数值大小上限"),
}


@pytest.mark.parametrize("name", list(HOSTILE_SCRIPTS))
def test_hostile_script_fails_within_seconds_naming_the_budget(name):
    source, expected = HOSTILE_SCRIPTS[name]
    environment = make_script_engine(budget=Budget()).environment
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as caught:
        environment.execute(source, {})
    assert expected in str(caught.value)
    assert time.monotonic() - started < 5


def test_ordinary_scripts_are_untouched():
    environment = make_script_engine(budget=Budget()).environment
    data: dict = {}
    environment.execute(
        "xs = [i * 2 for i in range(10)]\n"
        "label = '%s-%d' % ('a', 3) + f'{7:>3}' + '-'.join(['x', 'y'])\n"
        "total = sum(x for x in xs) + max(map(lambda v: v + 1, xs))\n"
        "big = 2 ** 64 * 3\n"
        "line = '=' * 20",
        data,
    )
    assert data["label"] == "a-3  7x-y"
    assert data["total"] == 90 + 19
    assert data["big"] == 3 * 2**64 and data["line"] == "=" * 20


def test_wall_clock_deadline_stops_a_loop_that_is_within_its_steps():
    environment = make_script_engine(budget=Budget(steps=10**12, seconds=0.3)).environment
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match=r"超出运行时间上限 0\.3 秒"):
        environment.execute("while True:\n    pass", {})
    assert time.monotonic() - started < 2


def test_condition_expression_is_bounded_too():
    environment = make_script_engine(budget=Budget()).environment
    with pytest.raises(BudgetExceeded, match="超出运行步数上限"):
        environment.evaluate(
            "len([a for a in range(999) for b in range(999) for c in range(9)])", {}
        )


# -- through the engine: the step fails, names the element, rolls back --------------------


def _script_after_form(tmp_path, script: str) -> str:
    script_xml = (
        '<bpmn:scriptTask id="calc_due" name="计算时限">'
        f"<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>"
    )
    forms = tmp_path / "forms"
    write_form(forms, "t/a.json")
    path = write(
        tmp_path,
        "hostile.bpmn",
        sequence(
            "hostile",
            ("a", user_task("a", "登记", form="t/a.json")),
            ("calc_due", script_xml),
        ),
    )
    return str(path), forms


def test_endless_script_task_fails_its_step_naming_element_and_budget(engine, tmp_path):
    path, forms = _script_after_form(tmp_path, "while True:\n    pass")
    engine.deploy([path], actor="designer", forms_dirs=[forms])
    instance = engine.start("hostile", actor=CENTER)
    [task] = engine.ready_tasks(CENTER)
    started = time.monotonic()
    with pytest.raises(StepFailed) as caught:
        engine.complete(task.id, {"note": "备注内容"}, actor=CENTER)
    assert time.monotonic() - started < 10
    assert caught.value.element == "calc_due"
    assert caught.value.message == (
        "脚本任务“计算时限”（calc_due）超出运行步数上限 1,000,000 步，已回滚"
    )
    # Rolled back: the form task is still there to be done again.
    assert [t.id for t in engine.ready_tasks(CENTER) if t.instance_id == instance] == [task.id]


def test_endless_pre_script_fails_the_start_naming_the_user_task(engine, tmp_path):
    forms = tmp_path / "forms"
    write_form(forms, "t/a.json")
    pre = (
        "<bpmn:extensionElements><spiffworkflow:preScript>while True:\n    pass"
        "</spiffworkflow:preScript></bpmn:extensionElements>"
    )
    task_xml = user_task("intake", "受理登记", form="t/a.json").replace(
        "</bpmn:userTask>", pre + "</bpmn:userTask>"
    )
    # the form properties already opened extensionElements: merge the two blocks
    task_xml = task_xml.replace(
        "</spiffworkflow:properties></bpmn:extensionElements><bpmn:extensionElements>",
        "</spiffworkflow:properties>",
    )
    path = write(tmp_path, "pre.bpmn", sequence("pre", ("intake", task_xml)))
    engine.deploy([path], actor="designer", forms_dirs=[forms])
    started = time.monotonic()
    with pytest.raises(StepFailed) as caught:
        engine.start("pre", actor=CENTER)
    assert time.monotonic() - started < 10
    assert caught.value.message == (
        "用户任务“受理登记”（intake）超出运行步数上限 1,000,000 步，已回滚"
    )
    assert engine.ready_tasks(CENTER) == []


def test_timer_expression_over_budget_names_the_timer(engine, tmp_path):
    forms = tmp_path / "forms"
    write_form(forms, "t/a.json")
    path = write(
        tmp_path,
        "timer.bpmn",
        sequence(
            "timed",
            ("a", user_task("a", "登记", form="t/a.json")),
            ("wait", timer_catch("wait", "'P%dD' % len([0] * 10**8)")),
        ),
    )
    engine.deploy([path], actor="designer", forms_dirs=[forms])
    engine.start("timed", actor=CENTER)
    [task] = engine.ready_tasks(CENTER)
    with pytest.raises(StepFailed) as caught:
        engine.complete(task.id, {"note": "备注内容"}, actor=CENTER)
    assert caught.value.element == "wait"
    assert caught.value.message == "事件“等待”（wait）超出内存上限 256 MB，已回滚"


# -- instructions templates ---------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{{ 'a' * 10**10 }}",
        "{{ 'a'|center(10**10) }}",
        "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    ],
)
def test_hostile_instructions_show_a_chinese_sentence_not_a_hang(template):
    started = time.monotonic()
    text = render_instructions(template, {})
    assert time.monotonic() - started < 5
    assert text is not None and text.startswith("（本任务的办理说明超出")
    assert "未能显示" in text


def test_ordinary_instructions_render_as_before():
    text = render_budgeted(
        "{{ name }}：{% for d in items %}{{ d|center(4) }}{% endfor %}{{ '%s天'|format(3) }}",
        {"name": "请核实", "items": ["甲", "乙"]},
        budget=Budget(),
    )
    assert text == "请核实： 甲   乙  3天"


# -- configuration -------------------------------------------------------------------------


def test_budget_is_configured_from_the_environment():
    assert script_budget({}) == Budget(steps=1_000_000, seconds=5.0, memory_mb=256)
    configured = script_budget(
        {
            "ZONGZHI_SCRIPT_STEP_LIMIT": "2000",
            "ZONGZHI_SCRIPT_SECONDS": "1.5",
            "ZONGZHI_SCRIPT_MEMORY_MB": "64",
        }
    )
    assert configured == Budget(steps=2000, seconds=1.5, memory_mb=64)
    with pytest.raises(ConfigError, match="ZONGZHI_SCRIPT_STEP_LIMIT 应为正整数"):
        script_budget({"ZONGZHI_SCRIPT_STEP_LIMIT": "很多"})
    with pytest.raises(ConfigError, match="ZONGZHI_SCRIPT_SECONDS 应为正数"):
        script_budget({"ZONGZHI_SCRIPT_SECONDS": "0"})


def test_endless_recursion_fails_its_step_in_chinese(engine, tmp_path):
    path, forms = _script_after_form(tmp_path, "def f(n):\n    return f(n + 1)\nx = f(1)")
    engine.deploy([path], actor="designer", forms_dirs=[forms])
    engine.start("hostile", actor=CENTER)
    [task] = engine.ready_tasks(CENTER)
    with pytest.raises(StepFailed) as caught:
        engine.complete(task.id, {"note": "备注内容"}, actor=CENTER)
    assert caught.value.element == "calc_due"
    assert "函数递归调用层数过深" in caught.value.message
    assert "RecursionError" not in caught.value.message
