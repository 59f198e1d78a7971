"""Routes of the admin blueprint; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
