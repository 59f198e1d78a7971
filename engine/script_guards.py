"""Guards that keep designer code inside its memory and number budget.

The compiled code calls these instead of the plain operators (``engine.script_ticks``
rewrites ``a * b`` as ``_mul_(a, b)`` and so on); each estimates the size of the result
and asks the current ``Meter`` before building it, so ``'a' * 10**10`` fails at once
instead of trying to allocate 10 GB. String methods that grow their result
(``ljust``, ``replace``, ``join``, ...), ``int.to_bytes``, slices and the ``math``
functions that build big integers are guarded the same way.

Jinja's sandbox (``engine.budget_jinja``) reuses the same guards.
"""

from __future__ import annotations

import math
import re
import types
from collections.abc import Callable, Iterable
from typing import Any

from .budget import MAX_MODPOW_COST, Meter, current_meter

POINTER_BYTES = 8
SPLIT_PIECE_BYTES = 64

_Sized = str | bytes | bytearray | list | tuple


def size_of(value: Any) -> int | None:
    """About how many bytes a sequence's items take, or None for other values."""
    if isinstance(value, str):
        return len(value) if value.isascii() else 4 * len(value)
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, list | tuple):
        return POINTER_BYTES * len(value)
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


# -- operators -------------------------------------------------------------------------------


def mul(left: Any, right: Any) -> Any:
    meter = current_meter()
    if _is_int(left) and _is_int(right):
        meter.check_bits(left.bit_length() + right.bit_length())
    elif _is_int(right) and (size := size_of(left)) is not None:
        meter.charge(size * max(right, 0))
    elif _is_int(left) and (size := size_of(right)) is not None:
        meter.charge(size * max(left, 0))
    return left * right


def power(base: Any, exponent: Any, modulus: Any = None) -> Any:
    meter = current_meter()
    if _is_int(base) and _is_int(exponent) and exponent > 0:
        if modulus is None:
            if abs(base) > 1:
                meter.check_bits(base.bit_length() * exponent)
        elif _is_int(modulus):
            cost = exponent.bit_length() * max(modulus.bit_length(), 1)
            if cost > MAX_MODPOW_COST:
                raise meter.trip("number", MAX_MODPOW_COST**0.5 * 0.30103)
    if modulus is None:
        return base**exponent
    return pow(base, exponent, modulus)


def lshift(left: Any, right: Any) -> Any:
    if _is_int(left) and _is_int(right) and right > 0 and left:
        current_meter().check_bits(left.bit_length() + right)
    return left << right


def add(left: Any, right: Any) -> Any:
    left_size, right_size = size_of(left), size_of(right)
    if left_size is not None and right_size is not None:
        current_meter().charge(left_size + right_size)
    return left + right


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_widths(meter: Meter, widths: Iterable[str]) -> None:
    for width in widths:
        if width == "*":
            raise ValueError("格式化字符串不支持 * 宽度，请直接写出宽度数字")
        if width:
            meter.charge(int(width))


def mod(left: Any, right: Any) -> Any:
    if isinstance(left, str | bytes):
        meter = current_meter()
        text = left if isinstance(left, str) else left.decode("latin-1")
        for match in _PERCENT_SPEC.finditer(text):
            _check_widths(meter, match.groups())
    return left % right


_SPEC_NUMBER = re.compile(r"\d+")


def format_spec(spec: Any) -> Any:
    """An f-string's format spec (``{x:>{n}}``): its widths count against memory."""
    if isinstance(spec, str):
        meter = current_meter()
        for number in _SPEC_NUMBER.findall(spec):
            meter.charge(int(number))
    return spec


BINARY = {"*": mul, "**": power, "<<": lshift, "+": add, "%": mod}
"""Guarded binary operators by symbol (Jinja's sandbox uses these)."""

INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "*=": mul,
    "**=": power,
    "<<=": lshift,
    "+=": add,
    "%=": mod,
}


def inplace(op: str, target: Any, value: Any, fallback: Callable[[str, Any, Any], Any]) -> Any:
    guard = INPLACE.get(op)
    if guard is not None and not isinstance(target, list):
        return guard(target, value)
    if op == "+=" and isinstance(target, list):
        current_meter().charge(POINTER_BYTES * (len(target) + _length(value)))
    if op == "*=" and isinstance(target, list) and _is_int(value):
        current_meter().charge(POINTER_BYTES * len(target) * max(value, 0))
    return fallback(op, target, value)


