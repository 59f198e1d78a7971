"""Conditions written in another expression language, translated to the Python our sandbox
runs, for a small documented subset; anything outside it is not translated (the caller
rejects the element with a Chinese message saying what to write instead).

The subsets, with the meaning each source document gives them:

* **JUEL / EL** (``${…}`` or ``#{…}``: Camunda 7, Flowable, Activiti; Jakarta Expression
  Language 3.0 §1.7–1.10, as Camunda 7's "Expression Language" page documents): names;
  string, number, ``true``/``false``/``null`` literals; ``+ - * / div % mod``;
  ``== != < > <= >=`` and ``eq ne lt gt le ge``; ``&& || !`` and ``and or not``;
  ``empty x`` (null, ``""``, an empty list or map); parentheses.
* **FEEL** (DMN 1.3 §10.3, ``language="https://www.omg.org/spec/DMN/…/FEEL/"``, and
  Camunda 8's ``= …``): names, a name of several words (``Vacation Approval``) read as
  one variable joined by ``_`` (``Vacation_Approval``); ``"…"`` strings, numbers,
  ``true``/``false``/``null``; ``= != < > <= >=`` (FEEL's ``=`` is equality);
  ``and``/``or``, ``not(…)``; ``+ - * /``; parentheses.
* **JavaScript** (``text/javascript``, ``javascript``, ``ecmascript``: ECMA-262 expression
  operators): names, literals, ``true``/``false``/``null``/``undefined``;
  ``== === != !== < > <= >=``; ``&& || !``; ``+ - * / %``; parentheses. A body wrapped in
  ``${…}`` (what some tools write under ``text/javascript``) is read as JUEL.
* **XPath 1.0** (BPMN 2.0's default, ``http://www.w3.org/1999/XPath``): ``$name``
  variables and names, strings, numbers, ``true()``/``false()``, ``not(…)``;
  ``= != < > <= >=``; ``and``/``or``; ``+ - * div mod``; parentheses; and BPMN 2.0's own
  XPath extension functions (§10.4, "Items and Data": "Usage of Data in XPath
  Expressions") ``bpmn:getDataObject('x')`` and ``bpmn:getProcessProperty('x')`` with one
  name in quotes, read as the variable ``x`` (a data object or process property is a
  variable of the instance here); the other functions of that section (getDataInput,
  getDataOutput, getActivityProperty, getEventProperty…) are outside the subset.

Property access (``a.b``), method or function calls, indexing, ternaries, FEEL's
``between``/``in``/``if``/``for``… are outside every subset. What comes out is checked
against a whitelist of Python syntax before it is returned.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass

JUEL, FEEL, JAVASCRIPT, XPATH = "JUEL", "FEEL", "JavaScript", "XPath"

_WRAPPED = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
_TOKEN = re.compile(
    r"""(?P<space>\s+)"""
    r"""|(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    r"""|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"""
    r"""|(?P<function>[A-Za-z_][A-Za-z0-9_.-]*:[A-Za-z_][A-Za-z0-9_]*(?=\s*\())"""
    r"""|(?P<name>\$?[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|(?P<op>===|!==|==|!=|<=|>=|&&|\|\||[<>=!+\-*/%()])"""
)
_LITERALS = {"true": "True", "false": "False", "null": "None"}
BPMN_DATA_FUNCTIONS = ("getDataObject", "getProcessProperty")
"""BPMN 2.0 §10.4's XPath extension functions read as the variable they name."""
_BPMN_OTHER_FUNCTIONS = (
    "getDataInput",
    "getDataOutput",
    "getActivityProperty",
    "getEventProperty",
    "getInstanceAttribute",
)
_BPMN_CALL = re.compile(
    rf"[A-Za-z_][\w.-]*:(?:{'|'.join(BPMN_DATA_FUNCTIONS + _BPMN_OTHER_FUNCTIONS)})\s*\("
)
_WORDS = {
    JUEL: {
        **_LITERALS,
        "eq": "==",
        "ne": "!=",
        "lt": "<",
        "gt": ">",
        "le": "<=",
        "ge": ">=",
        "div": "/",
        "mod": "%",
        "and": "and",
        "or": "or",
        "not": "not",
    },
    FEEL: {**_LITERALS, "and": "and", "or": "or", "not": "not"},
    JAVASCRIPT: {**_LITERALS, "undefined": "None"},
    XPATH: {"true": "True", "false": "False", "and": "and", "or": "or", "not": "not"}
    | {"div": "/", "mod": "%"},
}
_OPS = {
    JUEL: {"&&": "and", "||": "or", "!": "not", "==": "==", "!=": "!="},
    FEEL: {"=": "==", "!=": "!="},
    JAVASCRIPT: {"&&": "and", "||": "or", "!": "not", "==": "==", "===": "==", "!=": "!="}
    | {"!==": "!="},
    XPATH: {"=": "==", "!=": "!="},
}
_COMMON_OPS = {"<", ">", "<=", ">=", "+", "-", "*", "(", ")"}
_DIVISION = {JUEL: {"/", "%"}, FEEL: {"/"}, JAVASCRIPT: {"/", "%"}, XPATH: set()}
_FEEL_UNSUPPORTED = {
    "between",
    "in",
    "instance",
    "of",
    "if",
    "then",
    "else",
    "for",
    "some",
    "every",
    "satisfies",
    "return",
    "function",
}
_FEEL_RESERVED = set(_WORDS[FEEL]) | _FEEL_UNSUPPORTED
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
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Mod,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,  # only from ``empty x``: source names never become Python keywords
    ast.Tuple,
    ast.List,
    ast.Dict,
)
_EMPTY = "in (None, '', [], {})"
"""JUEL's ``empty x``: true for null, an empty string, an empty list or map (EL 3.0 §1.10)."""


