"""Chinese words for the auditor's pages: every event type the history may hold."""

from __future__ import annotations

from engine.enums import EventType

from ..accounts.stand_ins import STAND_IN_CLEARED, STAND_IN_SET
from ..cases.labels import EVENT_LABELS

HISTORY_VERIFIED = "history_verified"
"""Operation-log event: a user verified the hash chain (data: scope, case, ok, checked,
first_bad_seq)."""
HISTORY_EXPORTED = "history_exported"
"""Operation-log event: a user exported a history search (data: format, filters, full)."""

AUDIT_EVENT_LABELS: dict[str, str] = {
    **EVENT_LABELS,
    EventType.VERSION_DEPLOYED: "部署流程版本",
    EventType.USER_CHANGED: "账号变更",
    "instance_migrated": "流程实例迁移",
    "reference_changed": "基础数据变更",
    "deadline_rule_changed": "时限规则变更",
    "calendar_changed": "节假日调整",
    "calendar_year_imported": "导入全年放假安排",
    "sender_changed": "对接单位变更",
    "report_issued": "生成统计报表",
    "risk_alert_judged": "研判风险预警",
    "risk_alert_assigned": "风险预警交办乡镇",
    "court_filing_changed": "法院收案数录入",
    "unit_changed": "单位变更",
    "roster_changed": "调解员名册变更",
    "station_changed": "部门进驻变更",
    "duty_changed": "值班安排变更",
    STAND_IN_SET: "设置代办人",
    STAND_IN_CLEARED: "取消代办人",
    HISTORY_VERIFIED: "校验哈希链",
    HISTORY_EXPORTED: "导出执行历史",
}


def event_label(event_type: str) -> str:
    return AUDIT_EVENT_LABELS.get(event_type, event_type)


AUDIT_DATA_LABELS: dict[str, str] = {
    "scope": "范围",
    "ok": "链条完整",
    "checked": "已校验条数",
    "first_bad_seq": "首个异常序号",
    "format": "格式",
    "filters": "查询条件",
    "full": "含个人信息",
    "hash": "内容哈希",
    "processes": "流程",
    "files": "文件",
    "action": "操作",
    "username": "用户名",
    "snapshot_id": "报表编号",
    "alert_id": "预警编号",
    "content_hash": "内容哈希",
    "month": "月份",
    "region": "区域",
    "region_code": "区域代码",
    "first": "开始日期",
    "last": "结束日期",
    "scheduled": "定时生成",
    "before": "原值",
    "after": "新值",
    "year": "年份",
    "changed_days": "变化天数",
    "display_name": "姓名",
    "roles": "角色",
    "department_code": "部门代码",
    "unit": "单位",
    "unit_code": "单位代码",
    "unit_name": "单位名称",
    "parent_code": "上级代码",
    "active": "启用",
    "entry_id": "名册编号",
    "person": "姓名",
    "skills": "擅长纠纷类型",
    "station_id": "驻点编号",
    "mode": "进驻方式",
    "liaison": "默认值班人",
    "day": "日期",
    "stand_in": "代办人",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "failures": "连续失败次数",
    "address": "来源地址",
    "locked_until": "锁定至",
}
"""Words for the data keys of the operation log (verify, export, deploy, accounts, units,
roster, stations and rota), at the top level and inside ``before``/``after``."""
