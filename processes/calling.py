"""Tasks whose holder must telephone a party, and so may see the party's phone in full.

Everywhere else a phone is masked (139****5678). The person who must call back a citizen
cannot work from that, so these task forms offer 显示完整号码: the holder of such a task
reveals the number on the task page, and each reveal is logged as the case page's
显示完整信息 is (``personal_data_viewed``). Which forms qualify is this set, by form key
(the ``formJsonSchemaFilename`` a diagram's user task names): a designer who adds a
calling task to a diagram reuses one of these forms or adds its key here.
"""

from __future__ import annotations

CALLING_FORMS: frozenset[str] = frozenset(
    {
        "callback/call.schema.json",
        # 电话回访 (callback.bpmn ``call_back``): the evaluation is asked by phone.
        "callback/recheck.schema.json",
        # 回访复核 (``recheck``): a second call after closing, to catch a rebound.
        "hotline/reply.schema.json",
        # 答复12345工单 and its 退回再办 rounds (hotline.bpmn): the handler calls the citizen
        # before replying.
        "handoff/contact.schema.json",
        # 联系对方当事人 (mediation.bpmn ``contact_party``): the mediator asks the other
        # party, within 3 working days, whether it consents to mediation.
    }
)


def must_call(form_key: str | None) -> bool:
    """Whether the holder of a task with this form must telephone a party."""
    return form_key in CALLING_FORMS
