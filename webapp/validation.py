"""One validation layer for what a request carries, before any of it reaches the database.

- integers from a path or a query: ASCII digits only (``"²".isdigit()`` is true but ``int``
  refuses it), and within the 32-bit ``integer`` column every id lives in;
- text: no NUL (PostgreSQL refuses it), no lone surrogates (no encoding can store them),
  a bounded length for query values;
- JSON bodies: no ``NaN``/``Infinity``, every number finite, a bounded nesting depth
  (``json`` itself recurses and would raise ``RecursionError``);
- body size: ``MAX_CONTENT_LENGTH``, which Werkzeug checks against ``Content-Length``
  before reading a byte (and while reading a chunked body).

A bad input is a 4xx naming the field: the API answers with problem details
(``webapp.problems``), pages with the error page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from werkzeug.routing import BaseConverter, ValidationError

INT4_MAX = 2_147_483_647
"""The largest value of a PostgreSQL ``integer`` column: every id, page and cursor."""

MAX_CONTENT_LENGTH = 4 * 1024 * 1024
"""The largest request body the site reads (a diagram set from the modeler fits)."""

MAX_QUERY_VALUE = 2000
"""The longest query-string value read; a longer one is refused, not truncated."""

MAX_JSON_DEPTH = 32
"""How deeply a JSON body may nest (a push nests three levels)."""

_DIGITS = frozenset("0123456789")


class InputRefused(ValueError):
    """A request input that cannot be used: ``field`` names it, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# -- integers -------------------------------------------------------------------------------
def parse_int(raw: str | None, *, minimum: int = 0, maximum: int = INT4_MAX) -> int | None:
    """``raw`` as an integer in ``[minimum, maximum]``, or ``None`` if it is not one.

    Only ASCII digits count (no sign, no spaces, no ``²`` or full-width digits)."""
    text = (raw or "").strip()
    if not text or len(text) > len(str(maximum)) + 1 or not set(text) <= _DIGITS:
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def page_number(raw: str | None, *, maximum: int = INT4_MAX) -> int:
    """A list's page from the query: 1 when missing or unreadable, at most ``maximum``."""
    text = (raw or "").strip()
    if text and set(text) <= _DIGITS and len(text) > len(str(maximum)):
        return maximum  # a very large page is the last one, not page 1
    value = parse_int(text, minimum=1)
    return min(value, maximum) if value is not None else 1


def int_set(raw: str | None, *, separator: str = ",") -> frozenset[int]:
    """The ids in a ``1,2,3`` list; anything that is not a bounded id is left out."""
    found = (parse_int(part, minimum=1) for part in (raw or "").split(separator))
    return frozenset(value for value in found if value is not None)


class IdConverter(BaseConverter):
    """``<int:…>`` in a route: ASCII digits within ``integer``; anything else is a 404."""

    regex = r"[0-9]{1,10}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = parse_int(value, minimum=0)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


# -- text -----------------------------------------------------------------------------------
def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or ``None`` if it can."""
    if "\x00" in value:
        return "含有空字符（\\0），请删除后重试"
    if any("\ud800" <= char <= "\udfff" for char in value):
        return "含有无效的字符（不成对的代理项），请删除后重试"
    return None


def check_text(field: str, value: str, *, max_length: int | None = None) -> None:
    """Raise ``InputRefused`` when ``value`` cannot be stored or is longer than allowed."""
    problem = text_problem(value)
    if problem is None and max_length is not None and len(value) > max_length:
        problem = f"过长：不能超过 {max_length} 个字符"
    if problem is not None:
        raise InputRefused(field, problem)


def check_request_text() -> None:
    """Raise ``InputRefused`` for the first path, query or form value that cannot be used."""
    for field, value in _request_texts():
        check_text(field, value)
    for field, value in request.args.items(multi=True):
        check_text(field, value, max_length=MAX_QUERY_VALUE)


def _request_texts() -> Iterator[tuple[str, str]]:
    for field, value in (request.view_args or {}).items():
        if isinstance(value, str):
            yield field, value
    for field in request.args:
        yield field, field
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for field, value in request.form.items(multi=True):
            yield field, field
            yield field, value


# -- JSON -----------------------------------------------------------------------------------
def load_json(data: bytes) -> Any:
    """Parse a JSON body; raise ``InputRefused`` (field ``""`` or the path of the bad
    value) for malformed JSON, ``NaN``/``Infinity``, an infinite number, a too-deep
    nesting or text that cannot be stored."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise InputRefused("", f"嵌套过深：JSON 的嵌套不能超过 {MAX_JSON_DEPTH} 层") from None
    except (ValueError, UnicodeDecodeError):
        raise InputRefused("", "请求体不是合法的 JSON") from None
    check_json(value)
    return value


def check_json(value: Any) -> None:
    """Raise ``InputRefused`` naming the first value of a parsed body that cannot be used."""
    stack: list[tuple[str, Any, int]] = [("", value, 0)]
    while stack:
        path, item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputRefused("", f"嵌套过深：JSON 的嵌套不能超过 {MAX_JSON_DEPTH} 层")
        if isinstance(item, str):
            check_text(path, item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise InputRefused(path, "应为有限的数字（不接受 NaN、Infinity 或超出范围的数）")
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}/{key}" if path else str(key)
                check_text(child_path, str(key))
                stack.append((child_path, child, depth + 1))
        elif isinstance(item, list):
            stack.extend(
                (f"{path}/{i}" if path else str(i), child, depth + 1)
                for i, child in enumerate(item)
            )


# -- wiring ---------------------------------------------------------------------------------
def init_app(app: Flask) -> None:
    """Bound ``<int:…>`` routes and the body size; call before registering blueprints."""
    app.url_map.converters["int"] = IdConverter
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_CONTENT_LENGTH)
    app.before_request(check_request_text)
