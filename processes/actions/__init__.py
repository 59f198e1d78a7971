"""The service-task actions the shipped diagrams call, registered by name."""

from __future__ import annotations

from engine import OperatorRegistry

from . import (
    callback,
    case,
    confirmation,
    handoff,
    hotline,
    mediation,
    petition,
    risk,
    supervision,
    whistle,
)

MODULES = (
    case,
    supervision,
    callback,
    handoff,
    hotline,
    whistle,
    mediation,
    petition,
    confirmation,
    risk,
)


def register_actions(registry: OperatorRegistry) -> OperatorRegistry:
    """Register every action of every module; returns ``registry``."""
    for module in MODULES:
        module.actions.register(registry)
    return registry
