"""What the modeler page's properties panel offers: the version's forms, the registered
service-task operators, the script helpers a timer may call, the lane roles."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from engine import Engine, SourceFile
from processes.helpers import SCRIPT_HELPERS
from processes.roles import Role

from ..security import CASEWORKERS

HELPER_HINTS: Mapping[str, str] = {
    "deadline": "按时限规则计算到期时间（工作日规则跳过节假日；红色案件用更短时限）",
    "warn_time": "按时限规则计算临期预警时间",
    "working_days": "n 个工作日后（最后一个工作日的 23:59:59）",
    "calendar_days": "n 个自然日后，遇节假日顺延到下一个工作日",
    "hours": "n 小时后",
    "minutes": "n 分钟后（试运行用；正式时限请用时限规则）",
    "seconds": "n 秒后（试运行用；正式时限请用时限规则）",
    "before": "到期时间之前若干小时（不早于现在）",
    "shift": "暂停后恢复计时：到期时间顺延暂停的时长",
    "extend_due": "到期时间延长 n 个单位（自然日/工作日/小时）",
    "now_iso": "当前时间",
    "cycle": "循环定时器：按规则时长重复 times 次（如 R5/P3D）",
    "rule_days": "时限规则的天数（红色案件取更短时限）",
}
"""Chinese one-liners for the helpers in ``processes.helpers``; others show their docstring."""
BUILTIN_HELPERS: tuple[dict[str, str], ...] = (
    {
        "name": "duration",
        "signature": "duration(days=0, hours=0, minutes=0, weeks=0)",
        "hint": '生成 ISO 8601 时长，如 duration(days=3) 即 "P3D"',
    },
)


def _helper_entry(name: str, func: Callable[..., Any]) -> dict[str, str]:
    doc = (inspect.getdoc(func) or "").split("\n", 1)[0]
    return {
        "name": name,
        "signature": f"{name}{inspect.signature(func)}".replace("'", '"'),
        "hint": HELPER_HINTS.get(name, doc),
    }


def helpers() -> list[dict[str, str]]:
    """Script helpers a timer or condition may call, with their signatures and a hint."""
    return [*BUILTIN_HELPERS, *(_helper_entry(n, f) for n, f in sorted(SCRIPT_HELPERS.items()))]


def operators(engine: Engine) -> list[dict[str, Any]]:
    """Registered service-task operators: name, description, declared parameters."""
    found = []
    for name in engine.operators.names():
        operator = engine.operators.get(name)
        found.append(
            {
                "name": name,
                "description": operator.description,
                "params": dict(operator.params or {}),
            }
        )
    return found


def lane_roles() -> list[str]:
    """Role names a lane may carry (the roles that receive tasks), in the Role order."""
    return [role.value for role in Role if role in CASEWORKERS]


def panel_config(engine: Engine, files: list[SourceFile]) -> dict[str, Any]:
    """The panel's choices for one version's files."""
    return {
        "forms": sorted(f.name for f in files if f.kind == "form"),
        "diagrams": sorted(f.name for f in files if f.kind == "bpmn"),
        "operators": operators(engine),
        "helpers": helpers(),
        "roles": lane_roles(),
    }
