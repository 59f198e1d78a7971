"""Page tokens of the lists (我的待办, 案件查询): where a page ends (``after``) or begins
(``before``), as the sort key of that row, so the next page is read from there by index
(``WHERE key > :last``) instead of reading and skipping every row before it (``OFFSET``).

A token is the key's values as JSON in URL-safe base64. It is not a secret and needs no
signature: a forged one only moves the viewer within their own list, whose scope and
filters are applied as always. One that cannot be read is ignored (the first page).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, datetime

Value = str | int | datetime | None
KINDS = {"t": datetime, "i": int, "s": str}
"""What a key's values may be: a moment (``t``, may be null), a whole number, a string."""


def encode(values: Sequence[Value]) -> str:
    """The token of a row's key ``values``."""
    plain = [v.astimezone(UTC).isoformat() if isinstance(v, datetime) else v for v in values]
    text = json.dumps(plain, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(token: str | None, kinds: str) -> list[Value] | None:
    """The key in ``token`` when it has one value of each kind in ``kinds`` (``t``: a moment
    or null, ``i``: an integer, ``s``: a string); else ``None``."""
    if not token or len(token) > 400:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw.decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(kinds):
        return None
    parsed = [_value(value, kind) for value, kind in zip(values, kinds, strict=True)]
    return None if any(p is _BAD for p in parsed) else parsed


_BAD = object()


def _value(value: object, kind: str) -> object:
    if kind == "t":
        return _moment(value) if value is not None else None
    if kind == "i":
        ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**31
        return value if ok else _BAD
    return value if isinstance(value, str) and 0 < len(value) <= 64 else _BAD


def _moment(value: object) -> object:
    if not isinstance(value, str):
        return _BAD
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return _BAD
    return moment.astimezone(UTC) if moment.tzinfo is not None else _BAD
