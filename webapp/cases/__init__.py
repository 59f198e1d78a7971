"""一案一码: the case list and the case page (timeline, diagram, documents)."""

from .views import bp

__all__ = ["bp"]