@dataclass(frozen=True)
class Translation:
    """The Python twin of a foreign expression, or why there is none (Chinese)."""

    language: str
    python: str | None
    why: str = ""
    renamed: tuple[tuple[str, str], ...] = ()
    """(name as written, Python variable) for FEEL names of several words."""


class _Outside(Exception):
    """The expression uses something outside the subset; the message says what."""


def language_of(declared: str | None, text: str) -> str | None:
    """Which subset reads ``text`` (declared ``language`` attribute, or the file's
    ``expressionLanguage``): JUEL when the text is wrapped in ``${…}``/``#{…}`` and nothing
    else (or JavaScript, as some tools label it) is declared, else by the declared language;
    None for Python (nothing declared) or a language we do not read (Groovy…)."""
    lowered = (declared or "").strip().lower()
    named = _named(lowered)
    if _WRAPPED.match(text or "") and named in (None, JUEL, JAVASCRIPT, XPATH):
        return JUEL if named is not None or not lowered else None
    return named


def _named(lowered: str) -> str | None:
    if "feel" in lowered:
        return FEEL
    if lowered in ("javascript", "text/javascript", "application/javascript", "ecmascript"):
        return JAVASCRIPT
    if "xpath" in lowered:
        return XPATH
    if lowered in ("juel", "el", "http://java.sun.com/products/jsp/"):
        return JUEL
    return None


def translate(text: str, language: str) -> Translation:
    """``text`` in ``language`` (one of the four above) as a Python expression."""
    body = text.strip()
    wrapped = _WRAPPED.match(body)
    if wrapped is not None:
        body = wrapped.group("body").strip()
    if language == FEEL and body.startswith("=") and not body.startswith("=="):
        body = body[1:].strip()  # Camunda 8 marks a FEEL expression with a leading "="
    try:
        tokens, renamed = _tokens(body, language)
        python = _checked(" ".join(tokens))
    except _Outside as outside:
        return Translation(language, None, str(outside))
    return Translation(language, python, renamed=tuple(renamed))


def _tokens(body: str, language: str) -> tuple[list[str], list[tuple[str, str]]]:
    raw = _scan(body)
    out: list[str] = []
    renamed: list[tuple[str, str]] = []
    index = 0
    while index < len(raw):
        kind, value = raw[index]
        index += 1
        if kind == "string":
            out.append(repr(_unquote(value)))
        elif kind == "number":
            out.append(value)
        elif kind == "op":
            out.append(_operator(value, language))
        elif kind == "function":
            python, index = _function_at(raw, index, language)
            out.append(python)
        else:
            python, index = _name_at(raw, index, language, renamed)
            out.append(python)
    return out, renamed


def _name_at(
    raw: list[tuple[str, str]], index: int, language: str, renamed: list[tuple[str, str]]
) -> tuple[str, int]:
    """The Python for the name ``raw[index - 1]`` (and what it takes after it), and the
    index of the next token."""
    value = raw[index - 1][1]
    if language == FEEL and value.lower() not in _FEEL_RESERVED:
        words = [value]
        while index < len(raw) and raw[index][0] == "name" and _plain_feel(raw[index][1]):
            words.append(raw[index][1])
            index += 1
        name = "_".join(words)
        if len(words) > 1:
            renamed.append((" ".join(words), name))
        return _variable(name), index
    if language == JUEL and value == "empty":
        if index >= len(raw) or raw[index][0] != "name":
            raise _Outside("empty 后面只能跟一个变量名")
        return f"({_variable(raw[index][1])} {_EMPTY})", index + 1
    if language == XPATH and value in ("true", "false") and _call(raw, index):
        return _LITERALS[value], index + 2
    return _word(value, language), index


