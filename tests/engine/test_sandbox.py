"""The restricted script environment: benign scripts work, hostile ones never do.

Pure unit tests: tiny in-memory workflows parsed from ``fixtures/`` and run with the
sandboxed engine, plus direct calls to the environment. No database.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.operators import OperatorRegistry, UnknownOperator
from engine.sandbox import (
    DataNameConflict,
    RestrictedEnvironment,
    ScriptRejected,
    ServiceCallError,
    check_source,
    compile_restricted_cached,
    duration,
    make_script_engine,
)

FIXTURES = Path(__file__).parent / "fixtures"

HOSTILE = {
    # fixture: (what check_source must say, what the run-time failure must say)
    "hostile_import": ("不允许 import 语句", "__import__ not found"),
    "hostile_open": ("不允许使用 open", "变量 open 未定义"),
    "hostile_subclasses": ("不允许访问以下划线开头的属性 __class__", "以下划线开头的属性"),
    "hostile_format": ("不允许使用 format()", "format*() methods of `str` is not safe"),
    "hostile_getattr": ("不允许使用 getattr", "变量 getattr 未定义"),
}


def load_spec(name: str):
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(FIXTURES / f"{name}.bpmn"))
    return parser.get_spec(name)


def run_fixture(name: str, data: dict[str, Any] | None = None, **engine_args) -> BpmnWorkflow:
    workflow = BpmnWorkflow(load_spec(name), script_engine=make_script_engine(**engine_args))
    workflow.task_tree.data.update(data or {})
    workflow.do_engine_steps()
    return workflow


def script_of(name: str) -> str:
    spec = load_spec(name)
    scripts = [s.script for s in spec.task_specs.values() if getattr(s, "script", None)]
    assert len(scripts) == 1
    return scripts[0]


def run_script(script: str, data: dict[str, Any] | None = None, **env_args) -> dict:
    context = dict(data or {})
    RestrictedEnvironment(**env_args).execute(script, context)
    return context


# -- benign ------------------------------------------------------------------------------


def test_benign_fixture_runs_and_leaves_only_data():
    workflow = run_fixture("benign_script", {"applicant": "张三"})

    assert workflow.is_completed()
    data = workflow.last_task.data
    assert data["parties"] == {"applicant": "张三", "respondent": "李四", "witness": "王五"}
    assert data["tags"] == ["邻里", "物业"]
    assert data["count"] == 3
    assert data["names"] == ["张三", "李四", "王五"]
    assert (data["first"], data["others"]) == ("张三", ["李四", "王五"])
    assert data["lengths"] == {"applicant": 2, "respondent": 2, "witness": 2}
    assert data["labels"] == ["applicant=张三", "respondent=李四", "witness=王五"]
    assert (data["deadline"], data["reminder"]) == ("P5D", "PT4H")
    assert data["level"] == "普通"
    assert data["summary"] == "张三 共 2 个标签"
    assert data["route"] == "many"  # the gateway condition ran through evaluate()
    # helpers, guards and builtins never stay in the task data
    for name in ("__builtins__", "_getattr_", "_write_", "duration", "get_data"):
        assert name not in data
    json.dumps(data)
    copy.deepcopy(data)


def test_get_data_reads_current_data_with_default():
    context = run_script(
        'a = get_data("x", 0)\nb = get_data("missing", "默认")\nx = 5\nc = get_data("x")',
        {"x": 1, "keep": True},
    )
    assert (context["a"], context["b"], context["c"]) == (1, "默认", 5)
    assert context["keep"] is True
    assert "get_data" not in context


def test_get_data_reads_keys_that_are_not_identifiers():
    env = RestrictedEnvironment()
    assert env.evaluate('get_data("案件-编号")', {"案件-编号": "C-1"}) == "C-1"


def test_get_data_refuses_reserved_names():
    with pytest.raises(ValueError, match="保留名称 __builtins__"):
        run_script('b = get_data("__builtins__")')


def test_evaluate_expressions_and_whitespace_from_xml():
    env = RestrictedEnvironment()
    assert env.evaluate("\n   amount > 100 and kind in ('a', 'b')\n", {"amount": 150, "kind": "a"})
    assert env.evaluate("duration(weeks=1)", {}) == "P7D"
    assert env.evaluate("sum(x * 2 for x in items)", {"items": [1, 2, 3]}) == 12


def test_app_helpers_are_callable_and_stripped():
    context = run_script("label = shout(name)", {"name": "ok"}, helpers={"shout": str.upper})
    assert context == {"name": "ok", "label": "OK"}


def test_modules_and_functions_assigned_in_scripts_are_stripped():
    context = run_script("m = math\nf = duration\ng = lambda: 1\nvalue = math.floor(2.5)")
    assert context == {"value": 2}


def test_missing_attribute_raises_instead_of_returning_none():
    with pytest.raises(AttributeError):
        run_script('x = "abc".no_such_method')


# -- hostile -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_fixture_is_rejected_statically(name):
    expected, _ = HOSTILE[name]
    message = check_source(script_of(name), "exec")
    assert message is not None
    assert expected in message


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_fixture_fails_at_run_time(name):
    """Executed anyway (no deploy check), the run-time guard still stops it."""
    _, expected = HOSTILE[name]
    with pytest.raises(WorkflowTaskException) as caught:
        run_fixture(name)
    assert expected in str(caught.value)
    assert caught.value.task.task_spec.bpmn_id == "run_script"


@pytest.mark.parametrize(
    "script",
    [
        "import os",
        "from os import system",
        "x = __import__('os')",
        "x = open('/etc/passwd')",
        "x = getattr(math, 'os')",
        "x = type(1)",
        "x = vars()",
        "x = dir()",
        "x = globals()",
        "x = locals()",
        "x = eval('1')",
        "exec('x = 1')",
        "x = compile('1', 'f', 'eval')",
        "x = [c for c in ().__class__.__base__.__subclasses__()]",
        "x = (lambda: 1).__globals__",
        "x = (i for i in [1]).gi_frame",
        "x = f'{(1).__class__}'",
        "x = '{0.__class__}'.format(1)",
        "x = '{0.__class__}'.format_map({})",
        "x = str.format('{0.__class__}', 1)",
        "x = math.__loader__",
        "class A:\n    pass",
    ],
)
def test_escape_attempts_fail_statically_and_at_run_time(script):
    assert check_source(script, "exec") is not None
    with pytest.raises(Exception) as caught:
        run_script(script)
    assert not isinstance(caught.value, AssertionError)


@pytest.mark.parametrize(
    "script",
    [
        "x = os.system('id')",
        "x = subprocess.run(['id'])",
        "x = string.Formatter()",
        "x = random.random()",
    ],
)
def test_unknown_module_names_are_just_missing_data(script):
    """Statically these are ordinary names (data keys); at run time nothing answers them."""
    assert check_source(script, "exec") is None
    with pytest.raises(NameError):
        run_script(script)


def test_format_built_at_run_time_fails_at_run_time():
    script = 'spec = "{0." + "_" * 2 + "class" + "_" * 2 + "}"\nmethod = "form" + "at"'
    context = run_script(script)
    with pytest.raises(NotImplementedError):
        RestrictedEnvironment().evaluate("spec.format(1)", {"spec": context["spec"]})
    with pytest.raises(NotImplementedError):
        RestrictedEnvironment().evaluate("str.format(spec, 1)", {"spec": context["spec"]})


def test_os_and_subprocess_are_never_reachable():
    env = RestrictedEnvironment()
    builtins_seen = env.globals["__builtins__"]
    assert not {"os", "subprocess", "sys", "open", "getattr", "__import__", "type"} & set(
        builtins_seen
    )
    for expression in ("os", "subprocess", "sys", "__builtins__"):
        with pytest.raises((NameError, ScriptRejected)):
            env.evaluate(expression, {})
    with pytest.raises(ImportError):
        run_script("import subprocess")


def test_runtime_error_in_expression_names_the_problem():
    with pytest.raises(WorkflowTaskException) as caught:
        run_fixture("benign_script", {"applicant": 42})  # "applicant=" + 42 fails
    assert "TypeError" in str(caught.value)


def test_non_string_exception_argument_does_not_break_error_reporting():
    workflow = BpmnWorkflow(load_spec("benign_script"), script_engine=make_script_engine())
    task = workflow.get_next_task(spec_name="benign")
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.script_engine.execute(task, "x = {}\ny = x[1]")
    assert "KeyError: 1" in str(caught.value)
    assert caught.value.line_number == 2


def test_syntax_error_reported_with_line_number():
    assert check_source("a = 1\nb = (", "exec").startswith("第 2 行：语法错误")
    with pytest.raises(ScriptRejected) as caught:
        run_script("a = 1\nb = (")
    assert caught.value.lineno == 2
    assert "语法错误" in str(caught.value)

    workflow = BpmnWorkflow(load_spec("benign_script"), script_engine=make_script_engine())
    task = workflow.get_next_task(spec_name="benign")
    with pytest.raises(WorkflowTaskException) as wrapped:
        workflow.script_engine.execute(task, "a = 1\nb = (")
    assert (wrapped.value.line_number, wrapped.value.error_line) == (2, "b = (")


@pytest.mark.parametrize(
    ("source", "mode", "message"),
    [
        ("a = 1\nb = (", "exec", "第 2 行：语法错误（第 5 列）：括号「(」没有闭合"),
        ("a > 1 and", "eval", "第 1 行：语法错误：写法不符合 Python 语法"),
        ("bpmn:getDataObject('x')", "eval", "第 1 行：语法错误（第 5 列）：写法不符合 Python 语法"),
        (
            "x = 1（2）",
            "exec",
            "第 1 行：语法错误（第 6 列）：不能使用字符「（」（U+FF08），请改用英文标点",
        ),
        (
            "if a = 1:\n  pass",
            "exec",
            "第 1 行：语法错误（第 4 列）：写法不符合 Python 语法：比较是否相等请写 ==",
        ),
    ],
)
def test_syntax_errors_are_told_in_chinese_with_line_and_column(source, mode, message):
    assert check_source(source, mode) == message
    with pytest.raises(ScriptRejected) as caught:  # RestrictedPython's own report
        compile_restricted_cached(source, mode)
    assert not re.search("[A-Za-z]{3}", str(caught.value).replace("Python", ""))


# -- check_source ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "mode"),
    [
        ("x = [d for d in departments if d != '公安']", "exec"),
        ("a, b = 1, 2\na += b", "exec"),
        ("amount > 100 and case_type == 'contract'", "eval"),
        ("'PT1H'", "eval"),
        ("duration(days=get_data('limit_days', 3))", "eval"),
        ("\n  satisfied\n", "eval"),
    ],
)
def test_check_source_accepts_ordinary_code(source, mode):
    assert check_source(source, mode) is None


def test_check_source_reports_every_problem_in_line_order():
    message = check_source("import os\nx = open('f')\ny = z._secret", "exec")
    assert message == (
        "第 1 行：不允许 import 语句；第 2 行：不允许使用 open；"
        "第 3 行：不允许访问以下划线开头的属性 _secret"
    )


def test_check_source_eval_mode_rejects_statements():
    assert "语法错误" in check_source("x = 1", "eval")


# -- name clashes ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["duration", "get_data", "shout"])
def test_data_key_named_like_a_helper_is_a_clear_error(name):
    env = RestrictedEnvironment(helpers={"shout": str.upper})
    context = {name: "表单值"}
    with pytest.raises(DataNameConflict, match=f"重名：{name}"):
        env.execute("x = 1", context)
    with pytest.raises(DataNameConflict, match=f"重名：{name}"):
        env.evaluate("1", context)
    assert context == {name: "表单值"}


def test_data_key_clash_surfaces_through_the_workflow():
    with pytest.raises(WorkflowTaskException, match="duration"):
        run_fixture("benign_script", {"applicant": "张三", "duration": 3})


@pytest.mark.parametrize("name", ["duration", "get_data", "len", "open", "_x", "a-b"])
def test_helper_names_must_not_shadow_anything(name):
    with pytest.raises(ValueError):
        RestrictedEnvironment(helpers={name: str.upper})


# -- duration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"days": 5}, "P5D"),
        ({"hours": 4}, "PT4H"),
        ({"days": 1, "hours": 2}, "P1DT2H"),
        ({"minutes": 30}, "PT30M"),
        ({"weeks": 2}, "P14D"),
        ({"hours": 36}, "P1DT12H"),
        ({"hours": 1.5}, "PT1H30M"),
        ({"days": 1, "hours": -1}, "PT23H"),
    ],
)
def test_duration_formats(kwargs, expected):
    assert duration(**kwargs) == expected


@pytest.mark.parametrize("kwargs", [{}, {"days": 0}, {"hours": -1}, {"days": 1, "hours": -24}])
def test_duration_rejects_non_positive_totals(kwargs):
    with pytest.raises(ValueError, match="时长必须大于零"):
        duration(**kwargs)


def test_duration_rejects_bad_values():
    with pytest.raises(ValueError, match="整分钟"):
        duration(minutes=0.5)
    with pytest.raises(TypeError, match="必须是数字"):
        duration(days="5")


def test_duration_output_is_a_valid_spiff_timer_duration():
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    parsed = TimerEventDefinition.parse_iso_duration(duration(days=1, hours=2, minutes=3))
    assert parsed == {"days": 1, "hours": 2, "minutes": 3}


# -- services ----------------------------------------------------------------------------


def test_service_task_calls_registered_operator():
    registry = OperatorRegistry()
    seen: dict[str, Any] = {}

    def lookup_case(params: dict, data: dict) -> dict:
        seen.update(params=params, data=data)
        return {"id": params["case_id"], "状态": "受理"}

    registry.register("lookup_case", lookup_case, params={"case_id": "案件编号"})
    workflow = run_fixture("service_call", {"case_id": "C-1"}, services=registry.call)

    assert workflow.is_completed()
    assert workflow.last_task.data["case_info"] == {"id": "C-1", "状态": "受理"}
    assert seen == {"params": {"case_id": "C-1"}, "data": {"case_id": "C-1"}}


def test_unknown_operator_is_a_clear_error():
    registry = OperatorRegistry()
    registry.register("other", lambda params, data: None)
    with pytest.raises(WorkflowTaskException) as caught:
        run_fixture("service_call", {"case_id": "C-1"}, services=registry.call)
    message = str(caught.value)
    assert "未注册的服务操作 'lookup_case'" in message
    assert "other" in message
    assert "script" not in message


def test_failing_operator_message_survives():
    registry = OperatorRegistry()

    def broken(params: dict, data: dict) -> None:
        raise RuntimeError("数据库连接失败")

    registry.register("lookup_case", broken)
    with pytest.raises(WorkflowTaskException) as caught:
        run_fixture("service_call", {"case_id": "C-1"}, services=registry.call)
    assert "数据库连接失败" in str(caught.value)
    assert "NameError" not in str(caught.value)
    assert isinstance(caught.value.__cause__, ServiceCallError)


def test_service_without_caller_or_with_unjsonable_result():
    with pytest.raises(WorkflowTaskException, match="未配置服务调用"):
        run_fixture("service_call", {"case_id": "C-1"})
    with pytest.raises(WorkflowTaskException, match="无法转换为 JSON"):
        run_fixture("service_call", {"case_id": "C-1"}, services=lambda n, p, d: object())


def test_operator_registry_api():
    registry = OperatorRegistry()
    registry.register("b_op", lambda params, data: params["x"] + data["y"], params={"x": "加数"})
    registry.register("a_op", lambda params, data: "a", description="示例")

    assert "b_op" in registry
    assert "missing" not in registry
    assert registry.names() == ["a_op", "b_op"]
    assert registry.call("b_op", {"x": 1}, {"y": 2}) == 3
    assert registry.get("a_op").description == "示例"
    with pytest.raises(KeyError) as caught:
        registry.call("nope", {}, {})
    assert isinstance(caught.value, UnknownOperator)
    assert str(caught.value) == "未注册的服务操作 'nope'；已注册的操作：a_op、b_op"
    with pytest.raises(ValueError, match="不接受参数：y"):
        registry.call("b_op", {"x": 1, "y": 2}, {"y": 2})
    with pytest.raises(ValueError, match="已注册"):
        registry.register("a_op", lambda params, data: None)


# -- caching -----------------------------------------------------------------------------


def test_compiled_code_is_cached():
    from engine.sandbox import compile_restricted_cached

    before = compile_restricted_cached.cache_info().hits
    env = RestrictedEnvironment()
    for _ in range(3):
        env.evaluate("n + 1 > 2 and 'cache-probe'", {"n": 5})
    assert compile_restricted_cached.cache_info().hits >= before + 2
