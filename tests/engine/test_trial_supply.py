"""The auto-run's sample values for variables nothing set: taken from the failure text and
the diagram's code so that the run goes on (a comparison passes, a method exists)."""

from __future__ import annotations

import pytest

from engine.run_texts import chinese
from engine.trial.supply import PAST_TIME, SAMPLE_TEXT, missing_name, sample_value


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("表达式 'x > 1' 求值出错：变量 x 未定义（元素 g）", "x"),
        ("A data object could not be set; 'obj_1' not exist in the task.", "obj_1"),
        ("表达式 '1 / 0' 求值出错：ZeroDivisionError: division by zero", None),
    ],
)
def test_the_missing_name_is_read_from_the_failure(text, name):
    assert missing_name(text) == name


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("choice == 'Yes'", "Yes"),
        ("'No' == choice", "No"),
        ("choice > 1", 2),
        ("5 > choice", 4),
        ("choice == False", False),
        ("choice != True", False),
        ("choice in ['a', 'b']", "a"),
        ("not choice", True),
    ],
)
def test_the_value_makes_the_failing_expression_pass(expression, value):
    text = f"表达式 {expression!r} 求值出错：变量 choice 未定义（元素 g）"
    assert sample_value("choice", text) == value


def test_without_a_quoted_expression_the_diagram_code_decides():
    text = "变量 n 未定义（元素 s）"
    assert sample_value("n", text, ["total = n * 2", "n >= 7 and ok"]) == 7
    assert sample_value("n", text, ["out = n.upper()"]) == SAMPLE_TEXT
    assert sample_value("n", text, ["for item in n:\n    pass"]) == [1, 2]
    assert sample_value("due_time", "变量 due_time 未定义") == PAST_TIME
    # a timer's expression is the bare name: a date-time, not True
    assert sample_value("due_time", "表达式 'due_time' 求值出错：变量 due_time 未定义") == PAST_TIME
    assert sample_value("n", text, ["y = n + 1"]) == 1
    assert sample_value("n", text, ["y = n(3)"]) is None
    assert sample_value("datetime", text, ["d = datetime.now()"]) is None


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("No conditions satisfied for which", "网关 which 的条件都不成立，也没有默认流向"),
        ("This process is not waiting for B", "流程当前没有在等待 B"),
        (
            "A data object could not be set; 'obj_1' not exist in the task.",
            "数据对象 obj_1 无法设置：变量 obj_1 未定义",
        ),
        ("Expected an output item", "多实例任务缺少输出项（output item）"),
        ("Missing data ouput", "任务缺少规定的数据输出（data output）"),
    ],
)
def test_spiffworkflow_run_time_texts_read_in_chinese_and_keep_the_missing_name(english, expected):
    assert chinese(english) == expected
    if "obj_1" in english:
        assert missing_name(chinese(english)) == "obj_1"


def test_python_exception_texts_get_a_chinese_lead_per_kind():
    cases = {
        "KeyError: 'x'": "数据中没有这个键",
        "IndexError: list index out of range": "列表下标越界",
        "ZeroDivisionError: division by zero": "除数为 0",
        "AttributeError: 'dict' object has no attribute 'a'": "不能写 d.键",
        'TypeError: can only concatenate str (not "int") to str': "数据类型不匹配",
    }
    for original, lead in cases.items():
        text = chinese(f"脚本出错：{original}")
        assert text == f"脚本出错：{text[5:].split('（原文：')[0]}（原文：{original}）"
        assert lead in text
    assert chinese("变量 x 未定义") == "变量 x 未定义"


def test_a_variable_copied_into_one_used_as_text_gets_a_text():
    code = ["in_data = old", "out_data = in_data.upper()"]
    assert sample_value("old", "", code) == "试运行"
    assert sample_value("old", "", ["x = old + 1"]) == 1


def test_a_variable_an_assignee_or_candidates_expression_reads_gets_a_user_name():
    for label in ("办理人（assignee）", "候选人（candidateUsers）"):
        text = f"用户任务「审批」的{label}表达式 'approver' 求值出错：变量 approver 未定义"
        assert sample_value("approver", text, person="designer.wang") == "designer.wang"
    # elsewhere the same bare name stays a truth value (a gateway's condition)
    gateway = "表达式 'approver' 求值出错：变量 approver 未定义"
    assert sample_value("approver", gateway, person="designer.wang") is True
