"""The acceptance report's data model (pydantic), its JSON form and its labels in zh / en."""

from __future__ import annotations

from pydantic import BaseModel, Field

from retiree_tools.domain.mask import mask_id

SCOPES = ("enterprise", "county", "unit")
# worst first
STATUS_ORDER = ("break", "overdue", "behind", "over-target", "on-track", "met")
FAILING = {"break", "overdue", "behind", "over-target"}
COUNT_FIELDS = ("listed", "assigned", "excluded", "review", "rejected", "unknown", "duplicates")


class Row(BaseModel):
    """One enterprise, county or unit (or the ``(none)`` row of people without one)."""

    scope: str
    key: str
    name: str | None = None
    target: int | None = None
    listed: int = 0
    assigned: int = 0
    excluded: int = 0
    review: int = 0
    rejected: int = 0
    unknown: int = 0  # rows whose status is not one of assigned/excluded/review/rejected
    missing: int | None = None  # max(target − listed, 0); None without a target
    rate: float | None = None
    min_rate: float = 1.0
    deadline: str | None = None
    status: str = "met"
    over_target: bool = False
    duplicates: int = 0  # rows here whose ID number is also on another row
    excluded_by_reason: dict[str, int] = Field(default_factory=dict)
    target_line: int | None = None  # line of the targets file


class Totals(BaseModel):
    """Counts over all rows of the assigned files, each row once."""

    listed: int
    assigned: int
    excluded: int
    review: int
    rejected: int
    unknown: int
    duplicates: int  # rows whose ID number is on more than one row
    duplicate_ids: int  # distinct ID numbers that are on more than one row
    people: int  # distinct ID numbers (rows without an ID counted one each)
    target: int | None = None  # roster size when a roster is given
    missing: int | None = None  # roster people not listed
    unexpected: int | None = None  # listed rows not on the roster
    rate: float | None = None
    excluded_by_reason: dict[str, int] = Field(default_factory=dict)


class Person(BaseModel):
    id_number: str | None
    name: str | None = None
    enterprise: str | None = None
    status: str | None = None
    file: str | None = None  # the source workbook named in the assigned file
    row: str | None = None  # its row there
    line: int | None = None  # line in the roster
    reason: str = ""  # not-listed | not-in-roster | no-id

    def to_dict(self, show_pii: bool) -> dict:
        d = self.model_dump()
        if not show_pii and d["id_number"]:
            d["id_number"] = mask_id(d["id_number"])
        return d


class Occurrence(BaseModel):
    enterprise: str | None
    file: str | None
    row: str | None
    status: str | None


class Duplicate(BaseModel):
    id_number: str
    name: str | None
    count: int
    occurrences: list[Occurrence]

    def to_dict(self, show_pii: bool) -> dict:
        d = self.model_dump()
        if not show_pii:
            d["id_number"] = mask_id(d["id_number"])
        return d


class Break(BaseModel):
    """A reconciliation break: listed ≠ assigned + excluded + review + rejected (``identity``,
    with the unknown status values and their counts), or a scope whose rows do not add up to
    the totals (``scope-sum``; ``key`` names the count field)."""

    kind: str
    scope: str
    key: str
    listed: int
    counted: int
    values: dict[str, int] = Field(default_factory=dict)


class Report(BaseModel):
    as_of: str
    min_rate: float
    rows: list[Row]
    totals: Totals
    missing_people: list[Person] = Field(default_factory=list)
    unexpected_people: list[Person] = Field(default_factory=list)
    duplicates: list[Duplicate] = Field(default_factory=list)
    breaks: list[Break] = Field(default_factory=list)
    met: bool
    targets_given: bool = False
    roster_given: bool = False

    @property
    def exit_code(self) -> int:
        return 0 if self.met else 1

    def rows_of(self, scope: str) -> list[Row]:
        return [r for r in self.rows if r.scope == scope]

    def status_counts(self) -> dict[str, int]:
        """Statuses of the rows that have a target."""
        out = dict.fromkeys(STATUS_ORDER, 0)
        for r in self.rows:
            if r.target is not None:
                out[r.status] += 1
        return out

    def to_dict(self, show_pii: bool = False) -> dict:
        """The JSON document of ``--format json`` (ID numbers masked unless ``show_pii``)."""
        return {
            "as_of": self.as_of,
            "min_rate": self.min_rate,
            "met": self.met,
            "targets_given": self.targets_given,
            "roster_given": self.roster_given,
            "status_counts": self.status_counts(),
            "rows": [r.model_dump() for r in self.rows],
            "totals": self.totals.model_dump(),
            "missing_people": [p.to_dict(show_pii) for p in self.missing_people],
            "unexpected_people": [p.to_dict(show_pii) for p in self.unexpected_people],
            "duplicates": [d.to_dict(show_pii) for d in self.duplicates],
            "breaks": [b.model_dump() for b in self.breaks],
        }


