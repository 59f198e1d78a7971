"""The domain's tables.

- ``Case`` / ``Party``: one case per matter (一案一码) and its parties, whose personal
  data is stored here once and masked on display. Diagrams carry only ``case_id`` and the
  few facts gateways and timers need.
- ``CaseCodeCounter``: the per-prefix sequence behind readable case codes.
- ``HolidayOverride`` / ``CalendarYear`` / ``CalendarRevision``: the working-day
  calendar's admin corrections, the imported official schedules and the change counter.
- ``DeadlineRule`` / ``DeadlineRecord``: the deadline types (amount, unit, pause and
  extension rules) and every due time diagrams computed with them, with its counting.
- ``DisputeType`` / ``Region`` / ``Department``: reference data admins edit.
- ``Unit``: the bodies accounts belong to and tasks can be offered to (departments,
  centers, village committees, mediation organisations); ``RosterEntry``: the mediators
  and helpers a center can call on; ``Station`` / ``DutyRota``: which department is
  stationed at which center, and who is on duty there each day.
- ``SupervisionRecord`` / ``Summons`` / ``ProgressReport`` / ``Mediation`` /
  ``CallbackRecord``: the records the diagrams' service tasks write.
- ``CourtFiling``: the court's monthly civil filings, for the 诉前分流率.
- ``HandoffSender`` / ``HandoffInbound`` / ``OutboxMessage``: the hand-off API's senders,
  their idempotent pushes and the results owed to them.
- ``HandoffVerdict``: a 12345 hotline's verdict on a reply to its work order (认可/退回).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db
from engine.types import UTCDateTime

from .enums import CaseStatus, OutboxStatus, StationMode


def trigram_index(name: str, column: str) -> Index:
    """A PostgreSQL ``pg_trgm`` GIN index on ``column``: ``LIKE '%part%'`` (a part of a case
    code, a phone's last digits) reads it instead of the whole table. PostgreSQL only
    (migration 0021; ``info["postgresql_only"]``): SQLite has no such index and scans."""
    index = Index(
        name,
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
        info={"postgresql_only": True},
    )
    return index.ddl_if(dialect="postgresql")


class Case(db.Model):
    """A matter from intake to close; every field domain.md asks a case to record."""

    __tablename__ = "dispute_case"
    __table_args__ = (
        Index("ix_dispute_case_status_due", "status", "due_at"),
        # the received, resolved and ended indexes carry what reports count by (index-only
        # scans: processes/reports/counts.py)
        Index(
            "ix_dispute_case_received",
            "received_at",
            "status",
            "channel",
            "region_code",
            "resolved_at",
        ),
        Index("ix_dispute_case_region", "region_code"),
        Index("ix_dispute_case_case_leader", "case_leader"),
        Index("ix_dispute_case_lead_leader", "lead_leader"),
        Index("ix_dispute_case_region_instance", "region_code", "instance_id"),
        Index(
            "ix_dispute_case_resolved",
            "resolved_at",
            "level",
            "overdue",
            "region_code",
            "received_at",
        ),
        Index(
            "ix_dispute_case_ended",
            "closed_at",
            "status",
            "overdue",
            "region_code",
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
        # the work list's red (yellow, green) cases: their tasks by instance (migration 0021)
        Index("ix_dispute_case_risk_instance", "risk_colour", "instance_id"),
        trigram_index("ix_dispute_case_code_trgm", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    """Given by the intake diagram's 登记赋码 step, in the same transaction as the row."""
    channel: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str | None] = mapped_column(String(120))
    """The source's own number: 工单号, 法院案号, 警情号, 信访件号."""
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("handoff_sender.id"))
    dispute_type: Mapped[str] = mapped_column(String(40))
    dispute_subtype: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    request: Mapped[str] = mapped_column(Text, default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    place: Mapped[str] = mapped_column(String(200), default="")
    people_count: Mapped[int] = mapped_column(Integer, default=1)
    collective: Mapped[bool] = mapped_column(Boolean, default=False)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    risk_colour: Mapped[str] = mapped_column(String(4))

    route: Mapped[str | None] = mapped_column(String(20))
    route_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.RECEIVED)
    level: Mapped[str | None] = mapped_column(String(20))
    """The level or role that owns the case now (网格员 … 镇党委政府, 部门, 调解员)."""
    owner_unit: Mapped[str | None] = mapped_column(String(120))
    case_leader: Mapped[str | None] = mapped_column(String(120))
    """包案领导 of a red case (一人一案 领导包抓)."""
    lead_leader: Mapped[str | None] = mapped_column(String(120))
    responsible_unit: Mapped[str | None] = mapped_column(String(120))
    responsible_person: Mapped[str | None] = mapped_column(String(120))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """The deadline now running (a level's slice, the 四定 deadline, the mediation limit)."""
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[str | None] = mapped_column(String(40))
    result_note: Mapped[str | None] = mapped_column(Text)
    remedy: Mapped[str | None] = mapped_column(String(20))
    evaluation: Mapped[str | None] = mapped_column(String(10))
    handled_lane: Mapped[str | None] = mapped_column(String(20))
    """The lane (role) of the level that resolved the case: a 二次督办 goes back to it."""
    handled_unit: Mapped[str | None] = mapped_column(String(20))
    """The code of the unit that resolved the case (``None``: not known, the whole lane)."""

    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_by: Mapped[str] = mapped_column(String(120))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    parties: Mapped[list[Party]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Party.id"
    )


