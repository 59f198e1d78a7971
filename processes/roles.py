"""The login roles the software knows; BPMN lanes are named by their values."""

from enum import StrEnum


class Role(StrEnum):
    """A login role. The value is the Chinese name used in lanes, forms and the UI."""

    GRID_WORKER = "网格员"
    """Grid worker (网格员): village-level first responder who reports and settles small matters."""
    VILLAGE_MEDIATION = "村调委会"
    """Village mediation committee (村调解委员会): second level of the 四级 ladder."""
    TOWNSHIP_CENTER = "镇综治中心"
    """Township center caseworker (乡镇综治中心): intake window, dispatch, mediation."""
    TOWNSHIP_LEADERSHIP = "镇党委政府"
    """Township Party committee and government (镇党委、政府): last level of the ladder."""
    COUNTY_CENTER = "县综治中心"
    """County center caseworker (县综治中心): 三调 hand-offs, 中心吹哨, supervision, analysis."""
    MEDIATOR = "调解员"
    """Mediator (调解员) assigned to mediate a case, e.g. a court-referred 诉前调解."""
    DEPARTMENT = "部门"
    """A department's liaison (部门): 法院, 公安, 信访局, 司法所, 人社 …; summoned to 报到."""
    CASE_LEADER = "包案领导"
    """Leader in charge of a case (包案领导): owns high-risk or whistle-blown cases."""
    SUPERVISOR = "督办员"
    """Supervisor (督办员): chases overdue and near-due work, issues 督办提示单."""
    PROCESS_DESIGNER = "流程设计"
    """Process designer (流程设计): edits, validates and deploys diagrams, tables and forms."""
    AUDITOR = "审计"
    """Auditor (审计): reads every case's history and verifies the record is unaltered."""
    ADMIN = "管理员"
    """Administrator (管理员): manages users and roles and acts on others' behalf (logged)."""
