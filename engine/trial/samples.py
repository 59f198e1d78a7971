"""Sample answers from a form's JSON Schema, for running a trial without a person: each
property's default, first choice, minimum, a "试运行" text, the trial's clock for dates.
(The designer's page has a richer filler that knows its pickers; this one is the engine's
default for ``autorun.run_to_end``.)"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

SAMPLE_TEXT = "试运行"


def sample_answers(schema: Mapping[str, Any] | None, now: datetime) -> dict[str, Any]:
    """Answers ``schema`` (an object schema) probably accepts; ``{}`` without a schema."""
    if not isinstance(schema, Mapping):
        return {}
    value = _value(schema, now)
    return value if isinstance(value, dict) else {}


def _value(prop: Mapping[str, Any], now: datetime) -> Any:
    if "default" in prop:
        return prop["default"]
    if "const" in prop:
        return prop["const"]
    if prop.get("enum"):
        return prop["enum"][0]
    choices = [c for c in prop.get("oneOf") or prop.get("anyOf") or [] if isinstance(c, Mapping)]
    if choices and "const" in choices[0]:
        return choices[0]["const"]
    kind = prop.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    return _typed(kind, prop, now)


def _typed(kind: Any, prop: Mapping[str, Any], now: datetime) -> Any:
    if kind == "object" or "properties" in prop:
        return {
            name: _value(sub, now)
            for name, sub in (prop.get("properties") or {}).items()
            if isinstance(sub, Mapping)
        }
    if kind == "array":
        items = prop.get("items") if isinstance(prop.get("items"), Mapping) else {}
        return [_value(items, now) for _ in range(max(1, int(prop.get("minItems") or 1)))]
    if kind in ("integer", "number"):
        return prop.get("minimum", prop.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _text(prop, now)


def _text(prop: Mapping[str, Any], now: datetime) -> str:
    fmt = prop.get("format")
    if fmt == "date":
        return now.date().isoformat()
    if fmt == "date-time":
        return now.isoformat(timespec="seconds")
    if fmt == "email":
        return "trial@example.com"
    text = SAMPLE_TEXT
    low = int(prop.get("minLength") or 0)
    if low > len(text):
        text = (text * (low // len(text) + 1))[:low]
    high = prop.get("maxLength")
    return text[: int(high)] if high is not None else text