class Party(db.Model):
    """A 当事人 of a case; name, phone and ID number are personal data."""

    __tablename__ = "party"
    __table_args__ = (
        Index("ix_party_phone", "phone"),
        Index("ix_party_id_number", "id_number"),
        Index("ix_party_name", "name"),
        trigram_index("ix_party_phone_trgm", "phone"),
        trigram_index("ix_party_name_trgm", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # 申请人 | 被申请人 | 第三人
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    id_number: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship(back_populates="parties")


class CaseCodeCounter(db.Model):
    """The last sequence number issued under a code prefix (region + date)."""

    __tablename__ = "case_code_counter"

    prefix: Mapped[str] = mapped_column(String(30), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class HolidayOverride(db.Model):
    """An admin's correction to the official calendar: this day is (not) a working day."""

    __tablename__ = "holiday_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")
    """Where it comes from, e.g. 国办发明电〔2026〕N号 or a local notice."""
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalendarYear(db.Model):
    """One year's official schedule, imported from the 国务院办公厅 notice: the year is
    covered (``processes.calendar``). Replaced whole by a later import of the same year."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(200))
    """The notice, e.g. 国办发明电〔2026〕N号."""
    holidays: Mapped[list[list[str]]] = mapped_column(JSON)
    """Inclusive ranges of days off, ``[["2027-01-01", "2027-01-03"], …]``."""
    workdays: Mapped[list[str]] = mapped_column(JSON)
    """The weekend days worked (调休), ``["2027-02-20", …]``."""
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalendarRevision(db.Model):
    """The single row counting changes of the calendar (imports and overrides); a
    deadline computed on an older revision may have moved and is re-timed."""

    __tablename__ = "calendar_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeadlineRecord(db.Model):
    """A due time a diagram's helper computed on the calendar, and how it was counted.

    ``basis`` is the counting (``processes.deadline_basis``): from which start, how many
    of which unit, which warning or extension of which other deadline. With it a due time
    can be counted again when the calendar changes; ``due_at`` is the value now in force
    (in the instance's timers and data, and on the case). ``provisional``: counted across
    a year whose official schedule was not yet imported (暂定).
    """

    __tablename__ = "deadline_record"
    __table_args__ = (
        Index("ix_deadline_record_instance_due", "instance_id", "due_at"),
        Index("ix_deadline_record_revision", "calendar_revision", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    basis: Mapped[dict[str, Any]] = mapped_column(JSON)
    label: Mapped[str] = mapped_column(String(160))
    """What the deadline is, e.g. 信访·办结 (petition.conclude)."""
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    calendar_revision: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeadlineRule(db.Model):
    """A deadline type: how long, counted how, and whether it pauses or extends."""

    __tablename__ = "deadline_rule"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(10))
    red_amount: Mapped[int | None] = mapped_column(Integer)
    """The shorter limit for a red (high-risk) case; ``None`` keeps ``amount``."""
    warn_hours: Mapped[int] = mapped_column(Integer, default=24)
    """How long before the deadline the near-due warning fires."""
    pausable: Mapped[bool] = mapped_column(Boolean, default=False)
    extendable_by: Mapped[str] = mapped_column(String(10))
    max_extension: Mapped[int | None] = mapped_column(Integer)
    """In the rule's unit; ``None`` with an extendable rule means without limit."""
    basis: Mapped[str] = mapped_column(String(200), default="")
    """The statute or local rule the default comes from."""


class DisputeType(db.Model):
    """纠纷类型, two levels: the 司法行政 statistical class and a working label."""

    __tablename__ = "dispute_type"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("dispute_type.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Region(db.Model):
    """An area down to the grid: 县 → 镇 → 村 → 网格."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RegionStamp(db.Model):
    """The single row whose ``stamp`` every change of ``region`` renews (a trigger,
    migration 0034), so a process may keep the tree it read (``processes.region_tree``)."""

    __tablename__ = "region_stamp"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger)


class Department(db.Model):
    """A department the center can summon (吹哨), and how it is stationed."""

    __tablename__ = "department"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    station: Mapped[str] = mapped_column(String(10))  # 常驻 | 轮驻 | 随叫随驻
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Unit(db.Model):
    """A body people work for (单位): a department, a center, a village committee, a
    mediation organisation. Every account belongs to one (``app_user.unit_code``); a task
    may be offered to the accounts of a unit. Every ``Department`` is also a unit with the
    same code (kind 部门), kept in step by ``processes.units.sync_department``."""

    __tablename__ = "unit"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    """A ``UnitKind`` value."""
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    """The area the unit serves (a center's township or county); ``None``: no one area."""
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("unit.code"))
    """The unit above it (a branch's department, a township center's county center)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RosterEntry(db.Model):
    """A mediator or helper the center can call on (调解员名册): 人民调解员, 特邀调解员,
    律师, 心理咨询师, 三官一师. ``processes.roster.candidates`` picks those for a case."""

    __tablename__ = "roster_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    """A ``RosterKind`` value."""
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    """The organisation the person works for (a 调委会, a court's invited list, a law firm)."""
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    """The area the person serves; cases there, above and below may use them."""
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Dispute-type codes (``dispute_type.code``) the person is good at; a first-level type
    covers its subtypes; an empty list: any dispute."""
    username: Mapped[str | None] = mapped_column(String(80))
    """The account of the person, if they have one: then tasks can be assigned to them."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Station(db.Model):
    """A department stationed at a center (部门进驻): 常驻, 轮驻 or 随叫随驻.

    A summons of the department for a case reaches the liaison on duty at the nearest
    center whose area holds the case (``processes.stations.liaison_on_duty``)."""

    __tablename__ = "station"
    __table_args__ = (UniqueConstraint("department_code", "unit_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    """The center (a unit of kind 县综治中心 or 乡镇综治中心)."""
    mode: Mapped[str] = mapped_column(String(10), default=StationMode.RESIDENT)
    """A ``StationMode`` value."""
    liaison: Mapped[str | None] = mapped_column(String(80))
    """常驻 only: the username on duty on a day the rota does not name another."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DutyRota(db.Model):
    """Who of a station's department is on duty at the center on one day (值班表)."""

    __tablename__ = "duty_rota"
    __table_args__ = (UniqueConstraint("station_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    day: Mapped[date] = mapped_column(Date)
    username: Mapped[str] = mapped_column(String(80))


class SupervisionRecord(db.Model):
    """A 工作任务交办单 or 督办提示单, and how it was chased."""

    __tablename__ = "supervision_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(120))
    """Who must act: a level, a unit or a person."""
    content: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by: Mapped[str] = mapped_column(String(120))
    chase_method: Mapped[str | None] = mapped_column(String(10))
    chased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    chased_by: Mapped[str | None] = mapped_column(String(120))
    chase_note: Mapped[str | None] = mapped_column(Text)


class Summons(db.Model):
    """A department summoned by 中心吹哨, and its 报到."""

    __tablename__ = "summons"
    __table_args__ = (UniqueConstraint("case_id", "department"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    department: Mapped[str] = mapped_column(String(60))
    summoned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))
    chased: Mapped[int] = mapped_column(Integer, default=0)


class ProgressReport(db.Model):
    """A note on a case's way: a level's handover, a 包跟踪 report, a 包反馈."""

    __tablename__ = "progress_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # 交接 | 进展 | 反馈
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(120))
    level: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")


class Mediation(db.Model):
    """One mediation of a hand-off: its clock (start, pauses, extensions) and outcome."""

    __tablename__ = "mediation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), unique=True)
    handoff: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mediator: Mapped[str | None] = mapped_column(String(120))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    extended_days: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    agreement_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmation_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """诉调: the last day to apply for 司法确认 (30 days after the agreement)."""
    petition_notice_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    petition_conclude_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CallbackRecord(db.Model):
    """A 回访: who called, the evaluation, how the agreement is performed."""

    __tablename__ = "callback_record"
    __table_args__ = (Index("ix_callback_record_at", "at", "evaluation", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(120))
    evaluation: Mapped[str] = mapped_column(String(10))
    performance: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    fed_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CourtFiling(db.Model):
    """The court's first-instance civil filings (一审民事收案数) of a month in a region,
    entered by the county center: the denominator of 诉前分流率."""

    __tablename__ = "court_filing"
    __table_args__ = (UniqueConstraint("region_code", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    month: Mapped[date] = mapped_column(Date)
    """The month's first day."""
    civil_cases: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[str] = mapped_column(String(120))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HandoffSender(db.Model):
    """An outside system that pushes matters (court, police, petition office, 12345)."""

    __tablename__ = "handoff_sender"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    """Where its matters are registered (the receiving center's area)."""
    token_hash: Mapped[str] = mapped_column(String(64))
    callback_url: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class HandoffInbound(db.Model):
    """One push, keyed by the sender's own id: the same push twice finds this row."""

    __tablename__ = "handoff_inbound"
    __table_args__ = (UniqueConstraint("sender_id", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("handoff_sender.id"))
    external_id: Mapped[str] = mapped_column(String(120))
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxMessage(db.Model):
    """A result owed to a sender, delivered with retries; also readable by polling."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("handoff_sender.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HandoffVerdict(db.Model):
    """The 12345 hotline's verdict on the center's reply to a work order (回访认可 or 退回),
    keyed by the sender's own id: the same verdict posted twice finds this row.

    Written by the ``handoff.verdict`` action in the step that delivers the verdict to
    the case's ``hotline`` process, so a verdict is stored exactly when it was heard.
    """

    __tablename__ = "handoff_verdict"
    __table_args__ = (UniqueConstraint("sender_id", "verdict_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("handoff_sender.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    verdict_id: Mapped[str] = mapped_column(String(120))
    """The sender's own id for this verdict (its 回访 record number)."""
    verdict: Mapped[str] = mapped_column(String(10))
    """认可 (the reply is accepted) or 退回 (rejected: 退回再办)."""
    reason: Mapped[str] = mapped_column(Text, default="")
    evaluation: Mapped[str | None] = mapped_column(String(10))
    """The citizen's evaluation at the hotline's 回访, when it sends one."""
    round: Mapped[int] = mapped_column(Integer)
    """Which reply it judges: 1 the first, 2 the reply after the first 退回再办, …"""
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReportSnapshot(db.Model):
    """A report as issued: the figures of a region for a period, frozen at ``issued_at``.

    Never updated (an ORM update raises): a later change of the cases leaves what was
    issued as it was. Scheduled reports are unique per (kind, region, first day);
    on-demand ones (``scheduled`` False) may be issued any number of times.
    ``content_hash`` is the SHA-256 of the content's canonical JSON.
    """

    __tablename__ = "report_snapshot"
    __table_args__ = (
        Index(
            "uq_report_snapshot_scheduled",
            "kind",
            "region_code",
            "first",
            unique=True,
            postgresql_where=text("scheduled"),
            sqlite_where=text("scheduled"),
        ),
        Index("ix_report_snapshot_region_first", "region_code", "first"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    """A ``PeriodKind`` value: 日汇总, 周研判, 月总结, 季汇报 or 按需."""
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by: Mapped[str] = mapped_column(String(120))
    """``定时任务`` for the scheduler, else the user who asked for it."""
    scheduled: Mapped[bool] = mapped_column(Boolean)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(ReportSnapshot, "before_update")
def _snapshots_are_immutable(_mapper, _connection, target: ReportSnapshot) -> None:
    raise ValueError(f"报表快照 {target.id} 已签发，不能修改")


class RiskAlert(db.Model):
    """A rising-risk warning (风险预警) raised from a county's weekly report: a dispute
    type or a township whose cases rose week on week past the designers' rule
    (``bpmn/risk_rise.dmn``), and the county center's judgement of it.

    Recorded with its report; ``instance_id`` is set when its ``risk_alert`` process
    starts. ``region_code`` is the report's region: the county centers whose region
    scope contains it see the warning on their work list.
    """

    __tablename__ = "risk_alert"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "dimension", "subject_code"),
        Index("ix_risk_alert_region_instance", "region_code", "instance_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("report_snapshot.id"), index=True)
    dimension: Mapped[str] = mapped_column(String(4))
    """类型 (a dispute type) or 区域 (a township)."""
    subject_code: Mapped[str] = mapped_column(String(20))
    """The dispute type's or the township's code."""
    subject: Mapped[str] = mapped_column(String(60))
    """The dispute type's or the township's name."""
    current: Mapped[int] = mapped_column(Integer)
    previous: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(4))
    """红 or 黄, as the decision table said."""
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    judgement: Mapped[str | None] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)
    handled_by: Mapped[str | None] = mapped_column(String(120))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_to: Mapped[str | None] = mapped_column(String(120))
    """The township the 工作任务交办单 went to, if the center assigned the matter."""
    assigned_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
