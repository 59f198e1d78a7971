"""Routes of the supervision blueprint; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
