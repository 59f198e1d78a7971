"""Parse diagram XML as untrusted input: no DTDs, no entities, no network.

BPMN and DMN files never need a document type declaration, so any file that carries
one is rejected outright. That stops entity-expansion bombs ("billion laughs") and
external entities (XXE) before any expansion or fetch can happen.
"""

from __future__ import annotations

from lxml import etree

from .errors import UnsafeXml

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_blank_text": False,
}


SYNTAX_TEXTS = (
    ("Invalid bytes in character encoding", "文件的实际编码与声明的不符，请另存为 UTF-8"),
    ("Document is empty", "文件是空的"),
    ("Start tag expected", "文件开头不是 XML 元素"),
    ("Opening and ending tag mismatch", "开始标签与结束标签不匹配"),
    ("Premature end of data", "文件不完整（可能被截断）"),
    ("EndTag: '</' not found", "文件不完整（可能被截断）"),
    ("Extra content at the end of the document", "根元素结束后还有多余的内容"),
)
"""libxml2's commonest syntax errors in Chinese; any other keeps its text after the lead."""


def _syntax(message: str) -> str:
    for english, chinese in SYNTAX_TEXTS:
        if message.startswith(english):
            return chinese
    return message


def parse_xml(content: bytes, filename: str) -> etree._Element:
    """Return the root element of ``content``; raise ``UnsafeXml`` if it is unsafe or broken."""
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
            raise UnsafeXml(filename, "含有 DOCTYPE/实体声明，出于安全原因拒绝") from None
        raise UnsafeXml(
            filename, f"不是合法的 XML（第 {error.lineno} 行）：{_syntax(error.msg)}"
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXml(
            filename, "含有 DOCTYPE/实体声明（可能是实体膨胀或外部实体攻击），出于安全原因拒绝"
        )
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise UnsafeXml(filename, "含有未展开的实体引用，出于安全原因拒绝")
    return root
