"""SpiffWorkflow 3.2's parse and validation messages, each mapped to a Chinese sentence
that says what is wrong and what to change.

Every text SpiffWorkflow passes to ``ValidationException`` or ``raise_validation_exception``
(grep of ``SpiffWorkflow/bpmn``, ``spiff``, ``camunda`` and ``dmn`` parsers) has a row.
A row is a regular expression matched against the start of the original message and a
template; ``{0}``, ``{1}``… are the expression's groups. A message with no row gets a
Chinese lead and the original text after it (``translate``).
"""

from __future__ import annotations

import re

_IDS = "缺少 id：请在建模器中给它一个 id 后重新导出"

SPIFF_MESSAGES: tuple[tuple[str, str], ...] = (
    # processes and their starts and ends
    (r"No start event found", "流程没有开始事件：请加一个开始事件，并用顺序流连到第一个活动"),
    (
        r"Process (\S+) is not executable",
        "被调用的流程 {0} 没有标记为可执行：在建模器中选中该流程并勾选“可执行”，"
        '或在 XML 的 bpmn:process 上写 isExecutable="true"',
    ),
    (
        r"The process '([^']*)' was not found",
        "调用的流程 {0} 不在本次部署的文件中：请把定义它的文件一起部署，"
        "或把调用活动的“被调用流程”（calledElement）改为已有的流程",
    ),
    (
        r"Duplicate process ID: (\S+)",
        "流程 id {0} 出现了不止一次：两个流程不能同 id，请在其中一个文件里改名",
    ),
    (
        r"Exactly one start event is required in a SubWorkflow Task; found (\d+)",
        "子流程里必须恰好有一个开始事件，现在有 {0} 个：请在子流程内加（或只留）一个开始事件",
    ),
    (r"A SubWorkflow Must contain an End event", "子流程里没有结束事件：请在子流程内加一个"),
    (
        r'No "calledElement" attribute for Call Activity',
        "调用活动没有指定被调用的流程（calledElement）：请在属性面板中填写要调用的流程 id",
    ),
    # tasks
    (
        r"A Service Task must have an operator",
        "服务任务没有指定服务操作（spiffworkflow:serviceTaskOperator）："
        "请在属性面板的“服务操作”中选一个，或把它改为普通任务",
    ),
    (
        r"Invalid Script Task\.\s+No Script Provided",
        "脚本任务没有脚本：请填写脚本内容，或把它改为普通任务",
    ),
    (
        r"Multiple outgoing flows are not supported for tasks of type",
        "这个活动有多条离开它的顺序流，本引擎不支持从活动直接分叉："
        "请在它后面加一个网关（并行网关表示同时进行，排他网关表示按条件选一条）",
    ),
    (
        r"NotImplementedError\('Unsupported (Catch|Throw) Event",
        "这个事件没有事件定义（定时器、消息、信号等），本引擎不知道它等什么："
        "请给它选一种事件类型，或删除它",
    ),
    (
        r"There is no support implemented for this task type",
        "本引擎不支持这种元素：请改用任务、网关或事件的标准类型",
    ),
    (
        r"When looking for a task spec, we found two items(?:.*\((.*)\))?",
        "id {0} 被两个元素使用：每个元素的 id 必须唯一，请改名其中一个",
    ),
    (
        r"A loopMaximum or loopCondition must be specified for Loop Tasks",
        "循环任务既没有最大次数（loopMaximum）也没有循环条件（loopCondition）：请至少设置一个",
    ),
    (
        r"A multiinstance task must specify exactly one of cardinality or loop input",
        "多实例任务同时设置了实例数（loopCardinality）和输入集合：只能设置其中一个",
    ),
    (
        r"A multiinstance task must specify a cardinality or a (loop input|collection)",
        "多实例任务没有设置实例数（loopCardinality）或输入集合：请设置其中一个",
    ),
    (
        r"The loop (input|output) data reference is missing from the IO specification",
        "多实例任务的{0}集合在任务的输入输出定义（ioSpecification）中找不到：请补上或改用数据变量名",
    ),
    (
        r"Cancel Events may only be used with transactions",
        "取消边界事件只能附着在事务子流程上：请删除它，或把所附的子流程改为事务",
    ),
    (
        r"Sequential ordering for ad hoc subprocesses not supported",
        "自由子流程不支持“顺序”执行：请把 ordering 改为 Parallel",
    ),
    (
        r"Ad hoc subprocesses may not contain start or end events",
        "自由子流程里不能有开始或结束事件：请删除它们",
    ),
    (
        r"Cannot resolve data(Input|Output)Association (.*)",
        "这个元素的数据关联（data{0}Association）指向的数据对象或数据存储在本引擎中不可用："
        "请删除这条数据关联，改用流程变量",
    ),
    # gateways
    (
        r"Non-default exclusive outgoing sequence flow without condition",
        "这条离开排他或包容网关的顺序流既没有条件，也不是网关的默认流："
        "请给它写条件表达式，或在网关上把它设为默认流",
    ),
    # events
    (
        r"Could not find messageRef from message event definition: (.*)",
        "消息事件引用的消息 {0} 不存在：请在事件上重新选择消息",
    ),
    (
        r"Expected an? (Message|Signal|Error|Escalation|error) node",
        "事件引用的{0}定义不存在：请在事件上重新选择或新建一个{0}",
    ),
    (
        r"Conditional event definition with missing condition",
        "条件事件没有条件表达式：请填写条件",
    ),
    (
        r"Unknown Time Specification",
        "定时器没有时间：请填写日期（timeDate）、时长（timeDuration）或周期（timeCycle）之一",
    ),
    (r"Time Specification Error\.\s*(.*)", "定时器的时间表达式有误：{0}"),
    # definitions referenced by id
    (r"Message identifier is missing from bpmn xml", "有一个消息定义（bpmn:message）" + _IDS),
    (r"Signal identifier is missing from bpmn xml", "有一个信号定义（bpmn:signal）" + _IDS),
    (r"Error identifier is missing from bpmn xml", "有一个错误定义（bpmn:error）" + _IDS),
    (r"Escalation identifier is missing from bpmn xml", "有一个升级定义（bpmn:escalation）" + _IDS),
    (
        r"Correlation identifier is missing from bpmn xml",
        "有一个关联属性（bpmn:correlationProperty）" + _IDS,
    ),
    (
        r"Correlation is missing correlation property retrieval expressions: (.*)",
        "关联属性 {0} 没有取值表达式（correlationPropertyRetrievalExpression）：请补上",
    ),
    (
        r"Message identifier is missing from correlation property: (.*)",
        "关联属性 {0} 的取值表达式没有指明消息（messageRef）：请补上",
    ),
    (r"Data Store identifier is missing from bpmn xml", "有一个数据存储（bpmn:dataStore）" + _IDS),
    (r"Data Store name is missing from bpmn xml", "有一个数据存储（bpmn:dataStore）没有名称"),
    (
        r"Data Store with name (?:None)?\s*has no implementation",
        "有一个数据存储没有名称，本引擎也没有它的实现：请删除它，改用流程变量",
    ),
    (
        r"Data Store with name (.*) has no implementation",
        "数据存储 {0} 在本引擎中没有实现：请删除它，改用流程变量",
    ),
    # decision tables
    (
        r'No DMN Diagram available with id "None"',
        "业务规则任务没有指定决策表（spiffworkflow:calledDecisionId）："
        "请在属性面板中选择要调用的决策表",
    ),
    (
        r'No DMN Diagram available with id "([^"]*)"',
        "业务规则任务引用的决策表 {0} 不在本次部署的文件中："
        "请把定义它的 .dmn 文件一起部署，或改为已有决策表的 id",
    ),
    (r"No decisions found", "决策表文件中没有决策（decision）"),
    (
        r"Multiple decision tables are not current supported",
        "一个 DMN 文件中只能有一个决策表：请把其余的拆到单独的文件",
    ),
    (r"Unknown type in decision table: (.*)", "决策表中有本引擎不认识的元素 {0}"),
    (r"Malformed Output Expression '([^']*)'", "决策表的输出表达式 {0} 写法有误"),
)

