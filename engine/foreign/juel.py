"""JUEL (``${x > 5}``, Camunda/Flowable/Activiti) to a Python expression, when it is in the
subset ``expressions`` translates (names, literals, comparisons, ``&&``/``||``/``!``,
``empty``, arithmetic). Anything else (method calls, property access, ternaries) is left
for the designer to rewrite."""

from __future__ import annotations

from .expressions import _WRAPPED, JUEL, translate


def is_juel(text: str | None) -> bool:
    return bool(text) and _WRAPPED.match(text) is not None


def to_python(text: str) -> str | None:
    """The Python twin of the JUEL expression ``text`` (``${…}``), None when there is no
    trivial one."""
    if not is_juel(text):
        return None
    return translate(text, JUEL).python
