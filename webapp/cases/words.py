"""How a data key reads, everywhere people see history or process data: the one place that
decides, so the timeline, the replay, the audit and the task page never disagree.

In order: the title of the field in the task's own form, the page's own words (e.g. the
operation log's), the history's words for event data, the process variables' table
(``processes.variable_labels``), then the title of the field in any form of the versions
the data comes from (a variable some other form set). A key none of them names is
technical: never shown by its raw name in the main text; the auditor's pages list it,
key and value, under 「技术信息」, and caseworkers' pages leave it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.instances import FormCache
from processes.variable_labels import VARIABLE_LABELS

from .labels import DATA_LABELS, HIDDEN_KEYS

_NONE: Mapping[str, str] = {}


def shown(key: str, value: Any) -> bool:
    """Whether a data entry is worth a line at all (ids and actors never, nor empties)."""
    return key not in HIDDEN_KEYS and value not in ("", None, [], {})


def _title(key: str, titles: Mapping[str, str]) -> str | None:
    title = titles.get(key)
    return title if title and title != key else None


class DataWords:
    """The labels of one page's data: the forms' titles of the versions it shows."""

    def __init__(
        self, version_titles: Mapping[str, str] = _NONE, words: Mapping[str, str] = _NONE
    ) -> None:
        self.version_titles, self.words = version_titles, words

    @classmethod
    def of_versions(
        cls,
        session: Session,
        forms: FormCache,
        version_ids: Iterable[int | None],
        words: Mapping[str, str] = _NONE,
    ) -> DataWords:
        """The titles of every form of ``version_ids`` (a newer version's title first)."""
        titles: dict[str, str] = {}
        for version_id in sorted({v for v in version_ids if v is not None}, reverse=True):
            for key, title in forms.field_titles(session, version_id).items():
                titles.setdefault(key, title)
        return cls(titles, words)

    def label(self, key: str, titles: Mapping[str, str] = _NONE) -> str | None:
        """The Chinese label of ``key`` (``titles``: the task's own form), None when the
        key is technical."""
        return (
            _title(key, titles)
            or self.words.get(key)
            or DATA_LABELS.get(key)
            or VARIABLE_LABELS.get(key)
            or _title(key, self.version_titles)
        )

    def technical(
        self, data: Mapping[str, Any], titles: Mapping[str, str] = _NONE
    ) -> list[tuple[str, Any]]:
        """(key, value) of the entries no label names: an auditor's 「技术信息」 only."""
        return [
            (key, value)
            for key, value in data.items()
            if shown(key, value) and self.label(key, titles) is None
        ]


PLAIN = DataWords()
"""Labels without any form's titles (the history's and the variables' tables only)."""
