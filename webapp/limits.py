"""Rate limits (Flask-Limiter), keyed by the client's address unless a limit says
otherwise (a case code, a login name).

The counters live in ``ZONGZHI_RATELIMIT_STORAGE_URL``: by default (``database``) the
application's own database, shared by every web worker and machine that uses it
(``webapp.throttle.storage``); ``redis://host:6379`` puts them in Redis instead;
``memory://`` keeps them per process (tests, a single worker).
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .throttle import storage

limiter = Limiter(key_func=get_remote_address, default_limits=[])

DATABASE = "database"
"""The storage setting that means the application's own database."""


def storage_uri(setting: str) -> str:
    """The ``limits`` storage URI of a ``ZONGZHI_RATELIMIT_STORAGE_URL`` value."""
    value = setting.strip()
    return storage.URI if value in ("", DATABASE) else value


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", storage_uri(app.config["ZONGZHI_RATELIMIT_STORAGE_URL"])
    )
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