_COMPILED = tuple((re.compile(pattern, re.S), template) for pattern, template in SPIFF_MESSAGES)
_ELEMENT_REPR = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>")
_WRAPPED = re.compile(r"^Time Specification Error\.\s*(Unknown Time Specification)")
_PYTHON_ERROR = re.compile(r"^[A-Z]\w*(Error|Exception)\(")
_REFERENCE_TYPE_ERROR = "raise_validation_exception"


def _blank(groups: tuple[str | None, ...]) -> tuple[str, ...]:
    cleaned = (_ELEMENT_REPR.sub(r"\1", " ".join((g or "").split())) for g in groups)
    return tuple(g.strip().rstrip(".?") or "（空）" for g in cleaned)


def translate(original: str) -> str:
    """The Chinese sentence for one of SpiffWorkflow's messages (never Python error text)."""
    text = _WRAPPED.sub(r"\1", original.strip())
    if _REFERENCE_TYPE_ERROR in text:
        return "事件引用的消息、信号、错误或升级定义不存在：请在事件上重新选择或新建一个"
    for pattern, template in _COMPILED:
        match = pattern.match(text)
        if match:
            return template.format(*_blank(match.groups()))
    if _PYTHON_ERROR.match(text):
        return "SpiffWorkflow 无法解析这个元素：请检查它的属性与子元素是否符合 BPMN 2.0"
    return f"SpiffWorkflow 校验未通过（原文：{' '.join(text.split()).rstrip('.')}）"