def _function_at(raw: list[tuple[str, str]], index: int, language: str) -> tuple[str, int]:
    """BPMN 2.0 §10.4's ``bpmn:getDataObject('x')`` (or ``getProcessProperty``) at
    ``raw[index - 1]`` as the variable ``x``, and the index after its ``)``."""
    function = raw[index - 1][1].rsplit(":", 1)[1]
    if language != XPATH or function not in BPMN_DATA_FUNCTIONS:
        if function in _BPMN_OTHER_FUNCTIONS:
            raise _Outside(f"BPMN 的 XPath 函数 {function} 不在可自动翻译的范围内")
        raise _Outside(f"函数 {raw[index - 1][1]} 不在可自动翻译的范围内")
    argument = raw[index + 1] if index + 2 < len(raw) else ("", "")
    if argument[0] != "string" or raw[index + 2] != ("op", ")"):
        raise _Outside(f"{function} 只能带一个加引号的名称，如 {function}('approved')")
    name = _unquote(argument[1])
    if not name.isidentifier():
        raise _Outside(f"{function} 的名称 {argument[1]} 不能用作变量名")
    return _variable(name), index + 3


def uses_bpmn_functions(text: str) -> bool:
    """Whether ``text`` calls one of BPMN 2.0 §10.4's XPath extension functions
    (``bpmn:getDataObject(…)``…): such a text is XPath whatever the file declares (it can
    never be Python, where ``a:b(…)`` is a syntax error)."""
    return _BPMN_CALL.search(text or "") is not None


def _scan(body: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(body):
        match = _TOKEN.match(body, position)
        if match is None:
            raise _Outside(_unknown(body[position:]))
        position = match.end()
        if match.lastgroup != "space":
            tokens.append((match.lastgroup, match.group()))
    if not tokens:
        raise _Outside("表达式为空")
    return tokens


_UNKNOWN = {
    ".": "属性访问或方法调用（如 a.b、a.f()）",
    "?": "三元表达式（a ? b : c）",
    "[": "下标或列表（a[0]、[1, 2]）",
    ",": "函数调用或列表（f(a, b)）",
    "{": "映射（{…}）",
}


def _unknown(rest: str) -> str:
    what = _UNKNOWN.get(rest[0], f"「{rest[:12]}」")
    return f"{what}不在可自动翻译的范围内"


def _plain_feel(word: str) -> bool:
    lowered = word.lower()
    return not word.startswith("$") and lowered not in _FEEL_RESERVED


def _call(raw: list[tuple[str, str]], index: int) -> bool:
    return raw[index : index + 2] == [("op", "("), ("op", ")")]


def _unquote(literal: str) -> str:
    inner = literal[1:-1]
    return re.sub(r"\\(.)", lambda m: m.group(1), inner)


def _operator(op: str, language: str) -> str:
    mapped = _OPS[language].get(op)
    if mapped is not None:
        return mapped
    if op in _COMMON_OPS or op in _DIVISION[language]:
        return op
    raise _Outside(f"{language} 子集里没有运算符 {op}")


def _word(word: str, language: str) -> str:
    mapped = _WORDS[language].get(word)
    if mapped is not None:
        return mapped
    if language == FEEL and word.lower() in _FEEL_UNSUPPORTED:
        raise _Outside(f"不支持 FEEL 的 {word}")
    if language == XPATH and word.startswith("$"):
        return _variable(word[1:])
    return _variable(word)


def _variable(name: str) -> str:
    if name.startswith("$") or name.startswith("__") or keyword.iskeyword(name):
        raise _Outside(f"{name} 不能用作变量名")
    if keyword.issoftkeyword(name) or name in ("True", "False", "None"):
        raise _Outside(f"{name} 不能用作变量名")
    return name


def _checked(python: str) -> str:
    try:
        tree = ast.parse(python, mode="eval")
    except SyntaxError as error:
        raise _Outside("写法超出可翻译的范围（如属性访问、方法调用、三元表达式）") from error
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise _Outside("写法超出可翻译的范围（如属性访问、方法调用、三元表达式）")
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", python))
