"""HTML forms from JSON Schemas: the fields a schema asks for, and a submitted form back
into typed data.

The one renderer and parser for every schema-driven form (task forms, the intake window):

- ``build_fields(schema, form, errors)`` gives the ``FormField`` tree that the
  ``_schema_form.html`` macros render; ``form`` holds the strings to show (the user's
  submission, kept as typed, or ``form_values(schema, data)`` for stored data/defaults);
- a string property with ``"x-picker"`` (a person, a unit, a mediator of the roster:
  ``webapp.pickers``) is a ``picker``: a list of the options the caller passes to
  ``build_fields`` (without them, a plain text box);
- ``parse(schema, form)`` turns a submission into data for the engine's JSON Schema
  validation, plus messages for inputs that do not even convert (``"abc"`` as an integer).

Input names are property paths joined by dots (``parties.0.name``); the engine's error
keys (``parties/0/name``) map onto them with ``field_name``. Empty optional inputs are
left out of the data, never sent as ``""``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import MultiDict

from engine import FormInvalid
from engine.forms import validate_form

LOCAL_TZ = timezone(timedelta(hours=8))
"""Times typed into a form are China Standard Time."""
RADIO_MAX = 5
"""Enumerations with at most this many choices show as radio buttons, longer ones as a list."""
TEXTAREA_FROM = 200
"""Strings allowed to be longer than this get a multi-line box."""
TRUE, FALSE = "true", "false"
LONG_WIDGETS = frozenset({"textarea"})


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    group: str = ""
    """For a picker narrowed by another field: the values of that field it belongs to
    (space-separated: a person may belong to a unit and a department)."""


PICKER = "x-picker"
"""The schema keyword making a string property a picker (``webapp.pickers``)."""
Pickers = Mapping[str, tuple[Option, ...]]
"""The options of the picker fields, by input name."""


@dataclass(frozen=True)
class FormField:
    """One input (or group of inputs) of a schema form, ready to render."""

    name: str
    kind: str
    """text, textarea, date, datetime, integer, number, radio, select, picker, file, boolean,
    confirm, const, checkboxes, lines, group (an object) or rows (an array of objects)."""
    label: str
    help: str = ""
    required: bool = False
    value: str = ""
    values: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    errors: tuple[str, ...] = ()
    attrs: Mapping[str, Any] = field(default_factory=dict)
    """HTML attributes: minlength, maxlength, min, max, step, pattern."""
    children: tuple[FormField, ...] = ()
    rows: tuple[tuple[FormField, ...], ...] = ()

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def invalid(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True)
class Parsed:
    data: dict[str, Any]
    errors: dict[str, list[str]]
    """Inputs that did not convert, by input name."""


# -- what kind of input a property gets ---------------------------------------------------


def _types(prop: Mapping[str, Any]) -> set[str]:
    kind = prop.get("type")
    if isinstance(kind, list):
        return set(kind) - {"null"}
    return {kind} if kind else set()


def choices(prop: Mapping[str, Any]) -> list[tuple[Any, str]] | None:
    """The allowed values and their labels: ``enum`` (labels from ``enumNames`` or
    ``x-enumNames``), or ``oneOf``/``anyOf`` of ``const`` entries with titles."""
    if "enum" in prop:
        names = prop.get("enumNames") or prop.get("x-enumNames") or []
        values = list(prop["enum"])
        return [(v, names[i] if i < len(names) else _text(v)) for i, v in enumerate(values)]
    for key in ("oneOf", "anyOf"):
        entries = prop.get(key)
        if entries and all(isinstance(e, dict) and "const" in e for e in entries):
            return [(e["const"], e.get("title") or _text(e["const"])) for e in entries]
    return None


def kind_of(prop: Mapping[str, Any]) -> str:
    types = _types(prop)
    if "boolean" in types:
        return "confirm" if prop.get("const") is True else "boolean"
    if "const" in prop:
        return "const"
    options = choices(prop)
    if options is not None:
        return "radio" if len(options) <= RADIO_MAX else "select"
    return _structured_kind(prop, types) or _string_kind(prop)


def _structured_kind(prop: Mapping[str, Any], types: set[str]) -> str | None:
    if "array" in types:
        return _array_kind(prop.get("items") or {})
    if "object" in types:
        return "group"
    if types & {"integer", "number"}:
        return "integer" if types == {"integer"} else "number"
    return None


def _array_kind(items: Mapping[str, Any]) -> str:
    if choices(items) is not None:
        return "checkboxes"
    return "rows" if "object" in _types(items) else "lines"


def is_file(prop: Mapping[str, Any]) -> bool:
    """A file field: ``"format": "binary"`` or a ``contentMediaType`` (``webapp.attachments``
    stores the upload and keeps its reference in the data)."""
    return prop.get("format") == "binary" or "contentMediaType" in prop


def file_fields(schema: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The schema's top-level file properties, by name."""
    props = schema.get("properties") or {}
    return {k: p for k, p in props.items() if isinstance(p, Mapping) and is_file(p)}


