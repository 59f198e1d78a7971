"""Chinese words for what the history records: event types and the keys of their data."""

from __future__ import annotations

PERSONAL_DATA_VIEWED = "personal_data_viewed"
"""Operation-log event: a user revealed a case's parties in full (data: case_id, user)."""

CASE_OPERATIONS = frozenset(
    {
        PERSONAL_DATA_VIEWED,
        "case_chased",
        "intake_duplicate_overridden",
        "case_risk_changed",
        "case_leader_set",
        "attachment_added",
    }
)
"""Operation-log events about one case (``case_id`` in their data); some are written
without an instance, so the timeline also looks them up by ``case_id``."""

EVENT_LABELS: dict[str, str] = {
    # engine
    "instance_started": "流程启动",
    "instance_completed": "流程结束",
    "instance_cancelled": "流程取消",
    "task_ready": "生成待办",
    "task_claimed": "认领任务",
    "task_unclaimed": "交回任务",
    "task_assigned": "改派任务",
    "task_completed": "完成任务",
    "task_cancelled": "任务撤销",
    "timer_fired": "时限到达",
    "timer_parked": "定时器故障，已暂停",
    "timer_retried": "故障定时器重新触发",
    "deadlines_retimed": "按新日历重新计算期限",
    "message_received": "收到消息",
    "variables_set": "更新流程数据",
    "service_task_passed": "服务任务直接通过（没有指定服务操作，未调用任何服务）",
    "send_task_passed": "发送任务直接通过（没有指定消息，未发送任何消息）",
    "receive_task_passed": "接收任务直接通过（没有指定消息，未等待任何消息）",
    "business_rule_task_passed": "业务规则任务直接通过（没有指定决策表，未执行任何决策）",
    "data_store_written": "写入数据存储",
    # the case
    "case_registered": "登记赋码",
    "case_routed": "确定分流去向",
    "case_level_changed": "交由层级办理",
    "case_overdue": "标记超期",
    "case_resolved": "案件化解",
    "case_guided": "引导至其他途径",
    "case_returned": "退回来源单位",
    "case_closed": "结案",
    "case_risk_changed": "调整风险等级",
    "case_leader_set": "指定包案领导",
    "case_four_fixed": "四定",
    "case_called_back": "回访",
    # 督办, 吹哨, 调解, 三调
    "supervision_issued": "开具督办记录",
    "supervision_chased": "督办催办",
    "case_chased": "督办催办（督办台）",
    "departments_summoned": "吹哨召集部门",
    "department_acknowledged": "部门报到",
    "department_chased": "催促部门报到",
    "deadline_extension_requested": "申请延长办结时限",
    "deadline_extended": "批准延长办结时限",
    "deadline_extension_refused": "不同意延长办结时限",
    "mediation_received": "签收调解",
    "mediation_step_due": "设定办理时限",
    "mediation_assigned": "指派调解员",
    "mediation_declined": "调解员未接受委派",
    "mediation_accepted": "调解员接受委派",
    "mediation_extended": "延长调解期限",
    "mediation_extension_refused": "延期申请未获准许",
    "mediation_pause_refused": "不予暂停调解期限",
    "mediation_paused": "暂停调解期限（鉴定/评估）",
    "mediation_resumed": "恢复调解期限",
    "mediation_concluded": "调解结束",
    "confirmation_due_set": "司法确认提醒",
    "confirmation_recorded": "登记司法确认提醒结果",
    "petition_clocks_set": "设定信访时限",
    "petition_extension_requested": "申请信访事项延期办结",
    "petition_conclusion_extended": "延长信访办结期限",
    "petition_extension_refused": "信访延期未获批准",
    "handoff_feedback_queued": "反馈来源单位",
    "handoff_verdict_received": "热线回访结果",
    # operation log
    PERSONAL_DATA_VIEWED: "查看当事人完整信息",
    "intake_duplicate_overridden": "重复提示后仍予登记",
    "attachment_added": "上传附件",
}

TASK_EVENTS = frozenset(
    {
        "task_ready",
        "task_claimed",
        "task_unclaimed",
        "task_assigned",
        "task_completed",
        "task_cancelled",
    }
)

DATA_LABELS: dict[str, str] = {
    "code": "案件编号",
    "channel": "来源渠道",
    "handoff": "三调类别",
    "dispute_type": "纠纷类型",
    "risk_colour": "风险等级",
    "collective": "群体性",
    "people_count": "涉及人数",
    "route": "分流去向",
    "reason": "原因",
    "from": "原",
    "to": "现",
    "due": "时限",
    "note": "说明",
    "result": "结果",
    "remedy": "引导途径",
    "evaluation": "评价",
    "leader": "包案领导",
    "lead_leader": "牵头领导",
    "responsible_unit": "责任单位",
    "responsible_person": "责任人",
    "longer_reason": "长于默认时限的理由",
    "kind": "类别",
    "target": "督办对象",
    "method": "方式",
    "departments": "部门",
    "department": "部门",
    "times": "催促次数",
    "mediator": "调解员",
    "mediator_entry": "调解员",
    "roster_id": "名册人员",
    "mediator_account": "调解员账号",
    "mediator_unit": "调解员所在单位",
    "rule": "时限规则",
    "days": "延长天数",
    "extended_days": "累计延长天数",
    "paused_seconds": "暂停时长（秒）",
    "outcome": "结果",
    "notice_due": "告知期限",
    "conclude_due": "办结期限",
    "message": "消息",
    "verdict": "回访结论",
    "verdict_id": "回访结果编号",
    "round": "答复轮次",
    "step": "步骤",
    "agreed_by": "同意延期的当事人",
    "silent": "逾期未确认",
    "status": "结果",
    "allowed": "提交审批",
    "open_cases": "在办案件",
    "timers": "重新设定的定时器",
    "timer": "定时器",
    "element": "流程元素",
    "element_name": "元素名称",
    "store": "数据存储",
    "value": "值",
    "implementation": "原写明的实现",
    "variables": "随之更新的流程变量",
    "deadlines": "重新计算的期限",
    "label": "期限",
    "records": "随之更新的案件记录",
    "trigger": "触发事件",
    "values": "新值",
    "old": "原值",
    "case_leader": "包案领导",
    "old_due": "原办结时限",
    "new_due": "新办结时限",
    "requested_by": "申请方",
    "approved_by": "批准人",
    "refused_by": "审批人",
    "request": "第几次申请",
    "task": "任务",
    "fields": "查看内容",
    "on_behalf_of": "代为办理（原办理人）",
    "assignee": "办理人",
    "candidate_users": "候选人",
    "candidate_units": "候选单位",
    "item": "办理对象",
    "attempts": "失败次数",
    "error": "错误",
    "sha256": "文件哈希（SHA-256）",
}

HIDDEN_KEYS = frozenset(
    {"case_id", "by", "user", "supervision_id", "mediation_id", "outbox_id", "payload"}
)
"""Data keys the timeline does not show (ids, and who acted: shown as the actor)."""

PERSONAL_KEYS = frozenset({"name", "phone", "id_number", "address", "parties"})
"""Data keys holding a party's personal data: always masked on the timeline."""

SYSTEM_ACTORS: dict[str, str] = {
    "system": "系统",
    "system:scheduler": "系统（时限到达自动处理）",
}
