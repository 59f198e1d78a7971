"""Outbox delivery: 2xx delivers, anything else retries with backoff until the last try,
polling-only senders are never attempted, a claimed message is not sent twice at once."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Mapping
from datetime import timedelta

import pytest
import requests

from engine.scheduler import PollJob, start_background
from processes.delivery import (
    MESSAGE_ID_HEADER,
    SIGNATURE_HEADER,
    Response,
    RetryPolicy,
    deliver_due,
)
from processes.handoff import create_sender
from processes.models import Case, HandoffInbound, OutboxMessage
from processes.outbox import enqueue_result

from .conftest import COUNTY, GRID

URL = "https://court.example/zongzhi/results"


class FakePost:
    """Answers with the given statuses in turn (an exception instance is raised)."""

    def __init__(self, *answers: int | Exception):
        self.answers = list(answers)
        self.calls: list[tuple[str, dict, dict[str, str], float]] = []

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float):
        self.calls.append((url, json.loads(body), dict(headers), timeout))
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, Exception):
            raise answer
        return Response(answer, "服务暂不可用" if answer >= 400 else "ok")


@pytest.fixture
def outbox(case_engine, regions, clock):
    """A court sender (with a callback URL), one pushed case and one result owed to it."""
    factory = case_engine.session_factory
    with factory() as session:
        sender, token = create_sender(
            session,
            code="court",
            name="甘州区人民法院",
            channel="诉调",
            region_code=COUNTY,
            callback_url=URL,
        )
        case = _case(session, sender.id, clock, "(2026)甘0702民诉前调1号")
        message = enqueue_result(
            session, case, kind="退回", payload={"reason": "拒绝调解"}, now=clock.now()
        )
        session.commit()
        return {"sender_id": sender.id, "token": token, "case_id": case.id, "id": message.id}


def _case(session, sender_id: int, clock, external_id: str) -> Case:
    case = Case(
        code=f"{COUNTY}-20260302-{sender_id:04d}",
        channel="诉调",
        source_ref=external_id,
        sender_id=sender_id,
        dispute_type="04",
        summary="买卖合同货款纠纷",
        region_code=GRID,
        risk_colour="绿",
        received_at=clock.now(),
        received_by="handoff:test",
    )
    session.add(case)
    session.flush()
    session.add(
        HandoffInbound(
            sender_id=sender_id, external_id=external_id, case_id=case.id, received_at=clock.now()
        )
    )
    return case


def _message(engine, message_id: int) -> OutboxMessage:
    with engine.session_factory() as session:
        return session.get(OutboxMessage, message_id)


def _deliver(engine, clock, post, **kwargs) -> int:
    return deliver_due(engine.session_factory, now=clock.now(), post=post, **kwargs)


def test_a_2xx_answer_delivers_a_signed_message(case_engine, clock, outbox):
    post = FakePost(204)
    assert _deliver(case_engine, clock, post) == 1
    ((url, body, headers, timeout),) = post.calls
    assert url == URL and timeout == RetryPolicy().timeout_seconds
    assert body["id"] == outbox["id"] and body["kind"] == "退回"
    assert body["external_id"] == "(2026)甘0702民诉前调1号"
    assert body["payload"]["reason"] == "拒绝调解" and "delivery_status" not in body
    assert headers[MESSAGE_ID_HEADER] == str(outbox["id"])

    key = hashlib.sha256(outbox["token"].encode()).hexdigest().encode()
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    assert headers[SIGNATURE_HEADER] == "sha256=" + hmac.new(key, raw, "sha256").hexdigest()

    message = _message(case_engine, outbox["id"])
    assert (message.status, message.attempts) == ("delivered", 1)
    assert message.delivered_at == clock.now() and message.next_attempt_at is None
    assert _deliver(case_engine, clock, FakePost()) == 0  # nothing left to send


def test_failures_back_off_exponentially_then_a_success_delivers(case_engine, clock, outbox):
    start = clock.now()
    post = FakePost(503, requests.ConnectionError("connection refused"), 200)

    assert _deliver(case_engine, clock, post) == 0
    message = _message(case_engine, outbox["id"])
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == start + timedelta(minutes=1)
    assert message.last_error.startswith("HTTP 503")

    assert _deliver(case_engine, clock, post) == 0  # not due yet: not attempted
    assert len(post.calls) == 1

    clock.set(start + timedelta(minutes=1))
    assert _deliver(case_engine, clock, post) == 0
    message = _message(case_engine, outbox["id"])
    assert message.attempts == 2
    assert message.next_attempt_at == clock.now() + timedelta(minutes=2)
    assert "ConnectionError" in message.last_error

    clock.set(clock.now() + timedelta(minutes=2))
    assert _deliver(case_engine, clock, post) == 1
    message = _message(case_engine, outbox["id"])
    assert (message.status, message.attempts, message.last_error) == ("delivered", 3, None)


def test_after_the_last_attempt_the_message_fails(case_engine, clock, outbox):
    policy = RetryPolicy(max_attempts=3)
    post = FakePost(500, 500, 500, 200)
    for _ in range(3):
        _deliver(case_engine, clock, post, policy=policy)
        clock.set(clock.now() + timedelta(hours=1))
    message = _message(case_engine, outbox["id"])
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 3, None)
    assert message.last_error.startswith("HTTP 500")
    assert _deliver(case_engine, clock, post, policy=policy) == 0
    assert len(post.calls) == 3


def test_the_backoff_is_capped():
    policy = RetryPolicy(base_delay=timedelta(minutes=1), max_delay=timedelta(hours=6))
    assert [policy.delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert policy.delay(20) == timedelta(hours=6)


def test_a_polling_only_sender_is_never_attempted(case_engine, clock, regions):
    with case_engine.session_factory() as session:
        sender, _ = create_sender(
            session, code="hotline", name="12345 热线", channel="12345", region_code=COUNTY
        )
        case = _case(session, sender.id, clock, "GZ20260302000123")
        message = enqueue_result(session, case, kind="回访", payload={}, now=clock.now())
        session.commit()
    post = FakePost()
    assert _deliver(case_engine, clock, post) == 0
    assert post.calls == []
    stored = _message(case_engine, message.id)
    assert (stored.status, stored.attempts) == ("pending", 0)


def test_a_message_being_sent_is_not_claimed_again(case_engine, clock, outbox):
    """While one scheduler waits for the sender's answer, another skips that message
    (its lease) and takes the next one."""
    with case_engine.session_factory() as session:
        case = session.get(Case, outbox["case_id"])
        second = enqueue_result(session, case, kind="回访", payload={}, now=clock.now()).id
        session.commit()
    nested: list[list[int]] = []

    def slow_post(url, body, headers, timeout):
        if not nested:
            inner = FakePost()
            nested.append([])
            deliver_due(case_engine.session_factory, now=clock.now(), post=inner)
            nested[0] = [call[1]["id"] for call in inner.calls]
        return Response(200)

    assert _deliver(case_engine, clock, slow_post) == 1
    assert nested == [[second]]
    assert _message(case_engine, outbox["id"]).status == "delivered"
    assert _message(case_engine, second).status == "delivered"


def test_the_limit_bounds_one_round(case_engine, clock, outbox):
    with case_engine.session_factory() as session:
        case = session.get(Case, outbox["case_id"])
        more = [
            enqueue_result(session, case, kind=f"进展{n}", payload={}, now=clock.now()).id
            for n in range(3)
        ]
        session.commit()
    post = FakePost()
    assert _deliver(case_engine, clock, post, limit=2) == 2
    assert [call[1]["id"] for call in post.calls] == [outbox["id"], more[0]]


def test_the_scheduler_runs_extra_poll_jobs_and_survives_their_errors(case_engine):
    ran = threading.Event()
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("第一次失败")
        ran.set()

    scheduler = start_background(
        case_engine, poll_seconds=3600, jobs=[PollJob("test-job", flaky, seconds=0.05)]
    )
    try:
        assert ran.wait(5)
    finally:
        scheduler.shutdown(wait=True)
