"""Routes of the intake blueprint; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/intake")
