"""SpiffWorkflow's English run-time failure texts, as a designer should read them (Chinese).

``chinese(text)`` rewrites the known ones (a failed step's message, ``engine.step``); any
other text is returned unchanged.
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
    (r"Expected an output item", "多实例任务缺少输出项（output item）"),
    (r"Missing data input for multiinstance task", "多实例任务缺少输入集合（input data）"),
    (r"Missing data ou?t?put", "任务缺少规定的数据输出（data output）"),
    (r"Missing data input", "任务缺少规定的数据输入（data input）"),
    (r"Rule failed on row (\d+)", "决策表第 {0} 行的规则出错"),
    (r"Business Rule Task '([^']*)'", "业务规则任务「{0}」"),
)
_COMPILED = tuple((re.compile(pattern), template) for pattern, template in RUN_MESSAGES)


def chinese(text: str) -> str:
    """``text`` with a known SpiffWorkflow run-time message replaced by its Chinese one."""
    for pattern, template in _COMPILED:
        found = pattern.search(text)
        if found:
            replaced = template.format(*(g or "" for g in found.groups()))
            return text[: found.start()] + replaced + text[found.end() :].lstrip(". ")
    return text
