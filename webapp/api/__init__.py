"""The hand-off API for outside systems (court, police, petition office, 12345).

Bearer-token JSON under ``/api/v1``, described by ``/api/openapi.json``. No cookies, no
login session, so CSRF protection does not apply to it.
"""

from __future__ import annotations

from flask import Flask

from .views import bp


def init_app(app: Flask) -> None:
    """Register the API blueprint, exempt from the site's CSRF protection."""
    app.register_blueprint(bp)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)
