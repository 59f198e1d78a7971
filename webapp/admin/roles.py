"""The roles as the admin pages offer them: each role's Chinese name and what it is for.

The meanings say in Chinese what the docstrings of ``processes.roles.Role`` say.
"""

from __future__ import annotations

from dataclasses import dataclass

from processes.roles import Role

MEANINGS: dict[Role, str] = {
    Role.GRID_WORKER: "村（社区）网格的第一响应人：上报矛盾纠纷，就地化解小事。",
    Role.VILLAGE_MEDIATION: "村调解委员会：四级调处的第二级。",
    Role.TOWNSHIP_CENTER: "乡镇综治中心工作人员：窗口受理、分流派单、组织调解。",
    Role.TOWNSHIP_LEADERSHIP: "镇党委、政府：四级调处的最后一级。",
    Role.COUNTY_CENTER: "县综治中心工作人员：三调对接、中心吹哨、督办与研判。",
    Role.MEDIATOR: "受指派调解案件的调解员，如法院委派的诉前调解。",
    Role.DEPARTMENT: "部门联络人（法院、公安、信访局、司法所、人社等），被召集时报到。",
    Role.CASE_LEADER: "包案领导：负责高风险或吹哨案件。",
    Role.SUPERVISOR: "督办员：催办超期和临期工作，出具督办提示单。",
    Role.PROCESS_DESIGNER: "编辑、校验并部署流程图、决策表和表单。",
    Role.AUDITOR: "查阅每个案件的全部记录，核验记录未被篡改。",
    Role.ADMIN: "管理用户、角色、区划和参考数据；代他人操作时留痕。",
}


@dataclass(frozen=True)
class RoleChoice:
    value: str
    """The Chinese name, which is also the stored value."""
    meaning: str
    field_id: str


def role_choices() -> list[RoleChoice]:
    """Every role in the enum's order, for the checkboxes of the user form."""
    return [RoleChoice(role.value, MEANINGS[role], f"role-{role.name.lower()}") for role in Role]