def sort_rows(rows: list[Row]) -> list[Row]:
    """By scope, then worst status first, then rows with a target, then lowest rate, then key."""
    def key(r: Row) -> tuple:
        return (SCOPES.index(r.scope), STATUS_ORDER.index(r.status), r.target is None,
                r.rate if r.rate is not None else 2.0, r.key == "(none)", r.key)

    return sorted(rows, key=key)


# ---- labels of the human outputs (terminal, xlsx, html) ----
LABELS: dict[str, tuple[str, str]] = {
    "title": ("移交验收报告", "Acceptance report"),
    "as_of": ("统计截至", "As of"),
    "min_rate": ("默认达标比例", "Default threshold"),
    "verdict": ("结论", "Verdict"),
    "verdict_ok": ("全部目标已达标或进度正常", "every target met or on track"),
    "verdict_fail": ("存在未达标、逾期、超出目标或核对不平的情况", "targets behind, overdue or over, or reconciliation breaks"),
    "enterprise": ("移交企业", "Enterprise"),
    "county": ("区县", "County"),
    "unit": ("接收单位", "Receiving unit"),
    "total": ("合计", "Total"),
    "scope": ("范围", "Scope"),
    "key": ("代码", "Key"),
    "name": ("名称", "Name"),
    "target": ("目标人数", "Target"),
    "listed": ("名单人数", "Listed"),
    "assigned": ("已移交", "Handed over"),
    "excluded": ("不移交", "Excluded"),
    "review": ("待核实", "In review"),
    "rejected": ("退回", "Rejected"),
    "unknown": ("状态不明", "Unknown status"),
    "missing": ("缺少", "Missing"),
    "rate": ("移交率", "Rate"),
    "deadline": ("截止日期", "Deadline"),
    "status": ("状态", "Status"),
    "duplicates": ("重复行", "Duplicate rows"),
    "duplicate_ids": ("重复身份证号", "Duplicated IDs"),
    "people": ("不重复人数", "Distinct people"),
    "unexpected": ("名单外", "Not on roster"),
    "excluded_by_reason": ("不移交原因", "Excluded by reason"),
    "roster_target": ("名册人数", "Roster"),
    "id_number": ("身份证号码", "ID number"),
    "person_name": ("姓名", "Name"),
    "file": ("来源文件", "Source file"),
    "row": ("行号", "Row"),
    "line": ("名册行号", "Roster line"),
    "reason": ("说明", "Reason"),
    "count": ("出现次数", "Times"),
    "kind": ("类型", "Kind"),
    "counted": ("已计入", "Counted"),
    "values": ("状态值", "Status values"),
    "missing_people": ("名册中有、名单中没有的人员", "On the roster, not listed"),
    "unexpected_people": ("名单中有、名册中没有的人员", "Listed, not on the roster"),
    "duplicate_people": ("身份证号码重复的人员", "ID numbers on more than one row"),
    "breaks": ("核对不平", "Reconciliation breaks"),
    "summary": ("汇总", "Summary"),
    "item": ("项目", "Item"),
    "targets_by_status": ("各目标完成情况", "Targets by status"),
    "chart": ("移交率（虚线为达标线）", "Rate (dashed line: threshold)"),
    "chart_targeted": ("　仅画出有目标的", " — rows with a target only"),
    "chart_more": ("另有 {n} 个未画出，见下表", "{n} more not drawn; see the table below"),
    "more": ("另有 {n} 条未显示，完整名单见 xlsx 或 --format json", "{n} more not shown; see the xlsx or --format json"),
    "none_listed": ("无", "none"),
    "no_roster": ("未提供名册（--roster）", "no roster given (--roster)"),
    "met": ("已达标", "met"),
    "on-track": ("进度正常", "on track"),
    "behind": ("落后", "behind"),
    "overdue": ("逾期未完成", "overdue"),
    "over-target": ("超出目标", "over target"),
    "break": ("核对不平", "break"),
    "not-listed": ("未列入名单", "not listed"),
    "not-in-roster": ("不在名册中", "not on the roster"),
    "no-id": ("缺身份证号码，无法核对", "no ID number, cannot match"),
    "identity": ("人数恒等式不成立", "identity does not hold"),
    "scope-sum": ("分项之和与合计不符", "rows do not add up to the totals"),
    "status_assigned": ("已分配", "assigned"),
    "status_excluded": ("不移交", "excluded"),
    "status_review": ("待核实", "review"),
    "status_rejected": ("退回", "rejected"),
}


def label(key: str, lang: str = "zh", **params: object) -> str:
    zh, en = LABELS.get(key, (key, key))
    text = en if lang == "en" else zh
    return text.format(**params) if params else text


def status_label(status: str | None, lang: str) -> str:
    """A person's status value in words (unknown values shown as written)."""
    if status and f"status_{status}" in LABELS:
        return label(f"status_{status}", lang)
    return status or ""


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
