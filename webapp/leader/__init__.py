"""包案领导: the cases a leader answers for (我包案的案件)."""

from .views import bp

__all__ = ["bp"]