def _length(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 0


# -- slices -----------------------------------------------------------------------------------


def getitem(obj: Any, key: Any, getter: Callable[[Any, Any], Any]) -> Any:
    if isinstance(key, slice) and (size := size_of(obj)) is not None and len(obj):
        count = len(range(*key.indices(len(obj))))
        current_meter().charge(size * count // len(obj))
    return getter(obj, key)


# -- methods that grow their result -----------------------------------------------------------


def _width_method(name: str) -> Callable[[_Sized], Callable[..., Any]]:
    def bind(obj: _Sized) -> Callable[..., Any]:
        method = getattr(obj, name)

        def guarded(width: int, *args: Any) -> Any:
            if _is_int(width):
                current_meter().charge(width * (size_of(obj) or 1) // max(len(obj), 1))
            return method(width, *args)

        return guarded

    return bind


def _expandtabs(obj: _Sized) -> Callable[..., Any]:
    def guarded(tabsize: int = 8) -> Any:
        if _is_int(tabsize):
            current_meter().charge((size_of(obj) or 0) * max(tabsize, 1))
        return obj.expandtabs(tabsize)

    return guarded


def _replace(obj: _Sized) -> Callable[..., Any]:
    def guarded(old: Any, new: Any, count: int = -1) -> Any:
        if isinstance(old, type(obj)) and isinstance(new, type(obj)):
            hits = obj.count(old) if old else len(obj) + 1
            if count >= 0:
                hits = min(hits, count)
            grow = max(len(new) - len(old), 0) * hits
            current_meter().charge((size_of(obj) or 0) + grow * 4)
        return obj.replace(old, new, count)

    return guarded


def _join(obj: _Sized) -> Callable[..., Any]:
    def guarded(items: Iterable[Any]) -> Any:
        parts = list(items)
        total = sum(size_of(part) or 0 for part in parts)
        current_meter().charge(total + (size_of(obj) or 0) * max(len(parts) - 1, 0))
        return obj.join(parts)

    return guarded


def _split(name: str) -> Callable[[_Sized], Callable[..., Any]]:
    def bind(obj: _Sized) -> Callable[..., Any]:
        method = getattr(obj, name)

        def guarded(*args: Any, **kwargs: Any) -> Any:
            separator = args[0] if args else kwargs.get("sep")
            pieces = obj.count(separator) + 1 if separator else len(obj) // 2 + 1
            current_meter().charge(pieces * SPLIT_PIECE_BYTES)
            return method(*args, **kwargs)

        return guarded

    return bind


def _translate(obj: str) -> Callable[..., Any]:
    def guarded(table: Any) -> Any:
        longest = 1
        if isinstance(table, dict):
            longest = max([len(v) for v in table.values() if isinstance(v, str)] or [1])
        current_meter().charge(len(obj) * 4 * longest)
        return obj.translate(table)

    return guarded


def _encode(obj: str) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        current_meter().charge(len(obj) * 4)
        return obj.encode(*args, **kwargs)

    return guarded


def _to_bytes(obj: int) -> Callable[..., Any]:
    def guarded(length: int = 1, *args: Any, **kwargs: Any) -> Any:
        if _is_int(length):
            current_meter().charge(length)
        return obj.to_bytes(length, *args, **kwargs)

    return guarded


_SEQUENCE_METHODS: dict[str, Callable[[Any], Callable[..., Any]]] = {
    "ljust": _width_method("ljust"),
    "rjust": _width_method("rjust"),
    "center": _width_method("center"),
    "zfill": _width_method("zfill"),
    "expandtabs": _expandtabs,
    "replace": _replace,
    "join": _join,
    "split": _split("split"),
    "rsplit": _split("rsplit"),
}
_STR_METHODS = {**_SEQUENCE_METHODS, "translate": _translate, "encode": _encode}


def guarded_method(obj: Any, name: str, value: Any) -> Any:
    """``value`` (``obj.name``), or a guarded stand-in when the method can grow big."""
    if isinstance(obj, str):
        bind = _STR_METHODS.get(name)
    elif isinstance(obj, bytes | bytearray):
        bind = _SEQUENCE_METHODS.get(name)
    elif _is_int(obj) and name == "to_bytes":
        bind = _to_bytes
    else:
        return value
    return value if bind is None else bind(obj)


# -- math -------------------------------------------------------------------------------------


def _factorial(n: Any) -> Any:
    if _is_int(n) and n > 1:
        current_meter().check_bits(n * n.bit_length())
    return math.factorial(n)


def _comb(n: Any, k: Any) -> Any:
    if _is_int(n):
        current_meter().check_bits(n)
    return math.comb(n, k)


def _perm(n: Any, k: Any = None) -> Any:
    if _is_int(n):
        count = n if k is None else k
        if _is_int(count):
            current_meter().check_bits(max(count, 0) * n.bit_length())
    return math.perm(n, k)


def _prod(items: Iterable[Any], *, start: Any = 1) -> Any:
    values = list(items)
    bits = sum(v.bit_length() for v in [start, *values] if _is_int(v))
    current_meter().check_bits(bits)
    return math.prod(values, start=start)


def guarded_math() -> types.ModuleType:
    """A copy of ``math`` whose big-integer builders check the budget."""
    module = types.ModuleType("math")
    for name in dir(math):
        if not name.startswith("_"):
            setattr(module, name, getattr(math, name))
    module.factorial = _factorial  # type: ignore[attr-defined]
    module.comb = _comb  # type: ignore[attr-defined]
    module.perm = _perm  # type: ignore[attr-defined]
    module.prod = _prod  # type: ignore[attr-defined]
    return module
