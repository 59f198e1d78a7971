"""JUEL (``${x > 5}``, Camunda/Flowable/Activiti) to a Python expression, when trivially
translatable: names, literals, comparisons, ``&&``/``||``/``!``, arithmetic. Anything else
(method calls, property access, ``empty``, ternaries) is left for the designer to rewrite."""

from __future__ import annotations

import ast
import re

_WRAPPED = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
_WORDS = {
    "&&": " and ",
    "||": " or ",
    "eq": "==",
    "ne": "!=",
    "gt": ">",
    "lt": "<",
    "ge": ">=",
    "le": "<=",
    "null": "None",
    "true": "True",
    "false": "False",
}
_TOKEN = re.compile(
    r"""(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    r"|(?P<op>&&|\|\||!(?!=))"
    r"|(?P<word>\b(?:eq|ne|gt|lt|ge|le|null|true|false)\b)"
)
_ALLOWED = (
    ast.Expression,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Compare,
    ast.BoolOp,
    ast.UnaryOp,
    ast.BinOp,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.cmpop,
    ast.operator,
)


def is_juel(text: str | None) -> bool:
    return bool(text) and _WRAPPED.match(text) is not None


def to_python(text: str) -> str | None:
    """The Python twin of the JUEL expression ``text`` (``${…}``), None when there is no
    trivial one."""
    match = _WRAPPED.match(text)
    if match is None:
        return None
    python = _TOKEN.sub(_replace, match.group("body")).strip()
    python = re.sub(r"\s+", " ", python)
    try:
        tree = ast.parse(python, mode="eval")
    except SyntaxError:
        return None
    if not all(isinstance(node, _ALLOWED) for node in ast.walk(tree)):
        return None
    return python


def _replace(match: re.Match) -> str:
    if match.group("string"):
        return match.group("string")
    token = match.group("op") or match.group("word")
    return _WORDS.get(token, " not ")
