"""系统管理: users, roles, regions, departments and reference data."""

from . import calendar_views, reference_views, rule_views, user_views  # noqa: F401 (routes)
from .views import bp

__all__ = ["bp"]
