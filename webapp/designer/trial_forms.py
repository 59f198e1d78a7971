"""Inputs of the trial page: start data and message payloads typed as JSON, and sample
answers for a task form (so a designer can step through without typing every field)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .. import schema_form

JSON_MAX = 20_000
"""The longest start data or message payload accepted (characters)."""
SAMPLE_TEXT = "试运行"


def json_object(text: str | None, what: str) -> dict[str, Any]:
    """``text`` as a JSON object (empty: ``{}``); ``ValueError`` with a Chinese message."""
    text = (text or "").strip()
    if not text:
        return {}
    if len(text) > JSON_MAX:
        raise ValueError(f"{what}太长（最多 {JSON_MAX} 个字符）")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"第 {error.lineno} 行第 {error.colno} 列"
        raise ValueError(f"{what}不是合法的 JSON：{where}") from None
    if not isinstance(value, dict):
        raise ValueError(f'{what}必须是 JSON 对象，如 {{"risk_colour": "黄"}}')
    return value


def pretty(value: Any) -> str:
    """A data value as the page shows it: text as is, anything else as JSON."""
    if isinstance(value, str):
        return value or '""'
    return json.dumps(value, ensure_ascii=False)


def pretty_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# -- sample answers -------------------------------------------------------------------------


def sample_answers(schema: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """Data that a form's schema accepts where it can be told: defaults, first choices,
    minimums, "试运行" texts, ``now`` for dates; patterns and the like are left to the
    designer (validation names what is still missing)."""
    return _object(schema, now)


def _object(schema: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    found = {}
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, Mapping) and (value := _value(prop, now)) is not None:
            found[name] = value
    return found


def _value(prop: Mapping[str, Any], now: datetime) -> Any:
    if "default" in prop:
        return prop["default"]
    kind = schema_form.kind_of(prop)
    if kind in ("radio", "select"):
        return (schema_form.choices(prop) or [(None, "")])[0][0]
    if kind == "const":
        return prop["const"]
    if kind == "confirm":
        return True
    if kind == "boolean":
        return False
    return _structured(prop, kind, now)


def _structured(prop: Mapping[str, Any], kind: str, now: datetime) -> Any:
    if kind == "group":
        return _object(prop, now)
    if kind in ("rows", "checkboxes", "lines"):
        return _items(prop.get("items") or {}, kind, max(1, prop.get("minItems") or 1), now)
    if kind in ("integer", "number"):
        return prop.get("minimum", 1)
    return _scalar_text(prop, kind, now)


def _scalar_text(prop: Mapping[str, Any], kind: str, now: datetime) -> str | None:
    if kind == "date":
        return now.date().isoformat()
    if kind == "datetime":
        return now.isoformat(timespec="minutes")
    if kind == "picker":
        if prop.get(schema_form.PICKER) == "roster":
            return "1"  # a roster entry's id
        return "trial.sample"  # a username or unit code: no spaces
    if "pattern" in prop:
        return None
    return _text(prop)


def _items(items: Mapping[str, Any], kind: str, count: int, now: datetime) -> list[Any] | None:
    """``count`` distinct items (arrays of choices or texts are often ``uniqueItems``)."""
    if kind == "checkboxes":
        return [value for value, _label in (schema_form.choices(items) or [])[:count]]
    if kind == "lines":
        return [f"{SAMPLE_TEXT}{i + 1}" for i in range(count)]
    row = _object(items, now)
    return [row] * count


def _text(prop: Mapping[str, Any]) -> str:
    text = SAMPLE_TEXT
    if (low := prop.get("minLength") or 0) > len(text):
        text = (text * (low // len(text) + 1))[:low]
    if (high := prop.get("maxLength")) is not None:
        text = text[:high]
    return text
