"""The auditor's blueprint; its routes are in the sibling modules."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")