def _string_kind(prop: Mapping[str, Any]) -> str:
    if prop.get(PICKER):
        return "picker"
    if is_file(prop):
        return "file"
    fmt = prop.get("format")
    if fmt == "date":
        return "date"
    if fmt == "date-time":
        return "datetime"
    widget = prop.get("x-widget") or prop.get("ui:widget")
    if widget in LONG_WIDGETS or (prop.get("maxLength") or 0) > TEXTAREA_FROM:
        return "textarea"
    return "text"


# -- typed values <-> the strings a form holds -------------------------------------------


def _text(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "" if value is None else str(value)


def _raw(value: Any) -> str:
    """How a typed value is written into an input."""
    if isinstance(value, bool):
        return TRUE if value else FALSE
    return "" if value is None else str(value)


def _local_input(value: str) -> str:
    """An ISO date-time as a ``datetime-local`` input value (China Standard Time)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TZ)
    return moment.strftime("%Y-%m-%dT%H:%M")


def form_values(schema: Mapping[str, Any], data: Mapping[str, Any] | None = None) -> MultiDict:
    """The strings to show for typed ``data``, with the schema's defaults where none."""
    out: MultiDict = MultiDict()
    _fill(out, schema, data or {}, "")
    return out


def _fill(out: MultiDict, schema: Mapping[str, Any], data: Mapping[str, Any], prefix: str):
    for name, prop in (schema.get("properties") or {}).items():
        key = prefix + name
        value = data.get(name, prop.get("default"))
        if value is None:
            continue
        kind = kind_of(prop)
        if kind == "group" and isinstance(value, Mapping):
            _fill(out, prop, value, key + ".")
        elif kind == "rows" and isinstance(value, list):
            for index, row in enumerate(value):
                if isinstance(row, Mapping):
                    _fill(out, prop.get("items") or {}, row, f"{key}.{index}.")
        elif isinstance(value, list):
            out.setlist(key, [_raw(v) for v in value])
        else:
            out[key] = _local_input(value) if kind == "datetime" else _raw(value)


# -- building the fields to render ---------------------------------------------------------


def field_name(error_key: str) -> str:
    """The input name for an engine error key (``parties/0/name`` -> ``parties.0.name``)."""
    return error_key.replace("/", ".")


def build_fields(
    schema: Mapping[str, Any],
    form: MultiDict | None = None,
    errors: Mapping[str, Iterable[str]] | None = None,
    pickers: Pickers | None = None,
) -> list[FormField]:
    """The fields of ``schema`` showing ``form``'s strings and ``errors`` by input name;
    ``pickers`` gives the options of picker fields (one without: a text box)."""
    wanted = {field_name(k): list(v) for k, v in (errors or {}).items()}
    form = form if form is not None else MultiDict()
    return _fields(schema, form, wanted, "", pickers or {})


def _fields(schema, form: MultiDict, errors, prefix: str, pickers: Pickers) -> list[FormField]:
    required = set(schema.get("required") or [])
    return [
        _field(prefix + name, prop, name in required, form, errors, pickers)
        for name, prop in (schema.get("properties") or {}).items()
        if isinstance(prop, Mapping)
    ]


def _field(name: str, prop, required: bool, form: MultiDict, errors, pickers: Pickers) -> FormField:
    kind = kind_of(prop)
    if kind == "picker" and name not in pickers:
        kind = "text"
    base = {
        "name": name,
        "kind": kind,
        "label": prop.get("title") or name.rsplit(".", 1)[-1],
        "help": prop.get("description") or "",
        "required": required,
        "errors": tuple(errors.get(name, ())),
        "attrs": _attrs(prop, kind),
    }
    if kind == "group":
        children = _fields(prop, form, errors, name + ".", pickers)
        return FormField(**base, children=tuple(children))
    if kind == "rows":
        return FormField(**base, rows=_rows(name, prop, form, errors, pickers))
    if kind == "picker":
        return _picker(base, name, prop, form, pickers[name])
    options = _options((prop.get("items") or {}) if kind == "checkboxes" else prop, kind)
    return FormField(
        **base,
        value=_shown_value(name, prop, kind, form),
        values=tuple(form.getlist(name)),
        options=options,
    )


def _picker(
    base: dict[str, Any], name: str, prop, form: MultiDict, options: tuple[Option, ...]
) -> FormField:
    """A list of ``options`` (with a search box where JS runs); one narrowed by another
    field (``x-picker-unit-field``) names that field's input for the script."""
    attrs: dict[str, Any] = {"data-picker": prop[PICKER]}
    other = prop.get("x-picker-unit-field")
    if other:
        sibling = name[: -len(name.rsplit(".", 1)[-1])] + other
        attrs["data-narrow-by"] = "f-" + sibling.replace(".", "-")
    base = {**base, "attrs": attrs}
    return FormField(**base, value=form.get(name, ""), options=options)


def _shown_value(name: str, prop, kind: str, form: MultiDict) -> str:
    if kind == "const":
        return _raw(prop["const"])
    return form.get(name, "")


def _options(prop, kind: str) -> tuple[Option, ...]:
    if kind == "boolean":
        return (Option(TRUE, "是"), Option(FALSE, "否"))
    found = choices(prop) or []
    return tuple(Option(_raw(value), label) for value, label in found)


def _rows(
    name: str, prop, form: MultiDict, errors, pickers: Pickers
) -> tuple[tuple[FormField, ...], ...]:
    indexes = _row_indexes(form, name) or [0]
    count = max(len(indexes), prop.get("minItems") or 1)
    indexes += [max(indexes) + i + 1 for i in range(count - len(indexes))]
    items = prop.get("items") or {}
    return tuple(tuple(_fields(items, form, errors, f"{name}.{i}.", pickers)) for i in indexes)


def _row_indexes(form: MultiDict, name: str) -> list[int]:
    prefix = name + "."
    found = set()
    for key in form:
        head = key[len(prefix) :].split(".", 1)[0] if key.startswith(prefix) else ""
        if head.isascii() and head.isdigit():
            found.add(int(head))
    return sorted(found)


_NUMERIC_ATTRS = {"minimum": "min", "maximum": "max"}
_TEXT_ATTRS = {"minLength": "minlength", "maxLength": "maxlength", "pattern": "pattern"}


def _attrs(prop, kind: str) -> dict[str, Any]:
    if kind in ("integer", "number"):
        attrs = {html: prop[key] for key, html in _NUMERIC_ATTRS.items() if key in prop}
        attrs["step"] = 1 if kind == "integer" else "any"
        return attrs
    if kind in ("text", "textarea"):
        return {html: prop[key] for key, html in _TEXT_ATTRS.items() if key in prop}
    if kind == "file" and prop.get("contentMediaType"):
        return {"accept": prop["contentMediaType"]}
    return {}


# -- parsing a submission -----------------------------------------------------------------


def parse(schema: Mapping[str, Any], form: MultiDict) -> Parsed:
    """Typed data from a submission; inputs that do not convert are reported, not sent."""
    errors: dict[str, list[str]] = {}
    data = _parse_object(schema, form, "", errors)
    return Parsed(data, errors)


def schema_errors(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, list[str]]:
    """What the schema's validation says of ``data``, by error key (as ``FormInvalid``)."""
    try:
        validate_form(schema, data)
    except FormInvalid as invalid:
        return invalid.errors
    return {}


class _Unconvertible(ValueError):
    pass


_MISSING = object()


def _parse_object(schema, form: MultiDict, prefix: str, errors) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        key = prefix + name
        try:
            value = _parse_value(key, prop, form, errors)
        except _Unconvertible as problem:
            errors.setdefault(key, []).append(str(problem))
            continue
        if value is not _MISSING:
            data[name] = value
    return data


def _parse_value(key: str, prop, form: MultiDict, errors) -> Any:
    kind = kind_of(prop)
    if kind == "group":
        value = _parse_object(prop, form, key + ".", errors)
        return value if value else _MISSING
    if kind == "rows":
        return _parse_rows(key, prop, form, errors)
    if kind in ("checkboxes", "lines"):
        return _parse_list(key, prop, kind, form)
    if kind in ("const", "file"):  # a file's upload is in request.files (attachments)
        return prop["const"] if kind == "const" else _MISSING
    text = (form.get(key) or "").strip()
    if not text:
        return _MISSING
    return _SCALAR[kind](text, prop)


def _parse_rows(key: str, prop, form: MultiDict, errors) -> Any:
    items = prop.get("items") or {}
    rows = [_parse_object(items, form, f"{key}.{i}.", errors) for i in _row_indexes(form, key)]
    rows = [row for row in rows if row]
    return rows or _MISSING


def _parse_list(key: str, prop, kind: str, form: MultiDict) -> Any:
    items = prop.get("items") or {}
    if kind == "lines":
        raw = [line.strip() for text in form.getlist(key) for line in text.splitlines()]
    else:
        raw = [v.strip() for v in form.getlist(key)]
    values = [_SCALAR[_item_kind(items)](v, items) for v in raw if v]
    return values or _MISSING


def _item_kind(items) -> str:
    kind = kind_of(items)
    return kind if kind in _SCALAR else "text"


def _as_choice(text: str, prop) -> Any:
    for value, _label in choices(prop) or []:
        if _raw(value) == text:
            return value
    return text  # not a choice: the schema's enum check names it


def _as_integer(text: str, _prop) -> int:
    try:
        return int(text)
    except ValueError:
        raise _Unconvertible("应为整数") from None


def _as_number(text: str, _prop) -> int | float:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Unconvertible("应为数字") from None
    if not number.is_finite():
        raise _Unconvertible("应为数字")
    return int(number) if number == number.to_integral_value() else float(number)


def _as_boolean(text: str, _prop) -> bool:
    if text in (TRUE, "on", "1"):
        return True
    if text == FALSE:
        return False
    raise _Unconvertible("请选择“是”或“否”")


def _as_date(text: str, _prop) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise _Unconvertible("日期格式应为 年-月-日，如 2026-03-02") from None


def _as_datetime(text: str, _prop) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Unconvertible("时间格式应为 年-月-日 时:分，如 2026-03-02 09:30") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.isoformat()


def _as_text(text: str, _prop) -> str:
    return text


_SCALAR = {
    "text": _as_text,
    "textarea": _as_text,
    "date": _as_date,
    "datetime": _as_datetime,
    "integer": _as_integer,
    "number": _as_number,
    "radio": _as_choice,
    "select": _as_choice,
    "picker": _as_text,
    "boolean": _as_boolean,
    "confirm": _as_boolean,
}
