"""Routes of the lookup blueprint; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lookup", __name__, url_prefix="/chaxun")
