"""``webapp.schema_form``: fields from a JSON Schema, a submission back into typed data,
and the macros rendering every shipped form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from webapp.schema_form import build_fields, field_name, form_values, kind_of, parse, schema_errors

FORMS = sorted((Path(__file__).resolve().parents[2] / "forms").rglob("*.schema.json"))

SCHEMA = {
    "type": "object",
    "required": ["outcome", "days", "ok"],
    "properties": {
        "outcome": {"title": "结果", "type": "string", "enum": ["化解", "无法化解"]},
        "reason": {
            "title": "原因",
            "type": "string",
            "enum": ["甲", "乙", "丙", "丁", "戊", "己"],
            "enumNames": ["原因甲", "原因乙"],
        },
        "level": {
            "title": "层级",
            "type": "integer",
            "oneOf": [{"const": 1, "title": "一级"}, {"const": 2, "title": "二级"}],
        },
        "days": {"title": "天数", "type": "integer", "minimum": 1, "maximum": 60, "default": 5},
        "amount": {"title": "金额", "type": "number", "minimum": 0},
        "ok": {"title": "是否同意", "type": "boolean", "description": "请选择"},
        "consent": {"title": "当事人同意", "type": "boolean", "const": True},
        "kind": {"title": "类别", "type": "string", "const": "吹哨"},
        "note": {"title": "说明", "type": "string", "maxLength": 2000},
        "name": {"title": "姓名", "type": "string", "maxLength": 60, "minLength": 2},
        "day": {"title": "日期", "type": "string", "format": "date"},
        "at": {"title": "时间", "type": "string", "format": "date-time"},
        "departments": {
            "title": "部门",
            "type": "array",
            "items": {"type": "string", "enum": ["公安", "法院", "信访"]},
        },
        "tags": {"title": "标签", "type": "array", "items": {"type": "string"}},
        "place": {
            "title": "地点",
            "type": "object",
            "required": ["town"],
            "properties": {"town": {"title": "镇", "type": "string"}, "no": {"type": "integer"}},
        },
        "parties": {
            "title": "当事人",
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"title": "姓名", "type": "string"},
                    "phone": {"title": "电话", "type": "string", "pattern": "^[0-9]+$"},
                },
            },
        },
    },
}


def by_name(fields):
    return {f.name: f for f in fields}


def test_each_property_gets_its_kind_of_input():
    kinds = {name: kind_of(prop) for name, prop in SCHEMA["properties"].items()}
    assert kinds == {
        "outcome": "radio",
        "reason": "select",
        "level": "radio",
        "days": "integer",
        "amount": "number",
        "ok": "boolean",
        "consent": "confirm",
        "kind": "const",
        "note": "textarea",
        "name": "text",
        "day": "date",
        "at": "datetime",
        "departments": "checkboxes",
        "tags": "lines",
        "place": "group",
        "parties": "rows",
    }


def test_fields_carry_labels_help_required_options_and_limits():
    fields = by_name(build_fields(SCHEMA, form_values(SCHEMA)))

    assert (fields["outcome"].label, fields["outcome"].required) == ("结果", True)
    assert [o.label for o in fields["outcome"].options] == ["化解", "无法化解"]
    assert [o.label for o in fields["reason"].options][:3] == ["原因甲", "原因乙", "丙"]
    assert [(o.value, o.label) for o in fields["level"].options] == [("1", "一级"), ("2", "二级")]
    assert [(o.value, o.label) for o in fields["ok"].options] == [("true", "是"), ("false", "否")]
    assert fields["ok"].help == "请选择" and not fields["note"].required
    assert fields["days"].value == "5"  # the schema's default
    assert dict(fields["days"].attrs) == {"min": 1, "max": 60, "step": 1}
    assert dict(fields["name"].attrs) == {"minlength": 2, "maxlength": 60}
    assert [o.value for o in fields["departments"].options] == ["公安", "法院", "信访"]
    assert fields["kind"].value == "吹哨"
    place = by_name(fields["place"].children)
    assert place["place.town"].required and not place["place.no"].required
    assert [[f.name for f in row] for row in fields["parties"].rows] == [
        ["parties.0.name", "parties.0.phone"]
    ]


def test_errors_are_attached_by_input_name():
    errors = {"days": ["不能大于 60"], "parties/0/name": ["必填"]}
    fields = by_name(build_fields(SCHEMA, MultiDict({"days": "99"}), errors))
    assert fields["days"].errors == ("不能大于 60",) and fields["days"].value == "99"
    [row] = fields["parties"].rows
    assert by_name(row)["parties.0.name"].errors == ("必填",)
    assert field_name("parties/0/name") == "parties.0.name"


def test_a_submission_becomes_typed_data():
    form = MultiDict(
        [
            ("outcome", "化解"),
            ("level", "2"),
            ("days", " 10 "),
            ("amount", "12.50"),
            ("ok", "false"),
            ("consent", "true"),
            ("note", "  第一行\n第二行  "),
            ("day", "2026-03-02"),
            ("at", "2026-03-02T09:30"),
            ("departments", "公安"),
            ("departments", "信访"),
            ("tags", "甲\n\n乙 "),
            ("place.town", "大满镇"),
            ("place.no", "3"),
            ("parties.0.name", "张三"),
            ("parties.1.name", ""),
            ("parties.2.name", "李四"),
            ("parties.2.phone", "139"),
            ("csrf_token", "ignored"),
        ]
    )
    parsed = parse(SCHEMA, form)

    assert parsed.errors == {}
    assert parsed.data == {
        "outcome": "化解",
        "level": 2,
        "days": 10,
        "amount": 12.5,
        "ok": False,
        "consent": True,
        "kind": "吹哨",
        "note": "第一行\n第二行",
        "day": "2026-03-02",
        "at": "2026-03-02T09:30:00+08:00",
        "departments": ["公安", "信访"],
        "tags": ["甲", "乙"],
        "place": {"town": "大满镇", "no": 3},
        "parties": [{"name": "张三"}, {"name": "李四", "phone": "139"}],
    }
    assert schema_errors(SCHEMA, parsed.data) == {}


def test_empty_optional_inputs_are_left_out():
    form = MultiDict({"outcome": "", "note": "   ", "days": "", "amount": "", "ok": ""})
    parsed = parse(SCHEMA, form)
    assert parsed.errors == {} and parsed.data == {"kind": "吹哨"}
    errors = schema_errors(SCHEMA, parsed.data)
    assert errors["outcome"] == ["必填"] and errors["days"] == ["必填"] and errors["ok"] == ["必填"]
    assert "note" not in errors


def test_an_unticked_confirmation_is_left_out_not_false():
    assert "consent" not in parse(SCHEMA, MultiDict({})).data


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("days", "三", "应为整数"),
        ("days", "1.5", "应为整数"),
        ("amount", "十元", "应为数字"),
        ("amount", "NaN", "应为数字"),
        ("ok", "也许", "请选择“是”或“否”"),
        ("day", "2026/03/02", "日期格式应为 年-月-日，如 2026-03-02"),
        ("at", "明天上午", "时间格式应为 年-月-日 时:分，如 2026-03-02 09:30"),
        ("place.no", "x", "应为整数"),
    ],
)
def test_inputs_that_do_not_convert_are_named(name, text, message):
    parsed = parse(SCHEMA, MultiDict({name: text}))
    assert parsed.errors == {name: [message]}
    assert name not in parsed.data


def test_a_value_outside_the_enumeration_is_kept_for_the_schema_to_reject():
    parsed = parse(SCHEMA, MultiDict({"outcome": "其他"}))
    assert parsed.data["outcome"] == "其他"
    assert schema_errors(SCHEMA, parsed.data)["outcome"][0].startswith("请从以下选项中选择")


def test_stored_data_shows_again_as_the_same_inputs():
    data = {
        "outcome": "无法化解",
        "level": 1,
        "days": 7,
        "ok": True,
        "at": "2026-03-02T01:30:00+00:00",
        "departments": ["法院"],
        "place": {"town": "沙井镇"},
        "parties": [{"name": "张三"}, {"name": "李四"}],
    }
    form = form_values(SCHEMA, data)
    assert form["at"] == "2026-03-02T09:30" and form["ok"] == "true"
    assert form.getlist("departments") == ["法院"] and form["parties.1.name"] == "李四"
    again = parse(SCHEMA, form).data
    assert again == {**data, "at": "2026-03-02T09:30:00+08:00", "kind": "吹哨"}
    fields = by_name(build_fields(SCHEMA, form))
    assert len(fields["parties"].rows) == 2


@pytest.mark.parametrize("path", FORMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_form_renders_each_property(app, path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    with app.test_request_context():
        html = render_template_string(
            '{% import "_schema_form.html" as sf %}{{ sf.fields(fields) }}',
            fields=build_fields(schema, form_values(schema)),
        )
    for name in schema["properties"]:
        assert f'name="{name}' in html or f'id="f-{name}"' in html, name
    for name in schema.get("required", []):
        block = html[html.index(f"f-{name}") :]
        assert "sf-required" in block[:600], name
    assert parse(schema, MultiDict()).errors == {}


PICKED = {
    "type": "object",
    "properties": {
        "unit": {"title": "责任单位", "type": "string", "x-picker": "unit"},
        "person": {
            "title": "责任人",
            "type": "string",
            "x-picker": "user",
            "x-picker-unit-field": "unit",
        },
    },
}


def test_a_picker_is_a_list_of_the_offered_people_narrowed_by_its_unit_field(app):
    from webapp.schema_form import Option

    offered = {
        "unit": (Option("labour", "人社局"), Option("housing", "住建局")),
        "person": (
            Option("li", "李四（人社局）", "labour"),
            Option("zhao", "赵六（住建局）", "housing"),
        ),
    }
    form = MultiDict({"unit": "labour", "person": "li"})
    fields = {f.name: f for f in build_fields(PICKED, form, pickers=offered)}
    assert fields["person"].kind == "picker"
    assert fields["person"].attrs == {"data-picker": "user", "data-narrow-by": "f-unit"}
    with app.test_request_context():
        html = render_template_string(
            '{% import "_schema_form.html" as sf %}{{ sf.fields(fields) }}',
            fields=list(fields.values()),
        )
    assert '<select id="f-person" name="person" class="sf-picker"' in html
    assert '<option value="li" data-group="labour" selected>李四（人社局）</option>' in html
    assert parse(PICKED, form).data == {"unit": "labour", "person": "li"}


def test_a_picker_without_options_is_a_text_box():
    [unit, person] = build_fields(PICKED, MultiDict({"person": "li"}))
    assert (unit.kind, person.kind, person.value) == ("text", "text", "li")
