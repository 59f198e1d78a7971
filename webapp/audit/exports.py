"""Exports of a history search (CSV and XLSX) that an outside party can re-verify.

Each row carries ``seq``, ``prev_hash``, ``hash`` and every field the hash covers, plus
``canonical_json``: the exact text hashed after ``prev_hash``. Masking and re-verification
pull apart, because the hashed data may hold a party's personal data:

- a user whose roles may see personal data gets every row in full;
- anyone else (the auditor) gets a row in full only when its data holds no personal data
  (most rows); a row that does has its data masked and ``canonical_json`` left empty
  (``verifiable`` = no): its hashes still show how it links to its neighbours, and its
  content is re-verified by an entitled export or ``zongzhi verify-history``.

Rows are read a batch at a time, newest first, at most ``CAPS[format]``, so that no export
outlives a web worker's timeout (gunicorn's 30 s): a CSV streams (50,000 rows in about 7 s
at 2 million rows on PostgreSQL), a workbook is built first (10,000 rows in about 6.5 s:
openpyxl writes some 1,500 rows a second).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.history import GENESIS_HASH, canonical_text, canonical_time
from engine.history_search import EXPORT_BATCH, HistoryQuery, HistoryRow, iter_rows
from processes.deadlines import local

from .labels import event_label
from .masking import mask_value
from .rows import CaseRefs

CAPS = {"csv": 50_000, "xlsx": 10_000}
"""At most this many rows per export (the newest of the search); narrow the search for more."""

HASHED_FIELDS = (
    "seq",
    "event_type",
    "at",
    "actor",
    "instance_id",
    "process_id",
    "version_id",
    "task_id",
    "spec_id",
    "spec_name",
    "lane",
    "data",
    "step_process_id",
)
COLUMN_LABELS = {
    "seq": "记录序号",
    "event_type": "事件类型",
    "at": "时间（UTC）",
    "actor": "操作人",
    "instance_id": "流程实例编号",
    "process_id": "流程标识",
    "version_id": "流程版本",
    "task_id": "任务编号",
    "spec_id": "元素标识",
    "spec_name": "元素名称",
    "lane": "泳道",
    "data": "数据",
    "step_process_id": "执行该步骤的流程",
    "prev_hash": "前一条哈希",
    "hash": "本条哈希",
    "canonical_json": "参与哈希的规范 JSON",
    "verifiable": "可否在本文件中复核",
    "local_time": "北京时间",
    "event_label": "事件",
    "case_code": "案件编号",
}
"""The columns in Chinese: the header itself keeps the hashed record's field names, which
the README's recipe (and any checker) reads by name; this line of the README says them."""
COLUMNS = (
    *HASHED_FIELDS,
    "prev_hash",
    "hash",
    "canonical_json",
    "verifiable",
    "local_time",
    "event_label",
    "case_code",
)


@dataclass(frozen=True)
class ExportRow:
    values: tuple[Any, ...]
    """In ``COLUMNS`` order; ``None`` for an empty field."""


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def export_row(row: HistoryRow, *, case_code: str | None, parties, full: bool) -> ExportRow:
    data = row.data or {}
    masked = data if full else mask_value(data, parties)
    verifiable = masked == data
    values = (
        row.seq,
        row.event_type,
        canonical_time(row.at),
        row.actor,
        row.instance_id,
        row.process_id,
        row.version_id,
        row.task_id,
        row.spec_id,
        row.spec_name,
        row.lane,
        _json(masked),
        row.step_process_id,
        row.prev_hash,
        row.hash,
        canonical_text(row, seq=row.seq) if verifiable else None,
        "是" if verifiable else "否（含个人信息，已遮蔽）",
        f"{local(row.at):%Y-%m-%d %H:%M:%S}",
        event_label(row.event_type),
        case_code,
    )
    return ExportRow(values)


def export_rows(
    session: Session, query: HistoryQuery, *, full: bool, cap: int
) -> Iterator[ExportRow | None]:
    """The search's rows, newest first, at most ``cap``; a final ``None`` says the cap cut
    the export short."""
    batch: list[HistoryRow] = []
    for count, row in enumerate(iter_rows(session, query, cap=cap + 1), 1):
        if count > cap:
            yield from _converted(session, batch, full)
            yield None
            return
        batch.append(row)
        if len(batch) == EXPORT_BATCH:
            yield from _converted(session, batch, full)
            batch = []
    yield from _converted(session, batch, full)


def _converted(session: Session, rows: list[HistoryRow], full: bool) -> Iterator[ExportRow]:
    refs = CaseRefs(session, rows)
    for row in rows:
        case = refs.of(row)
        yield export_row(
            row,
            case_code=case.code if case else None,
            parties=case.parties if case else (),
            full=full,
        )


def readme(
    *, exported_at: datetime, user: str, filters: Mapping[str, str], full: bool, cap: int
) -> list[str]:
    """The explanation that heads each export (CSV comment lines, the XLSX 说明 sheet)."""
    searched = "；".join(f"{k}={v}" for k, v in filters.items()) or "（全部）"
    who = (
        "导出人有权查看个人信息：所有行均为完整内容，均可复核。"
        if full
        else "导出人无权查看个人信息：data 含当事人个人信息的行已遮蔽，其 canonical_json 为空、"
        "verifiable 为“否”，不能在本文件中重算哈希；其 prev_hash、hash 仍可用于核对前后衔接，"
        "内容可由有权查看个人信息的角色导出后复核，或在服务器上运行 zongzhi verify-history 校验。"
    )
    return [
        "综治中心工作平台 · 执行历史导出（哈希链可复核）",
        f"导出时间：{local(exported_at):%Y-%m-%d %H:%M:%S}（北京时间）；导出人：{user}；"
        f"查询条件：{searched}；按 seq 从新到旧，最多 {cap} 条。",
        "每行一条历史事件。hash = SHA-256(prev_hash + canonical_json)，以 UTF-8 编码计算，"
        "结果为小写十六进制；第 1 条记录的 prev_hash 为 64 个 0（" + GENESIS_HASH[:8] + "…）。",
        "canonical_json 是由 " + ", ".join(HASHED_FIELDS) + " 组成的 JSON 对象：键按字母排序，"
        '无空格（分隔符为 "," 与 ":"），中文等字符原样保留不转义，at 为 UTC 时间'
        "（YYYY-MM-DDTHH:MM:SS.ffffffZ），空值为 null；step_process_id（执行该步骤的流程）"
        "只在有值时出现（早于记录该字段的事件没有它）；这些字段也分列给出（data 为 JSON）。",
        "复核：对每行计算 sha256((prev_hash + canonical_json).encode('utf-8')).hexdigest()，"
        "应等于 hash；若 seq 为 n 与 n+1 的两行都在文件中，后者的 prev_hash 应等于前者的 hash。",
        who,
        "分列的字段便于阅读与筛选，空单元格可能是 null 或空字符串，重算时以 canonical_json "
        "为准；local_time、event_label、case_code 是附加列，不参与哈希。",
        "列名对照：" + "；".join(f"{name} {COLUMN_LABELS[name]}" for name in COLUMNS) + "。",
    ]
