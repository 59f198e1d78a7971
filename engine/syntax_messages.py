"""Python's syntax error texts in Chinese: a designer reads "语法错误：括号「(」没有闭合",
never Python's English ("invalid syntax"). Unknown texts get a general Chinese message;
the English never reaches a message."""

from __future__ import annotations

import re

_GENERAL = "写法不符合 Python 语法"
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"^invalid syntax\. Perhaps you forgot a comma\?", f"{_GENERAL}，可能少了逗号"),
        (
            r"^invalid syntax\. Maybe you meant '==' or ':=' instead of '='\?",
            f"{_GENERAL}：比较是否相等请写 ==",
        ),
        (r"^cannot assign to .*?here\. Maybe you meant '=='", "这里不能赋值：比较是否相等请写 =="),
        (r"^'(.)' was never closed", "括号「{0}」没有闭合"),
        (r"^unmatched '(.)'", "多了一个「{0}」，没有与之配对的左括号"),
        (
            r"^closing parenthesis '(.)' does not match opening parenthesis '(.)'",
            "右括号「{0}」与左括号「{1}」不配对",
        ),
        (r"^unterminated triple-quoted string literal", "三引号字符串没有结束"),
        (r"^unterminated string literal", "字符串缺少结束的引号"),
        (r"^EOL while scanning string literal", "字符串缺少结束的引号"),
        (r"^unexpected EOF|^unexpected end of", "写到一半就结束了（缺少后续部分）"),
        (
            r"^invalid character '(.)' \((U\+[0-9A-F]+)\)",
            "不能使用字符「{0}」（{1}），请改用英文标点",
        ),
        (r"^invalid non-printable character (U\+[0-9A-F]+)", "含有不可见的非法字符 {0}"),
        (r"^invalid (decimal|hexadecimal|octal|binary|digit).*literal", "数字的写法不对"),
        (r"^leading zeros in decimal integer literals", "整数不能以 0 开头"),
        (r"^expected ':'", "缺少冒号「:」"),
        (r"^expected an indented block", "这里应有一段缩进的代码"),
        (r"^unexpected indent", "多余的缩进"),
        (r"^unindent does not match", "缩进与上文对不齐"),
        (r"^inconsistent use of tabs and spaces", "缩进混用了制表符和空格"),
        (r"^Missing parentheses in call to '(\w+)'", "调用 {0} 要加括号，如 {0}(…)"),
        (r"^unexpected character after line continuation", "续行符 \\ 后面不能再写字符"),
        (r"^f-string", "f-string 的写法不对"),
        (
            r"^cannot assign to (literal|function call|expression|comparison"
            r"|conditional expression)",
            "不能给{0}赋值",
        ),
        (r"^'(\w+)' outside (function|loop)", "{0} 只能写在{1}里"),
        (r"^expected 'except' or 'finally' block", "try 后面缺少 except 或 finally"),
        (r"^(positional argument follows keyword argument)", "位置参数不能写在关键字参数后面"),
    )
)
_WHAT = {
    "function": "函数",
    "loop": "循环",
    "literal": "常量",
    "function call": "函数调用",
    "expression": "表达式",
    "comparison": "比较",
    "conditional expression": "条件表达式",
}


def syntax_message(text: str) -> str:
    """Python's syntax error ``text`` (``SyntaxError.msg``) in Chinese."""
    for pattern, chinese in _MESSAGES:
        found = pattern.search(text.strip())
        if found:
            return chinese.format(*(_WHAT.get(g, g) for g in found.groups()))
    return _GENERAL


def syntax_error(lineno: int | None, offset: int | None, text: str) -> str:
    """``第 2 行：语法错误（第 5 列）：括号「(」没有闭合``: the position as Python gave it."""
    column = f"（第 {offset} 列）" if offset else ""
    message = f"语法错误{column}：{syntax_message(text)}"
    return f"第 {lineno} 行：{message}" if lineno else message
