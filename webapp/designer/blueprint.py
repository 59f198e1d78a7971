"""The designer's blueprint; its routes are in the sibling modules."""

from flask import Blueprint

bp = Blueprint("designer", __name__, url_prefix="/designer")
