"""One ``engine.Engine`` per application (with the domain's actions and helpers), built on
first use.

Each gunicorn worker and the scheduler process build their own app, hence their own
engine and connection pool; nothing is shared across a fork.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app
from sqlalchemy.orm import sessionmaker

from engine import Engine
from engine.db import STEPS_BIND, db
from processes.engine_factory import build_engine

EXTENSION_KEY = "zongzhi.engine"
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Reserve the slot; the engine itself is built lazily by ``current_engine``."""
    app.extensions.setdefault(EXTENSION_KEY, None)


def current_engine() -> Engine:
    """The engine of the current application (needs an app context).

    ``ZONGZHI_CLOCK`` in the app's config injects a clock (tests use ``ManualClock``).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    bound = app.extensions.get(EXTENSION_KEY)
    if bound is None:
        with _lock:
            bound = app.extensions.get(EXTENSION_KEY)
            if bound is None:
                bound = app.extensions[EXTENSION_KEY] = _build(app)
    return bound


def _build(app: Flask) -> Engine:
    return build_engine(
        *session_factories(),
        clock=app.config.get("ZONGZHI_CLOCK"),
        budget=app.config.get("ZONGZHI_SCRIPT_BUDGET"),
        timer_retry=app.config.get("ZONGZHI_TIMER_RETRY"),
    )


def session_factories() -> tuple[sessionmaker, sessionmaker]:
    """Sessions for reading, and for the engine's units of work (their own pool on
    PostgreSQL, ``webapp.config.with_steps_bind``); needs an app context."""
    reads = sessionmaker(bind=db.engine, expire_on_commit=False)
    steps = db.engines.get(STEPS_BIND)
    if steps is None:
        return reads, reads
    return reads, sessionmaker(bind=steps, expire_on_commit=False)
