"""系统管理: users, roles, regions, departments and reference data."""

from .views import bp

__all__ = ["bp"]
