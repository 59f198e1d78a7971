"""Deploy: versions by content hash; every problem found before anything is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import Actor, DeployRejected
from engine.models import HistoryEvent, ProcessDefinition, ProcessVersion, VersionFile
from tests.conftest import BPMN_DIR, FORMS_DIR

from .diagrams import (
    script_task,
    sequence,
    service_task,
    timer_catch,
    user_task,
    write,
    write_form,
)

PLAIN_CASE = BPMN_DIR / "plain_case.bpmn"
CENTER = Actor.of("li", ["镇综治中心"])


def _count(engine, model) -> int:
    with engine.session_factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _reject(engine, paths, forms_dirs=()) -> DeployRejected:
    with pytest.raises(DeployRejected) as caught:
        engine.deploy(paths, actor="designer", forms_dirs=forms_dirs)
    return caught.value


def test_same_content_makes_no_new_version(engine):
    first = engine.deploy([PLAIN_CASE], actor="designer", forms_dirs=[FORMS_DIR])
    again = engine.deploy([PLAIN_CASE], actor="designer", forms_dirs=[FORMS_DIR])
    assert first.created and not again.created
    assert again.version_id == first.version_id and again.content_hash == first.content_hash
    assert _count(engine, ProcessVersion) == 1
    assert "plain_case" in first.process_ids


def test_version_stores_diagram_and_referenced_forms_and_one_spec(engine):
    result = engine.deploy([PLAIN_CASE], actor="designer", forms_dirs=[FORMS_DIR])
    with engine.session_factory() as session:
        names = set(session.execute(select(VersionFile.name)).scalars())
        spec_rows = session.execute(select(ProcessDefinition)).scalars().all()
    assert "plain_case.bpmn" in names
    assert "plain_case/intake.schema.json" in names
    assert [d.process_id for d in spec_rows] == result.process_ids
    deployed = engine.verify_history()
    assert deployed.ok and deployed.checked == 1


def test_changed_content_is_a_new_version_and_old_instances_stay(engine, tmp_path):
    forms = tmp_path / "forms"
    write_form(forms, "t/a.json")
    v1 = write(
        tmp_path / "v1", "p.bpmn", sequence("p", ("a", user_task("a", "第一步", form="t/a.json")))
    )
    v2 = write(
        tmp_path / "v2", "p.bpmn", sequence("p", ("b", user_task("b", "新第一步", form="t/a.json")))
    )
    first = engine.deploy([v1], actor="designer", forms_dirs=[forms])
    old = engine.start("p", actor=CENTER)
    second = engine.deploy([v2], actor="designer", forms_dirs=[forms])
    new = engine.start("p", actor=CENTER)
    assert second.created and second.version_id != first.version_id
    assert engine.instance(old).version_id == first.version_id
    assert engine.instance(new).version_id == second.version_id
    assert [t.spec_id for t in engine.tasks_of(old)] == ["a"]
    assert [t.spec_id for t in engine.tasks_of(new)] == ["b"]
    engine.complete(engine.tasks_of(old)[0].id, {"note": "旧版本继续"}, actor=CENTER)
    assert engine.instance(old).status == "completed"


def _assert_nothing_stored(engine, versions_before: int = 0) -> None:
    assert _count(engine, ProcessVersion) == versions_before
    assert _count(engine, HistoryEvent) == versions_before


def test_missing_form_is_named(engine, tmp_path):
    path = write(
        tmp_path, "p.bpmn", sequence("p", ("a", user_task("a", "登记", form="nope/x.json")))
    )
    error = _reject(engine, [path], [tmp_path / "forms"])
    [problem] = error.problems
    assert (problem.file, problem.element) == ("p.bpmn", "a")
    assert "nope/x.json" in problem.message and "不存在" in problem.message
    _assert_nothing_stored(engine)


def test_invalid_form_schema_is_named(engine, tmp_path):
    forms = tmp_path / "forms"
    write_form(forms, "t/bad.json", {"type": "object", "properties": {"x": {"type": "strnig"}}})
    path = write(
        tmp_path, "p.bpmn", sequence("p", ("a", user_task("a", "登记", form="t/bad.json")))
    )
    [problem] = _reject(engine, [path], [forms]).problems
    assert problem.element == "a" and "JSON Schema" in problem.message
    _assert_nothing_stored(engine)


def test_unregistered_operator_is_named(engine, tmp_path):
    path = write(tmp_path, "p.bpmn", sequence("p", ("call", service_task("call", "send_sms"))))
    [problem] = _reject(engine, [path]).problems
    assert problem.element == "call" and "send_sms" in problem.message


def test_registered_operator_deploys(engine, tmp_path):
    engine.operators.register("send_sms", lambda **params: {"sent": True})
    path = write(tmp_path, "p.bpmn", sequence("p", ("call", service_task("call", "send_sms"))))
    assert engine.deploy([path], actor="designer").created


def test_bad_timer_literal_is_named(engine, tmp_path):
    path = write(tmp_path, "p.bpmn", sequence("p", ("wait", timer_catch("wait", '"P2X"'))))
    [problem] = _reject(engine, [path]).problems
    assert problem.element == "wait" and "P2X" in problem.message


def test_every_problem_of_a_set_is_reported_at_once(engine, tmp_path):
    write(tmp_path, "a.bpmn", sequence("a", ("s", script_task("s", "import os"))))
    write(tmp_path, "b.bpmn", sequence("b", ("u", user_task("u", "登记", form="none.json"))))
    problems = _reject(engine, [tmp_path]).problems
    assert {(p.file, p.element) for p in problems} == {("a.bpmn", "s"), ("b.bpmn", "u")}


def test_schema_invalid_bpmn_names_file_and_line(engine, tmp_path):
    text = sequence("p", ("a", user_task("a", "登记"))).replace(
        "<bpmn:endEvent", "<bpmn:endEvnt", 1
    )
    text = text.replace('<bpmn:endEvnt id="end"/>', '<bpmn:endEvnt id="end"></bpmn:endEvnt>')
    path = write(tmp_path, "broken.bpmn", text)
    [problem] = _reject(engine, [path]).problems
    assert problem.file == "broken.bpmn" and "行" in problem.message


def test_not_xml_is_rejected(engine, tmp_path):
    path = write(tmp_path, "junk.bpmn", "this is not <xml")
    [problem] = _reject(engine, [path]).problems
    assert problem.file == "junk.bpmn" and "XML" in problem.message


def test_bad_deploy_leaves_current_version_in_place(deployed, tmp_path):
    before = deployed.latest_version_id()
    broken = tmp_path / "bpmn"
    broken.mkdir()
    (broken / "plain_case.bpmn").write_text(
        (BPMN_DIR / "plain_case.bpmn")
        .read_text(encoding="utf-8")
        .replace("callback_round = 0", "import os"),
        encoding="utf-8",
    )
    error = _reject(deployed, [broken], [FORMS_DIR])
    assert [(p.file, p.element) for p in error.problems] == [("plain_case.bpmn", "init_case")]
    assert deployed.latest_version_id() == before
    instance = deployed.start("plain_case", actor=CENTER)
    assert deployed.instance(instance).version_id == before


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" name="&lol9;" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process>
</bpmn:definitions>
"""


def test_billion_laughs_is_rejected(engine, tmp_path):
    path = write(tmp_path, "laughs.bpmn", BILLION_LAUGHS)
    [problem] = _reject(engine, [path]).problems
    assert problem.file == "laughs.bpmn" and "DOCTYPE" in problem.message
    _assert_nothing_stored(engine)


def test_external_entity_is_rejected_and_never_read(engine, tmp_path):
    secret = write(tmp_path, "secret.txt", "TOP-SECRET-CONTENT")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{secret}">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" name="&xxe;" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process>
</bpmn:definitions>"""
    path = write(tmp_path, "xxe.bpmn", xxe)
    error = _reject(engine, [path])
    [problem] = error.problems
    assert problem.file == "xxe.bpmn" and "DOCTYPE" in problem.message
    assert "TOP-SECRET" not in str(error)
    _assert_nothing_stored(engine)
