"""督办: the supervision board and chase records."""

from .views import bp

__all__ = ["bp"]
