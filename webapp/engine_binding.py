"""One ``engine.Engine`` per application, built on first use.

Each gunicorn worker and the scheduler process build their own app, hence their own
engine and connection pool; nothing is shared across a fork.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from flask import Flask, current_app
from sqlalchemy.orm import sessionmaker

from engine.db import db

if TYPE_CHECKING:
    from engine import Engine

EXTENSION_KEY = "zongzhi.engine"
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Reserve the slot; the engine itself is built lazily by ``current_engine``."""
    app.extensions.setdefault(EXTENSION_KEY, None)


def current_engine() -> Engine:
    """The engine of the current application (needs an app context)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    engine = app.extensions.get(EXTENSION_KEY)
    if engine is None:
        with _lock:
            engine = app.extensions.get(EXTENSION_KEY)
            if engine is None:
                engine = app.extensions[EXTENSION_KEY] = _build(app)
    return engine


def _build(app: Flask) -> Engine:
    from engine import Engine  # on first use, so importing webapp stays cheap

    return Engine(
        session_factory=sessionmaker(bind=db.engine),
        clock=app.config.get("ZONGZHI_CLOCK"),
    )
