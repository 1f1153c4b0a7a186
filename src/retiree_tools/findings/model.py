"""The findings model: one Finding per problem (with its cell and parameters), a FileReport per
file, a Report per validate call."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from retiree_tools.domain.mask import mask_patterns, mask_value
from retiree_tools.findings.codes import CODES, FATAL_CODES, message_template
from retiree_tools.texts import _Keep

Severity = Literal["error", "warning", "info"]
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])|(?<![0-9])[0-9]{15}(?![0-9])")


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Finding(BaseModel):
    code: str
    severity: Severity
    row: int | None = None  # as Excel shows it (1-based, title rows included); CSV: line number
    column: str | None = None  # Excel column letter
    header: str | None = None  # the header text as written in the file
    field: str | None = None  # the policy's field key
    value: str | None = None
    message: str = ""
    params: dict[str, Any] = Field(default_factory=dict)  # what the rule found (expected check character, other row …)
    pii: str | None = Field(default=None, exclude=True)  # kind of personal data in `value`

    def to_dict(self, show_pii: bool = False) -> dict:
        d = {"code": self.code, "severity": self.severity, "row": self.row, "column": self.column,
             "header": self.header, "field": self.field, "value": self.value, "message": self.message,
             "params": self.params}
        if show_pii:
            return d
        if self.pii and self.value:
            masked = mask_value(self.pii, self.value)
            d["value"] = masked
            d["message"] = self.message.replace(self.value, masked)
            if self.pii == "id":  # a number derived from the value (a 15-digit ID converted) too
                d["message"] = _mask_ids(d["message"])
                d["params"] = {k: _mask_ids(v) if isinstance(v, str) else v for k, v in self.params.items()}
        # and by pattern, whatever the field: values under the wrong header (shifted columns),
        # a header that is a person's data, numbers quoted in a message or a parameter
        for key in ("value", "message", "header"):
            if d[key]:
                d[key] = mask_patterns(d[key])
        if any(isinstance(v, str) for v in d["params"].values()):
            d["params"] = {k: mask_patterns(v) if isinstance(v, str) else v for k, v in d["params"].items()}
        return d


def _mask_ids(text: str) -> str:
    return _ID_IN_TEXT.sub(lambda m: mask_value("id", m.group(0)), text)


def make_finding(code: str, lang: str = "zh", *, severity: Severity | None = None, row: int | None = None,
                 column: str | None = None, header: str | None = None, field: str | None = None,
                 value: object = None, pii: str | None = None, **params: object) -> Finding:
    """Build a finding whose message comes from the code's template in ``lang``."""
    return finding_builder(code, lang, severity=severity, column=column, header=header, field=field, pii=pii)(row, value, params)


def finding_builder(code: str, lang: str = "zh", *, severity: Severity | None = None, column: str | None = None,
                    header: str | None = None, field: str | None = None, pii: str | None = None):
    """``make_finding`` for many findings of one code and cell column: returns
    ``build(row, value, params) -> Finding``, with the fixed parts worked out once and the
    same fields make_finding sets. An unknown code raises ``KeyError``."""
    sev = severity or CODES[code].severity
    template = message_template(code, lang)

    def build(row: int | None, value: object, params: dict) -> Finding:
        val = None if value is None else str(value)
        message = template.format_map(_Keep({"header": header or "", "value": val if val is not None else "", **params}))
        return Finding(code=code, severity=sev, row=row, column=column, header=header, field=field,
                       value=val, message=message, params=params, pii=pii)

    return build


class FileReport(BaseModel):
    path: str
    sheet: str | None = None
    header_row: int | None = None
    rows: int = 0
    people: int = 0
    enterprise: str | None = None
    credit_code: str | None = None
    columns: list[dict] = []  # how each column was read: letter, header, field, how, confidence
    findings: list[Finding] = []

    def summary(self) -> dict:
        """Findings by severity; ``people`` checked and ``people_with_errors``, the rows below
        the header with an error about a person's field (a finding at the header row — a
        missing column — or above it is about the sheet: no person)."""
        counts = {"errors": 0, "warnings": 0, "infos": 0}
        bad_rows: set[int] = set()
        top = self.header_row or 0
        for f in self.findings:
            counts[{"error": "errors", "warning": "warnings", "info": "infos"}[f.severity]] += 1
            if f.severity == "error" and f.row is not None and f.field is not None and f.row > top:
                bad_rows.add(f.row)
        return {**counts, "people": self.people, "people_with_errors": len(bad_rows)}

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (f.row or 0, _col_key(f.column), _SEVERITY_ORDER[f.severity], f.code))

    def to_dict(self, show_pii: bool = False) -> dict:
        return {
            "path": self.path,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows": self.rows,
            "enterprise": self.enterprise,
            "credit_code": self.credit_code,
            "columns": self.columns,
            "summary": self.summary(),
            "findings": [f.to_dict(show_pii) for f in self.sorted_findings()],
        }


def _col_key(col: str | None) -> tuple[int, str]:
    return (len(col or ""), col or "")


class Report(BaseModel):
    files: list[FileReport] = []
    skipped: list[dict] = []  # files of a directory not read: {path, reason, message[, output]} (io/paths.py)
    annotated: list[str] = Field(default_factory=list, exclude=True)  # annotated copies written

    def summary(self) -> dict:
        total = {"files": len(self.files), "errors": 0, "warnings": 0, "infos": 0, "people": 0, "people_with_errors": 0}
        for f in self.files:
            for k, v in f.summary().items():
                total[k] += v
        return total

    def has_errors(self, strict: bool = False) -> bool:
        s = self.summary()
        return s["errors"] > 0 or (strict and s["warnings"] > 0)

    def fatal(self) -> list[tuple[FileReport, Finding]]:
        """The files that could not be read at all, with the finding that says why."""
        return [(fr, f) for fr in self.files for f in fr.findings if f.code in FATAL_CODES]

    def exit_code(self, strict: bool = False) -> int:
        """2 when a file could not be read, 1 with errors (or warnings with ``strict``), else 0."""
        if self.fatal():
            return 2
        return 1 if self.has_errors(strict) else 0

    def to_dict(self, show_pii: bool = False) -> dict:
        return {"files": [f.to_dict(show_pii) for f in self.files], "summary": self.summary(), "skipped": self.skipped}
