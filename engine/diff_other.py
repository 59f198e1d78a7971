"""Compare DMN decision tables (by decision id, rule by rule) and form schemas (by field)."""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from .bundle import SourceFile
from .views import ElementChange
from .xmlsafe import parse_xml

FORMAT_ONLY = "仅格式变化（空白或书写顺序），内容相同"


def short(value: str, limit: int = 60) -> str:
    if not value:
        return "（无）"
    return value if len(value) <= limit else value[: limit - 1] + "…"


def describe_changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """One line per aspect that differs: ``表单：a.json → b.json``."""
    lines = []
    for label in dict.fromkeys([*old, *new]):
        before, after = old.get(label, ""), new.get(label, "")
        if before != after:
            lines.append(f"{label}：{short(before)} → {short(after)}")
    return lines


# -- DMN ------------------------------------------------------------------------------
def _local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _children(node, name: str) -> list:
    return [c for c in node if _local(c) == name]


def _text_of(node, name: str) -> str:
    found = [d for d in node.iter() if _local(d) == name]
    return " ".join((found[0].text or "").split()) if found and found[0].text else ""


def _entries(rule, name: str) -> str:
    return " | ".join(
        " ".join((e.findtext("{*}text") or "").split()) for e in _children(rule, name)
    )


def _decision(node) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """A decision's table aspects, its rules by id, and the rule order."""
    table = next((c for c in node if _local(c) == "decisionTable"), None)
    aspects = {"名称": node.get("name") or ""}
    rules: dict[str, str] = {}
    if table is None:
        return aspects, rules, []
    aspects["命中策略"] = table.get("hitPolicy") or "UNIQUE"
    aspects["输入列"] = "；".join(
        f"{i.get('label') or i.get('id')}: {_text_of(i, 'text')}" for i in _children(table, "input")
    )
    aspects["输出列"] = "；".join(
        f"{o.get('label') or o.get('id')}({o.get('name') or ''})"
        for o in _children(table, "output")
    )
    for rule in _children(table, "rule"):
        when, then = _entries(rule, "inputEntry"), _entries(rule, "outputEntry")
        note = " ".join((rule.findtext("{*}description") or "").split())
        rules[rule.get("id") or "?"] = f"{when} → {then}" + (f"（{note}）" if note else "")
    return aspects, rules, list(rules)


def _rule_details(old: dict[str, str], new: dict[str, str], order: tuple[list, list]) -> list[str]:
    lines = []
    for rule_id in dict.fromkeys([*old, *new]):
        if rule_id not in old:
            lines.append(f"新增规则 {rule_id}：{short(new[rule_id])}")
        elif rule_id not in new:
            lines.append(f"删除规则 {rule_id}")
        elif old[rule_id] != new[rule_id]:
            lines.append(f"修改规则 {rule_id}：{short(old[rule_id])} → {short(new[rule_id])}")
    kept = [r for r in order[0] if r in new], [r for r in order[1] if r in old]
    if kept[0] != kept[1]:
        lines.append("规则顺序变化")
    return lines


def dmn_changes(old: SourceFile, new: SourceFile) -> tuple[list[ElementChange], list[str]]:
    def decisions(file: SourceFile) -> dict[str, Any]:
        root = parse_xml(file.content, file.name)
        return {d.get("id"): d for d in root.iter() if _local(d) == "decision"}

    before, after = decisions(old), decisions(new)
    changes = []
    for decision_id in dict.fromkeys([*before, *after]):
        if decision_id not in before or decision_id not in after:
            node = after.get(decision_id, before.get(decision_id))
            kind = "added" if decision_id in after else "removed"
            changes.append(_change(decision_id, "decision", "决策表", node.get("name"), kind, []))
            continue
        (a1, r1, o1), (a2, r2, o2) = _decision(before[decision_id]), _decision(after[decision_id])
        details = describe_changes(a1, a2) + _rule_details(r1, r2, (o1, o2))
        if details:
            name = after[decision_id].get("name")
            changes.append(_change(decision_id, "decision", "决策表", name, "changed", details))
    return changes, [] if changes else [FORMAT_ONLY]


def _change(element_id, element_type, label, name, change, details) -> ElementChange:
    return ElementChange(element_id, element_type, label, name or "", change, tuple(details))


# -- forms ----------------------------------------------------------------------------
FIELD_KEYS = {
    "title": "标题",
    "type": "类型",
    "enum": "选项",
    "description": "说明",
    "default": "默认值",
    "format": "格式类型",
    "pattern": "格式",
    "minLength": "最少字数",
    "maxLength": "最多字数",
    "minimum": "最小值",
    "maximum": "最大值",
    "required": "必填",
}


def _field_aspects(schema: dict[str, Any], required: list) -> dict[str, str]:
    aspects = {}
    for key, value in sorted(schema.items()):
        label = FIELD_KEYS.get(key, key)
        aspects[label] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    aspects["必填"] = "是" if required else "否"
    return aspects


def form_changes(old: SourceFile, new: SourceFile) -> tuple[list[ElementChange], list[str]]:
    before, after = json.loads(old.content), json.loads(new.content)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [], ["内容已变化"]
    props = before.get("properties") or {}, after.get("properties") or {}
    required = set(before.get("required") or []), set(after.get("required") or [])
    changes = []
    for field in dict.fromkeys([*props[0], *props[1]]):
        if field not in props[0] or field not in props[1]:
            schema = props[1].get(field, props[0].get(field)) or {}
            kind = "added" if field in props[1] else "removed"
            changes.append(_change(field, "field", "字段", schema.get("title"), kind, []))
            continue
        a1 = _field_aspects(props[0][field], [field] if field in required[0] else [])
        a2 = _field_aspects(props[1][field], [field] if field in required[1] else [])
        if details := describe_changes(a1, a2):
            name = props[1][field].get("title")
            changes.append(_change(field, "field", "字段", name, "changed", details))
    rest = [
        {k: v for k, v in d.items() if k not in ("properties", "required")} for d in (before, after)
    ]
    notes = describe_changes(
        {k: json.dumps(v, ensure_ascii=False) for k, v in rest[0].items()},
        {k: json.dumps(v, ensure_ascii=False) for k, v in rest[1].items()},
    )
    notes = [f"表单{line}" for line in notes]
    return changes, notes if changes or notes else [FORMAT_ONLY]
