"""Sample answers from a form's JSON Schema, for stepping through a trial without typing
every field: each property's default or ``const``, first choice (``enum``, or ``oneOf`` /
``anyOf`` of ``const``), minimum (else 1), ``False`` for a yes/no, a "试运行" text, the
trial's clock for dates; distinct items for lists. A text with a ``pattern`` is left out
(validation names it). The one filler of the project: ``autorun.run_to_end`` uses it as
is, the designer's page (``webapp.designer.trial_forms``) with a hook for its pickers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

SAMPLE_TEXT = "试运行"
UNKNOWN = object()
"""What a ``special`` hook returns for a property it has no answer for."""

Special = Callable[[Mapping[str, Any]], Any]
"""A property's sample as the caller knows it (a picker's value), else ``UNKNOWN``."""


def sample_answers(
    schema: Mapping[str, Any] | None, now: datetime, *, special: Special | None = None
) -> dict[str, Any]:
    """Answers ``schema`` (an object schema) probably accepts; ``{}`` without a schema."""
    if not isinstance(schema, Mapping):
        return {}
    return _object(schema, now, special)


def _object(schema: Mapping[str, Any], now: datetime, special: Special | None) -> dict:
    found = {}
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, Mapping) and (value := _value(prop, now, special)) is not None:
            found[name] = value
    return found


def _value(prop: Mapping[str, Any], now: datetime, special: Special | None) -> Any:
    given = _given(prop, special)
    return _typed(prop, now, special) if given is UNKNOWN else given


def _given(prop: Mapping[str, Any], special: Special | None) -> Any:
    """What the schema (or the caller) names outright, else ``UNKNOWN``."""
    if "default" in prop:
        return prop["default"]
    if "const" in prop:
        return prop["const"]
    options = _choices(prop)
    if options:
        return options[0]
    return special(prop) if special is not None else UNKNOWN


def _typed(prop: Mapping[str, Any], now: datetime, special: Special | None) -> Any:
    kind = _kind(prop)
    if kind == "object" or "properties" in prop:
        return _object(prop, now, special)
    if kind == "array":
        items = prop.get("items") if isinstance(prop.get("items"), Mapping) else {}
        return _items(items, max(1, int(prop.get("minItems") or 1)), now, special)
    if kind in ("integer", "number"):
        return prop.get("minimum", prop.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return False
    return None if kind == "null" else _text(prop, now)


def _kind(prop: Mapping[str, Any]) -> Any:
    kind = prop.get("type")
    return kind[0] if isinstance(kind, list) and kind else kind


def _choices(prop: Mapping[str, Any]) -> list[Any]:
    if prop.get("enum"):
        return list(prop["enum"])
    for key in ("oneOf", "anyOf"):
        entries = prop.get(key) or []
        if entries and all(isinstance(e, Mapping) and "const" in e for e in entries):
            return [e["const"] for e in entries]
    return []


def _items(items: Mapping[str, Any], count: int, now: datetime, special: Special | None) -> list:
    """``count`` items, distinct where they can be (lists are often ``uniqueItems``)."""
    options = _choices(items)
    if options:
        return options[:count]
    if _kind(items) == "string" and not items.get("format") and "pattern" not in items:
        return [f"{SAMPLE_TEXT}{i + 1}" for i in range(count)]
    return [_value(items, now, special) for _ in range(count)]


def _text(prop: Mapping[str, Any], now: datetime) -> str | None:
    fmt = prop.get("format")
    if fmt == "date":
        return now.date().isoformat()
    if fmt == "date-time":
        return now.isoformat(timespec="seconds")
    if fmt == "email":
        return "trial@example.com"
    if "pattern" in prop:
        return None
    text = SAMPLE_TEXT
    low = int(prop.get("minLength") or 0)
    if low > len(text):
        text = (text * (low // len(text) + 1))[:low]
    high = prop.get("maxLength")
    return text[: int(high)] if high is not None else text
