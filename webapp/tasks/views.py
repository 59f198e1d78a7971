"""Routes of the tasks blueprint; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
