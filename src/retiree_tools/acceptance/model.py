"""The acceptance report's data model (pydantic) and its JSON form; labels from the text catalogue."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, Field

from retiree_tools.assign.contract import status_text
from retiree_tools.domain.mask import mask_id
from retiree_tools.texts import tr

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


class Week(BaseModel):
    week: str  # its Monday, ISO date
    handed_over: int
    cumulative: int


class Deadline(BaseModel):
    date: str
    due: int  # people of the targets due by this date (cumulative)
    targets: int  # target rows with this deadline


class Progress(BaseModel):
    """Handovers over time (from the ledger): per week against the targets' deadlines."""

    weeks: list[Week]
    handed_over: int
    expected: int  # the enterprise targets' people (or, without targets, listed − excluded)
    deadlines: list[Deadline]
    rate: float | None = None


class AcceptanceReport(BaseModel):
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
    progress: Progress | None = None  # acceptance-report --db only
    written: list[str] = Field(default_factory=list, exclude=True)  # report files written

    SCOPES: ClassVar[tuple[str, ...]] = SCOPES

    @staticmethod
    def rate_text(rate: float | None) -> str:
        return rate_text(rate)

    @staticmethod
    def label(key: str, lang: str = "zh", **params: object) -> str:
        return label(key, lang, **params)

    @staticmethod
    def status_label(status: str | None, lang: str) -> str:
        return status_label(status, lang)

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
        } | ({"progress": self.progress.model_dump()} if self.progress is not None else {})


def sort_rows(rows: list[Row]) -> list[Row]:
    """By scope, then worst status first, then rows with a target, then lowest rate, then key."""
    def key(r: Row) -> tuple:
        return (SCOPES.index(r.scope), STATUS_ORDER.index(r.status), r.target is None,
                r.rate if r.rate is not None else 2.0, r.key == "(none)", r.key)

    return sorted(rows, key=key)


# ---- labels of the human outputs (terminal, xlsx, html): the text catalogue's acceptance.* ----
def label(key: str, lang: str = "zh", **params: object) -> str:
    return tr(f"acceptance.{key}", lang, **params)


def status_label(status: str | None, lang: str) -> str:
    """A person's status value in words (unknown values shown as written)."""
    return status_text(status, lang)


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
