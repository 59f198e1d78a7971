"""Inputs of the trial page: start data and message payloads typed as JSON, and sample
answers for a task form (so a designer can step through without typing every field)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.trial import samples

from .. import schema_form

JSON_MAX = 20_000
"""The longest start data or message payload accepted (characters)."""


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
    """Data that a form's schema accepts where it can be told: the engine's filler
    (``engine.trial.samples``: defaults, first choices, minimums, "试运行" texts, ``now``
    for dates), with what only this page knows: a picker's value (a username or unit code,
    a roster entry's id) and a date-time as its input shows it (to the minute)."""
    return samples.sample_answers(schema, now, special=lambda prop: _known(prop, now))


def _known(prop: Mapping[str, Any], now: datetime) -> Any:
    kind = schema_form.kind_of(prop)
    if kind == "picker":
        return "1" if prop.get(schema_form.PICKER) == "roster" else "trial.sample"
    if kind == "datetime":
        return now.isoformat(timespec="minutes")
    return samples.UNKNOWN
