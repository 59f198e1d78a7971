"""Parser classes that read other engines' extensions where their meaning is ours.

* a business-rule task's decision: ``spiffworkflow:calledDecisionId``, else
  ``camunda:decisionRef``, else Zeebe's ``<zeebe:calledDecision decisionId=…>``; a task
  naming none of them passes through (``engine.service_tasks``);
* a user task's people: ``camunda:assignee`` / ``camunda:candidateUsers`` (and the
  ``flowable:`` / ``activiti:`` twins) become our ``assignee`` / ``candidateUsers``
  properties (Python expressions): a literal ``demo`` becomes ``"demo"``, ``a, b`` a list,
  ``${initiator}`` its Python twin. Our own properties win when both are given;
* a user task's ``camunda:formData`` / ``flowable:formProperty`` fields, as a JSON Schema
  under ``foreignFormSchema`` (``forms``): a trial shows and fills it.

Only the parser classes change: the task spec classes (and so the serializer) are the
spiff family's own.
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser, UserTaskParser

from ..service_tasks import PassThroughBusinessRuleTask, implementation_of
from .forms import FOREIGN_FORM, form_schema
from .juel import is_juel, to_python
from .namespaces import CAMUNDA, USER_TASK_ENGINES, ZEEBE, label

_PEOPLE = (("assignee", "assignee", "办理人"), ("candidateUsers", "candidateUsers", "候选人"))
"""(their attribute, our property, the words a designer reads)."""


class ForeignExtensionProblem(ValidationException):
    """A foreign extension we would read but cannot translate; the message is Chinese."""

    def __str__(self) -> str:
        return str(self.args[0])


class ForeignBusinessRuleTaskParser(BusinessRuleTaskParser):
    def create_task(self):
        """A task naming no decision at all passes through (``engine.service_tasks``)."""
        if _names_a_decision(self.node):
            return super().create_task()
        extensions = self.parse_extensions()
        return PassThroughBusinessRuleTask(
            self.spec,
            self.bpmn_id,
            implementation=implementation_of(self.node),
            prescript=extensions.get("preScript"),
            postscript=extensions.get("postScript"),
            **self.bpmn_attributes,
        )

    @staticmethod
    def get_decision_ref(node: etree._Element) -> str | None:
        ours = BusinessRuleTaskParser.get_decision_ref(node)
        if ours:
            return ours
        camunda = node.get(f"{{{CAMUNDA}}}decisionRef")
        if camunda and camunda.strip():
            return camunda.strip()
        called = node.find(f"{full_tag('extensionElements')}/{{{ZEEBE}}}calledDecision")
        return called.get("decisionId") if called is not None else None


def _names_a_decision(node: etree._Element) -> bool:
    """Any decision reference, even an empty or missing one (those stay rejections)."""
    if ForeignBusinessRuleTaskParser.get_decision_ref(node):
        return True
    if node.get(f"{{{CAMUNDA}}}decisionRef") is not None:
        return True
    extensions = node.find(full_tag("extensionElements"))
    if extensions is None:
        return False
    return any(
        local in ("calledDecisionId", "calledDecision")
        for local in (etree.QName(child).localname for child in extensions.iter(etree.Element))
    )


class ForeignUserTaskParser(UserTaskParser):
    def parse_extensions(self, node: etree._Element | None = None) -> dict:
        extensions = super().parse_extensions(node)
        if node is not None and node is not self.node:
            return extensions
        properties = dict(extensions.get("properties") or {})
        for theirs, ours, words in _PEOPLE:
            if properties.get(ours):
                continue
            found = _attribute(self.node, theirs)
            if found is not None:
                namespace, value = found
                properties[ours] = self._expression(namespace, theirs, value, words, ours)
        if properties:
            extensions["properties"] = properties
        schema = form_schema(self.node)
        if schema is not None:
            extensions[FOREIGN_FORM] = schema
        return extensions

    def _expression(self, namespace: str, name: str, value: str, words: str, ours: str) -> str:
        text = value.strip()
        if is_juel(text):
            python = to_python(text)
            if python is None:
                raise ForeignExtensionProblem(
                    f"用户任务「{self.node.get('name') or self.bpmn_id}」的"
                    f'{label(namespace, name, self.node.nsmap)}="{text}" 无法自动换成 '
                    f"Python 表达式：请改用 spiffworkflow:property {ours}（{words}）",
                    node=self.node,
                    file_name=self.filename,
                )
            return python
        if ours == "assignee":
            return repr(text)
        return repr([item.strip() for item in text.split(",") if item.strip()])


def _attribute(node: etree._Element, name: str) -> tuple[str, str] | None:
    for namespace in USER_TASK_ENGINES:
        value = node.get(f"{{{namespace}}}{name}")
        if value is not None and value.strip():
            return namespace, value
    return None


PARSER_OVERRIDES = {
    full_tag("businessRuleTask"): (
        ForeignBusinessRuleTaskParser,
        SpiffBpmnParser.OVERRIDE_PARSER_CLASSES[full_tag("businessRuleTask")][1],
    ),
    full_tag("userTask"): (
        ForeignUserTaskParser,
        SpiffBpmnParser.OVERRIDE_PARSER_CLASSES[full_tag("userTask")][1],
    ),
}
"""Merged over ``SpiffBpmnParser.OVERRIDE_PARSER_CLASSES`` by ``engine.specs.new_parser``."""
