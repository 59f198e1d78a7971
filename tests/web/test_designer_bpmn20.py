"""A Camunda/Flowable export (``.bpmn20.xml``) in the library: its version page lists it,
links its editor, and serves it byte for byte under its own name (issue 19)."""

from __future__ import annotations

from engine import SourceFile
from tests.engine.diagrams import sequence

from .designer_helpers import DESIGNER


def test_a_bpmn20_xml_file_is_listed_edited_and_downloaded_by_its_name(web_engine, login_as):
    text = sequence("leave_request").encode()
    files = [*web_engine.version_files(web_engine.latest_version_id())]
    files.append(SourceFile("leave.bpmn20.xml", "bpmn", text))
    version = web_engine.deploy_set(files, actor="designer", note="外来流程").version_id
    client = login_as("wang", DESIGNER)

    listing = client.get(f"/designer/versions/{version}").get_data(as_text=True)
    assert "leave.bpmn20.xml" in listing
    assert "/designer/files/leave.bpmn20.xml/edit" in listing
    assert client.get("/designer/files/leave.bpmn20.xml/edit").status_code == 200

    raw = client.get(f"/designer/versions/{version}/files/leave.bpmn20.xml")
    assert raw.status_code == 200 and raw.data == text
