"""What a person reads on a page, and the internal names that must never be among it.

The text of the page's elements, scripts, styles, attributes and the auditors' explicit
「技术信息」 sections (``<details class="tech-info">``) left out; the internal names: snake_case
identifiers (process variables, element and flow ids, event types), the one-word keys the
label tables know (``routed``) and values that are keys (``court``; a login name such as
``window.clerk`` is a person's, not caught), file names of the process library
(``triage.dmn``) and the engine's own actors.
"""

from __future__ import annotations

import re
from html import unescape

from processes.variable_labels import VARIABLE_LABELS
from webapp.audit.labels import AUDIT_DATA_LABELS
from webapp.cases.labels import DATA_LABELS

ONE_WORD = sorted(
    {
        key
        for table in (DATA_LABELS, AUDIT_DATA_LABELS, VARIABLE_LABELS)
        for key in table
        if "_" not in key
    }
    | {"court", "police", "petition", "labour"}  # the hand-offs' rule prefixes
)
"""Internal names of one word: the data keys and variables the label tables name, and
values that are keys themselves."""
INTERNAL = re.compile(
    r"\b[a-z]+_[a-z_]+\b"  # snake_case: variables, element and flow ids, event types
    r"|\b\w+\.(?:dmn|bpmn)\b"  # the library's files
    r"|\bsystem:\w+"  # the engine's own actors
    r"|(?<![\w.@:/-])(?:" + "|".join(ONE_WORD) + r")(?![\w.@:/-])"
)
_DROPPED = re.compile(
    r"<(script|style|template)\b.*?</\1>"
    r'|<details class="tech-info".*?</details>'
    r"|<!--.*?-->",
    re.S,
)


def visible_text(html: str) -> str:
    """The page's text as it shows, tags and attributes removed, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", _DROPPED.sub(" ", html))
    return re.sub(r"\s+", " ", unescape(text)).strip()


def internal_names(html: str) -> list[str]:
    """Every internal name the page shows a person, each with a little of its context."""
    text = visible_text(html)
    return [
        f"{match.group(0)} (…{text[max(0, match.start() - 30) : match.end() + 30]}…)"
        for match in INTERNAL.finditer(text)
    ]
