"""Rate limits for public pages (Flask-Limiter), keyed by the client's address.

The counters live in ``ZONGZHI_RATELIMIT_STORAGE_URL``: ``memory://`` by default (one
process), ``redis://host:6379`` when several workers must share them.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["ZONGZHI_RATELIMIT_STORAGE_URL"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
