"""Routes of the cases blueprint; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")
