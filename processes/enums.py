"""The domain's named states and vocabularies; each value is the Chinese word users see."""

from enum import StrEnum


class Channel(StrEnum):
    """How a matter reached the center (来源渠道)."""

    WINDOW = "窗口"
    HOTLINE_12345 = "12345"
    GRID_REPORT = "网格上报"
    COURT = "诉调"
    POLICE = "警调"
    PETITION = "访调"
    ONLINE = "线上"


HANDOFF_CHANNELS = frozenset({Channel.COURT, Channel.POLICE, Channel.PETITION})
"""The 三调 hand-offs: pushed by an outside body that takes failed matters back."""


class RiskColour(StrEnum):
    """三色预警: 红 high (包案领导, shorter limits), 黄 medium, 绿 low."""

    RED = "红"
    YELLOW = "黄"
    GREEN = "绿"


class CaseStatus(StrEnum):
    """Where a case stands in the loop 受理 → 分流 → 处置 → 回访 → 结案."""

    RECEIVED = "已受理"
    """Registered and coded; triage not yet decided."""
    HANDLING = "办理中"
    """Routed and being handled at some level, by a department or a mediator."""
    RESOLVED = "已化解"
    """Settled (agreement, on the spot, or by the responsible unit); awaiting callback."""
    GUIDED = "已引导"
    """Not for mediation: the parties were guided to another remedy, reason recorded."""
    RETURNED = "已退回"
    """A hand-off returned to its source (进得来、回得去)."""
    CLOSED = "已结案"
    """Called back and closed."""
    CANCELLED = "已撤销"


class Route(StrEnum):
    """Triage outcome (分流), decided by the designers' DMN table."""

    ON_THE_SPOT = "当场办结"
    LADDER = "四级七天"
    WHISTLE = "中心吹哨"
    LEGAL_SERVICE = "法律服务"
    NOT_FOR_MEDIATION = "不宜调解"
    HANDOFF = "三调对接"


class Remedy(StrEnum):
    """Other routes parties are told about when mediation is not the way (人民调解法 Art.26)."""

    ARBITRATION = "仲裁"
    ADMINISTRATIVE_RULING = "行政裁决"
    ADMINISTRATIVE_REVIEW = "行政复议"
    LITIGATION = "诉讼"
    PETITION = "信访"


class Evaluation(StrEnum):
    """The citizen's evaluation at callback (回访)."""

    SATISFIED = "满意"
    BASICALLY_SATISFIED = "基本满意"
    DISSATISFIED = "不满意"


class Verdict(StrEnum):
    """The 12345 hotline's verdict on a reply to its work order, after its own 回访."""

    ACCEPTED = "认可"
    """The reply stands; the work order is done (办结)."""
    REJECTED = "退回"
    """回访不满意 or the reply falls short: 退回再办 with a new limit, then a new reply."""


class DeadlineUnit(StrEnum):
    """How a deadline is counted; each deadline rule stores one."""

    CALENDAR_DAYS = "自然日"
    WORKING_DAYS = "工作日"
    HOURS = "小时"


class Extension(StrEnum):
    """Who may extend a deadline."""

    NONE = "不可延长"
    CONSENT = "当事人同意"
    APPROVAL = "领导批准"


class SupervisionKind(StrEnum):
    """The two supervision records the diagrams create."""

    ASSIGNMENT = "工作任务交办单"
    NOTICE = "督办提示单"


class SupervisionReason(StrEnum):
    NEAR_DUE = "临期预警"
    OVERDUE = "超期未化解"
    NO_ACKNOWLEDGEMENT = "部门未报到"
    NOT_RECEIVED = "超期未签收"
    NOT_ASSIGNED = "超期未指派"
    """A hand-off signed for but no mediator designated in time (在线调解规则 Art.10)."""
    DISSATISFIED = "回访不满意"
    ASSIGNED = "交办"


class ChaseMethod(StrEnum):
    PHONE = "电话督办"
    LETTER = "函件督办"


class OutboxStatus(StrEnum):
    """A result waiting for, or done with, delivery to its sender."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    """Gave up after the last retry; still readable by polling."""


class UnitKind(StrEnum):
    """What kind of body a unit (单位) is: every account belongs to one, and tasks can be
    offered to one (``candidateUnits``)."""

    DEPARTMENT = "部门"
    """A department the center summons (法院, 公安, 司法所 …); a ``department`` row is also a
    unit with the same code, and a local branch may be a unit of this kind beneath it."""
    COUNTY_CENTER = "县综治中心"
    """A 市/县(区) 综治中心; its region is a 市 or 县."""
    TOWNSHIP_CENTER = "乡镇综治中心"
    """A 乡镇(街道) 综治中心; its region is a 镇."""
    TOWNSHIP_GOVERNMENT = "乡镇党委政府"
    """A township's Party committee and government (镇党委、政府), the ladder's last level."""
    VILLAGE = "村（社区）"
    """A village or community committee (村委会/居委会) with its mediation committee; its
    region is a 村."""
    MEDIATION_ORGANISATION = "调解组织"
    """A mediation organisation: a 人民调解委员会, a 行业调解组织 or a 品牌调解室."""
    COURT_INVITED = "法院特邀调解"
    """A court's invited mediators and mediation organisations (特邀调解名册)."""
    OTHER = "其他机构"
    """Any other organisation a roster entry works for: a 律师事务所, a 心理咨询机构 …"""


class RosterKind(StrEnum):
    """What a roster entry (调解员名册) does for the center."""

    PEOPLES_MEDIATOR = "人民调解员"
    INVITED_MEDIATOR = "特邀调解员"
    """A mediator on a court's 特邀调解 list (委派/委托调解)."""
    LAWYER = "律师"
    COUNSELLOR = "心理咨询师"
    SAN_GUAN_YI_SHI = "三官一师"
    """法官、检察官、警官 and 律师 who join mediation in the villages (三官一师进网格)."""


class StationMode(StrEnum):
    """How a department is stationed at a center (部门进驻方式)."""

    RESIDENT = "常驻"
    """Present every working day; one default liaison, the rota may name another for a day."""
    ROTATING = "轮驻"
    """Present on the days of the rota only."""
    ON_CALL = "随叫随驻"
    """Comes when called; no rota: a summons goes to the department as a whole."""
