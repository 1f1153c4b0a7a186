"""Validate transfer workbooks: the library entry point behind ``retiree-tools validate``.

``validate_paths`` returns a :class:`Report`; ``iter_people`` additionally yields the normalised
people frames chunk by chunk, so ``assign`` can stream a million-row CSV in bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from retiree_tools.domain.text import clean_value
from retiree_tools.findings.errors import InputError
from retiree_tools.findings.model import FileReport, Finding, Report, column_letter, make_finding
from retiree_tools.io.prefetch import expand_paths
from retiree_tools.io.source import PEEK_ROWS, Source, open_source
from retiree_tools.policy.model import Policy
from retiree_tools.validate.chunk import CallState, FileContext, check_chunk
from retiree_tools.validate.layout import Layout, detect_layout, enterprise_from_titles


@dataclass
class Options:
    sheet: str | None = None
    enterprise: str | None = None
    credit_code: str | None = None
    lang: str = "zh"
    today: date | None = None


def _choose_sheet(src: Source, policy: Policy, wanted: str | None) -> tuple[str | None, object, Layout | None]:
    if src.kind == "csv":
        peek = src.peek(None)
        return None, peek, detect_layout(policy, peek)
    if wanted is not None:
        if wanted not in src.sheets:
            raise InputError("sheet-not-found", str(src.path), sheet=wanted, available="、".join(src.sheets))
        peek = src.peek(wanted)
        return wanted, peek, detect_layout(policy, peek)
    best = None
    for name in src.sheets:
        peek = src.peek(name)
        layout = detect_layout(policy, peek)
        score = len(layout.columns) if layout else -1
        if best is None or score > best[0]:
            best = (score, name, peek, layout)
        if score >= 6:  # the roster sheet: stop looking
            break
    if best is None:
        raise InputError("file-empty", str(src.path))
    return best[1], best[2], best[3]


def _people(path: Path, policy: Policy, opts: Options, state: CallState, label: str,
            objects: bool = True) -> Iterator[tuple[FileReport, pd.DataFrame | None]]:
    """Yield (report, frame) per chunk of one file; the last yield carries the final report."""
    report = FileReport(path=str(path))
    findings: list[Finding] = report.findings
    lang = opts.lang
    try:
        src = open_source(path)
        sheet, peek, layout = _choose_sheet(src, policy, opts.sheet)
    except InputError as exc:
        findings.append(make_finding(exc.code, lang, **_params(exc)))
        yield report, None
        return
    report.sheet = sheet
    if not peek.rows:
        findings.append(make_finding("file-empty", lang))
        yield report, None
        return
    if layout is None:
        findings.append(make_finding("header-not-found", lang, rows=PEEK_ROWS))
        yield report, None
        return
    report.header_row = layout.header_row
    for col, header, first in layout.duplicates:
        findings.append(make_finding("duplicate-column", lang, column=column_letter(col), header=header, first=column_letter(first)))
    missing = [k for k in policy.required.columns if k not in layout.columns]
    for key in missing:
        findings.append(make_finding("missing-column", lang, header=policy.fields[key].header, field=key, row=layout.header_row))
    if missing:
        yield report, None
        return
    t_name, t_code = enterprise_from_titles(layout.title_lines)
    enterprise = opts.enterprise or t_name
    credit = (opts.credit_code or t_code or None)
    report.enterprise, report.credit_code = enterprise, credit
    if credit:
        from retiree_tools.domain.idcard import uscc_problem

        problem = uscc_problem(credit)
        if problem:
            findings.append(make_finding("credit-code-invalid", lang, field="credit_code", value=credit, detail=problem))
    ctx = FileContext(path=str(path), label=label, layout=layout, enterprise=enterprise, credit_code=credit, lang=lang)
    columns = sorted(set(layout.columns.values()))
    try:
        for first_row, raw in src.chunks(sheet, layout.first_data_row, columns, peek):
            report.rows += len(raw)
            frame = check_chunk(ctx, policy, state, first_row, raw, findings, objects)
            report.people += len(frame)
            if report.enterprise is None and frame["enterprise"].notna().any():
                report.enterprise = clean_value(str(frame["enterprise"].dropna().iloc[0]))
            if report.credit_code is None and frame["credit_code"].notna().any():
                report.credit_code = str(frame["credit_code"].dropna().iloc[0])
            yield report, frame
    except InputError as exc:
        findings.append(make_finding(exc.code, lang, **_params(exc)))
        yield report, None
        return
    if report.enterprise is None:
        findings.append(make_finding("enterprise-unknown", lang))
    if report.people == 0:
        findings.append(make_finding("file-empty", lang))
    yield report, None


def _params(exc: InputError) -> dict:
    return {k: v for k, v in exc.params.items() if k not in ("row", "column", "header", "field", "value")}


def iter_people(paths: Iterable[str | Path], policy: Policy, opts: Options | None = None,
                on_file: Callable[[FileReport], None] | None = None,
                objects: bool = True) -> Iterator[tuple[FileReport, pd.DataFrame]]:
    """Yield (file report so far, normalised people frame) for every chunk of every file;
    ``on_file`` is called with each file's final report. ``objects=False`` leaves the frames
    Arrow-backed (cheaper when only the findings are wanted)."""
    opts = opts or Options()
    state = CallState(today=opts.today or date.today())
    files = expand_paths(paths)
    labels = _labels(files)
    for path, label in zip(files, labels, strict=True):
        report = None
        for report, frame in _people(path, policy, opts, state, label, objects):
            if frame is not None:
                yield report, frame
        if on_file is not None and report is not None:
            on_file(report)


def _labels(files: list[Path]) -> list[str]:
    names = [f.name for f in files]
    return [str(f) if names.count(f.name) > 1 else f.name for f in files]


def validate_paths(paths: Iterable[str | Path], policy: Policy, opts: Options | None = None) -> Report:
    """Check every file; frames are discarded chunk by chunk (bounded memory)."""
    report = Report()
    for _ in iter_people(paths, policy, opts, on_file=report.files.append, objects=False):
        pass
    return report
