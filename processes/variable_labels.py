"""Chinese words for the process variables the shipped diagrams set by themselves: in
scripts, as the result of an action (``resultVariable``) or a decision table's output.

A variable a form sets reads as that form field's title (from the deployed schema); the
ones here are what no form names. A variable in neither (an id, a loop counter, a rule
prefix, a record an action hands back) is technical: no one's main text shows it; the
auditor's pages list it, key and value, under 「技术信息」. A designer adding a variable a
person should read adds it here.
"""

from __future__ import annotations

VARIABLE_LABELS: dict[str, str] = {
    # start data and routing (case_main.bpmn, triage.dmn)
    "registered": "登记赋码",
    "risk_set": "确认的风险等级",
    "route_reason": "分流理由",
    "start_level": "起始化解层级",
    "routed": "分流结果",
    "leader_set": "登记的包案领导",
    "resolved": "化解登记",
    "resolved_result": "化解结果",
    "guided": "引导结果",
    "guide_reason": "引导理由",
    "closed": "结案登记",
    "overdue_marked": "超期标记",
    # 四级七天 (ladder.bpmn)
    "ladder_due": "七日闭环时限",
    "ladder_result": "四级化解结果",
    "level_due": "本级办理时限",
    "level_warn": "本级临期提醒时间",
    "current_level": "当前办理层级",
    "handover_note": "交接说明",
    # 中心吹哨 (whistle.bpmn)
    "whistle_due": "办结时限",
    "whistle_latest": "最迟办结时限",
    "whistle_result": "吹哨办理结果",
    "ack_due": "部门报到时限",
    "deadline_extended": "办结时限顺延",
    # 督办 (supervise.bpmn and its callers)
    "supervise_content": "督办内容",
    "supervise_due": "督办时限",
    "supervise_reason": "督办事由",
    "supervise_target": "督办对象",
    # 回访 (callback.bpmn)
    "evaluation_recorded": "回访评价",
    "redo_due": "重新办理时限",
    # 三调, 调解, 信访 (handoff, mediation, confirmation)
    "handoff_received_at": "推送时间",
    "handoff_result": "对接结果",
    "receipt_due": "签收时限",
    "receipt_level": "签收单位",
    "objection_due": "异议期限",
    "assign_due": "指派调解员时限",
    "accept_due": "调解员确认时限",
    "contact_due": "联系对方当事人时限",
    "mediation_due": "调解期限",
    "mediation_outcome": "调解结果",
    "mediation_notice": "调解期限说明",
    "mediator_level": "调解承办",
    "mediator": "调解员",
    "decline_note": "未接受委派说明",
    "remedies": "告知的救济途径",
    "remedies_told": "已告知救济途径",
    "return_outcome": "退回结果",
    "return_reason": "退回理由",
    "returned_reason": "退回理由",
    "agreement_at": "调解协议生效日期",
    "confirmation_due": "司法确认申请期限",
    "confirmation_reminder": "司法确认提醒人",
    "confirmation_status": "司法确认提醒结果",
    "petition_notice_due": "书面告知期限",
    "petition_conclude_due": "信访办结期限",
    "petition_conclude_warn": "信访临期提醒时间",
    "petition_extended_days": "信访累计延长天数",
    "conclude_notice": "延期说明",
    # 12345 (hotline.bpmn)
    "hotline_due": "答复时限",
    "hotline_warn": "答复临期提醒时间",
    "hotline_escalated": "已转县综治中心答复",
    "reply_lane": "原承办层级",
    "verdict_due": "等待回访结果期限",
    # 风险 (risk_raise.dmn, risk_alert.bpmn)
    "raise_to": "上调为",
}
