"""SpiffWorkflow's English run-time failure texts, as a designer should read them (Chinese).

``chinese(text)`` rewrites the known ones (a failed step's message, ``engine.step``), and
a Python exception raised by the diagram's own code (``TypeError: …``, ``KeyError: …``) gets
a Chinese lead saying what to change, the original kept after it; any other text is
returned unchanged.
"""

from __future__ import annotations

import re

RUN_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        r"No conditions satisfied (?:for|on) gateway (\S+)",
        "网关 {0} 的条件都不成立，也没有默认流向",
    ),
    (
        r"No conditions satisfied (?:for|on) (?!gateway)(\S+)",
        "网关 {0} 的条件都不成立，也没有默认流向",
    ),
    (r"No conditions satisfied on gateway", "网关的条件都不成立，也没有默认流向"),
    (r"This process is not waiting for (.+)", "流程当前没有在等待 {0}"),
    (
        r"A data object could not be set; '([^']*)' not exist in the task",
        "数据对象 {0} 无法设置：变量 {0} 未定义",
    ),
    (
        r"Multiinstance input item (\S+) already exists\.?",
        "多实例任务的每项变量 {0} 在流程数据里已有值：请给它换一个流程里没用过的名字",
    ),
    (
        r"Multiinstance output item (\S+) already exists\.?",
        "多实例任务的输出项变量 {0} 在流程数据里已有值：请给它换一个流程里没用过的名字",
    ),
    (r"Expected an output item", "多实例任务缺少输出项（output item）"),
    (r"Missing data input for multiinstance task", "多实例任务缺少输入集合（input data）"),
    (r"Missing data ou?t?put", "任务缺少规定的数据输出（data output）"),
    (r"Missing data input", "任务缺少规定的数据输入（data input）"),
    (r"Rule failed on row (\d+)", "决策表第 {0} 行的规则出错"),
    (r"Business Rule Task '([^']*)'", "业务规则任务「{0}」"),
)
_COMPILED = tuple((re.compile(pattern), template) for pattern, template in RUN_MESSAGES)


_NONE = "有变量的值是 None（未设置）：请先在表单、脚本或开始数据里给它赋值，或在用到它之前判断"
PYTHON_ERRORS: tuple[tuple[str, str, str], ...] = (
    ("TypeError", r"'NoneType' object is not (iterable|subscriptable)", _NONE),
    ("TypeError", r"'NoneType'", _NONE),
    ("TypeError", r"", "数据类型不匹配（如文字与数字相加）：请检查参与运算的变量的类型"),
    ("AttributeError", r"'NoneType'", _NONE),
    (
        "AttributeError",
        r"'dict' object has no attribute",
        "字典的值要用 d['键'] 或 d.get('键') 读取，不能写 d.键",
    ),
    ("AttributeError", r"", "读取了不存在的属性或方法：请检查变量的类型和属性名"),
    ("KeyError", r"", "数据中没有这个键：请先确认数据里有它，或改用 d.get('键')"),
    ("IndexError", r"", "列表下标越界：请先判断列表的长度"),
    ("ZeroDivisionError", r"", "除数为 0：请先判断除数不为 0"),
    ("ValueError", r"", "值不合法（如把非数字的文字转成数字）：请检查变量的值"),
)
"""(exception, pattern of its text, what the designer reads) for the diagram's own code."""
_PYTHON = re.compile(r"\b(" + "|".join({e for e, _p, _t in PYTHON_ERRORS}) + r")(?::\s*(.*))?")


def chinese(text: str) -> str:
    """``text`` with a known SpiffWorkflow run-time message replaced by its Chinese one, or
    a Python exception text given a Chinese lead (the original after it)."""
    for pattern, template in _COMPILED:
        found = pattern.search(text)
        if found:
            replaced = template.format(*(g or "" for g in found.groups()))
            return text[: found.start()] + replaced + text[found.end() :].lstrip(". ")
    return python_error(text)


def python_error(text: str) -> str:
    """``… TypeError: unsupported operand …`` as ``… 有变量的值是 None…（原文：TypeError: …）``;
    text without such an exception unchanged (and text already led in Chinese too)."""
    found = _PYTHON.search(text)
    if found is None or "（原文：" in text:
        return text
    name, detail = found.group(1), found.group(2) or ""
    detail, _, rest = detail.partition("（")
    hint = next(t for e, p, t in PYTHON_ERRORS if e == name and re.search(p, detail))
    original = f"{name}: {detail.strip()}" if detail.strip() else name
    tail = f"（{rest}" if rest else ""
    return f"{text[: found.start()]}{hint}（原文：{original}）{tail}"
