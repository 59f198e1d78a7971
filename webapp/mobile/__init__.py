"""移动端 (``/m/``): the installable phone app for 网格员 and caseworkers on the move.

Pages are shells that never hold per-request data (so the service worker may keep them
for offline use); what they show comes from ``/m/api/…`` as JSON, read with the login
session and written with the CSRF token ``/m/api/session`` hands out.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mobile", __name__, url_prefix="/m")

from . import api, pages  # noqa: E402,F401  (register the routes)
