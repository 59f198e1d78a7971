"""Form schemas of deployed versions, cached per process: versions are immutable."""

from __future__ import annotations

import json
import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import VersionFile


class FormCache:
    """Form schemas per (version, form key); versions are immutable so entries never go stale."""

    def __init__(self) -> None:
        self._items: dict[tuple[int, str], dict[str, Any]] = {}
        self._titles: dict[int, dict[str, str]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int, key: str) -> dict[str, Any] | None:
        with self._lock:
            if (version_id, key) in self._items:
                return self._items[(version_id, key)]
        content = session.execute(
            select(VersionFile.content).where(
                VersionFile.version_id == version_id, VersionFile.name == key
            )
        ).scalar()
        schema = json.loads(content) if content is not None else None
        with self._lock:
            self._items[(version_id, key)] = schema
        return schema

    def field_titles(self, session: Session, version_id: int) -> dict[str, str]:
        """Field name → title over every form of a version (the first form, by file name,
        that titles a field wins): how a variable some form set reads anywhere."""
        with self._lock:
            if version_id in self._titles:
                return self._titles[version_id]
        titles: dict[str, str] = {}
        files = session.execute(
            select(VersionFile.content)
            .where(VersionFile.version_id == version_id, VersionFile.kind == "form")
            .order_by(VersionFile.name)
        ).scalars()
        for content in files:
            properties = (json.loads(content) or {}).get("properties") or {}
            for name, spec in properties.items():
                if isinstance(spec, dict) and spec.get("title"):
                    titles.setdefault(name, spec["title"])
        with self._lock:
            self._titles[version_id] = titles
        return titles
