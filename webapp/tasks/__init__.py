"""我的待办: the work list and task forms."""

from .views import bp

__all__ = ["bp"]
