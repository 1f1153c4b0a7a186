"""Validate transfer workbooks: the library entry point behind ``retiree-tools validate``.

``validate_paths`` returns a :class:`~retiree_tools.findings.model.Report`; ``iter_people``
additionally yields the normalised people frames chunk by chunk, so ``assign`` can stream a
million-row CSV in bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from retiree_tools.domain.text import clean_value
from retiree_tools.findings.errors import InputError
from retiree_tools.findings.model import FileReport, Finding, Report, make_finding
from retiree_tools.io.markup import FORMAT_TEXTS
from retiree_tools.io.paths import expand_paths, nothing_to_read, scan_paths
from retiree_tools.io.prefetch import Prefetch
from retiree_tools.io.source import PEEK_ROWS, open_source
from retiree_tools.policy.model import Policy
from retiree_tools.texts import tr
from retiree_tools.validate.chunk import CallState, FileContext, check_chunk
from retiree_tools.validate.layout import enterprise_from_titles, roster_sheets
from retiree_tools.validate.rules.columns import column_findings
from retiree_tools.validate.rules.enterprise import enterprise_unknown, title_credit_code


@dataclass
class Options:
    sheet: str | None = None
    enterprise: str | None = None
    credit_code: str | None = None
    lang: str = "zh"
    today: date | None = None
    prefetch: Prefetch | None = None  # a head start on the first workbook (io.prefetch)
    columns: dict[str, str] | None = None  # header as written → field key ("" ignores the column)
    # called as progress(files_done, files_total, rows_read) after every chunk and every file
    # (the command's progress bar on a terminal; None: nothing is reported)
    progress: Callable[[int, int, int], None] | None = None


def parse_columns(spec: str | dict[str, str] | None, policy: Policy) -> dict[str, str] | None:
    """``"表头=字段,表头2=字段2"`` (``--columns``) → {header: field key}; a field is named by its
    key or canonical header, and "" / "-" / "无" ignores the column. Unknown fields: usage error."""
    from retiree_tools.validate.recognise import override_field

    if spec is None:
        return None
    pairs = spec.items() if isinstance(spec, dict) else (p.split("=", 1) for p in spec.replace("，", ",").split(",") if p.strip())
    out: dict[str, str] = {}
    for pair in pairs:
        if len(pair) != 2 or not pair[0].strip():
            raise InputError("usage", reason="error.columns_form", value=str(spec))
        header, wanted = pair
        field = override_field(policy, wanted)
        if field is None:
            raise InputError("usage", reason="error.columns_field", field=wanted, allowed=", ".join(policy.fields))
        out[header.strip()] = field
    return out


def with_columns(opts: Options, policy: Policy) -> Options:
    """``opts`` with its ``columns`` overrides checked against the policy (``--columns`` text parsed)."""
    if opts.columns is None:
        return opts
    from dataclasses import replace

    return replace(opts, columns=parse_columns(opts.columns, policy))


def input_finding(exc: InputError, lang: str) -> Finding:
    """The finding an input error becomes in a file's report."""
    params = {k: v for k, v in exc.finding_params(lang).items() if k not in ("row", "column", "header", "field", "value")}
    return make_finding(exc.code, lang, **params)


def _people(path: Path, policy: Policy, opts: Options, state: CallState, label: str,
            objects: bool = True) -> Iterator[tuple[FileReport, pd.DataFrame | None]]:
    """Yield (report, frame) per chunk of each roster sheet of one file (one report per sheet);
    each sheet's last yield carries its final report (frame None)."""
    report = FileReport(path=str(path))
    lang = opts.lang
    try:
        src = open_source(path, opts.prefetch)
        if src.really:  # an HTML table, Excel 2003 XML or tab-separated text with an Excel name
            report.findings.append(make_finding("file-format-noted", lang, format=tr(FORMAT_TEXTS[src.really], lang)))
        sheets, skipped = roster_sheets(src, policy, opts.sheet, opts.columns)
    except InputError as exc:
        report.findings.append(input_finding(exc, lang))
        yield report, None
        return
    notes = [make_finding("sheet-skipped", lang, sheet=name, why=tr(f"validate.sheet.{why}", lang)) for name, why in skipped]
    several = len(sheets) > 1
    for k, (sheet, peek, layout) in enumerate(sheets):
        if k:
            report = FileReport(path=str(path))
        report.findings.extend(notes if k == 0 else [])
        sheet_label = f"{label}（{sheet}）" if several else label
        yield from _sheet_people(src, sheet, peek, layout, report, policy, opts, state, sheet_label, objects)


def _sheet_people(src, sheet, peek, layout, report: FileReport, policy: Policy, opts: Options, state: CallState,
                  label: str, objects: bool) -> Iterator[tuple[FileReport, pd.DataFrame | None]]:
    path = src.path
    findings: list[Finding] = report.findings
    lang = opts.lang
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
    report.columns = [r.to_dict() for r in layout.recognised]
    header_findings, unreadable = column_findings(layout, policy, lang)
    findings.extend(header_findings)
    if unreadable:
        yield report, None
        return
    t_name, t_code = enterprise_from_titles(layout.title_lines)
    enterprise = opts.enterprise or t_name
    credit = (opts.credit_code or t_code or None)
    report.enterprise, report.credit_code = enterprise, credit
    if credit and (bad := title_credit_code(credit, lang)) is not None:
        findings.append(bad)
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
        findings.append(input_finding(exc, lang))
        yield report, None
        return
    if report.enterprise is None:
        findings.append(enterprise_unknown(lang))
    if report.people == 0:
        findings.append(make_finding("file-empty", lang))
    yield report, None


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
    tick, rows = opts.progress, 0
    for done, (path, label) in enumerate(zip(files, labels, strict=True)):
        for report, frame in _people(path, policy, opts, state, label, objects):
            if frame is not None:
                rows += len(frame)
                if tick is not None:
                    tick(done, len(files), rows)
                yield report, frame
            elif on_file is not None:
                on_file(report)  # a sheet's report is final
        if tick is not None:
            tick(done + 1, len(files), rows)


def _labels(files: list[Path]) -> list[str]:
    names = [f.name for f in files]
    return [str(f) if names.count(f.name) > 1 else f.name for f in files]


def validate_paths(paths: Iterable[str | Path], policy: Policy | str | Path | None = None,
                   options: Options | None = None, *, annotate: str | Path | None = None) -> Report:
    """Check every workbook (directories expanded to their workbooks: text files and this
    tool's own outputs in a directory are skipped, listed in ``Report.skipped``); frames are
    discarded chunk by chunk (bounded memory). ``policy`` is a loaded policy, a locality's TOML or None (the default).
    ``annotate`` writes the annotated copy (a directory of copies when several files are
    checked; refused before any work when it would overwrite an input). Raises InputError for
    usage errors; a file that cannot be read is a finding of its report (``Report.exit_code``)."""
    from retiree_tools.io.safe import refuse_inputs
    from retiree_tools.policy import Policy as _Policy
    from retiree_tools.policy import load_policy

    given = list(paths)
    found = scan_paths(given)
    files = found.files
    if not files:
        raise nothing_to_read(found.skipped)
    if annotate is not None:
        refuse_inputs([annotate], [*given, *files])
    pol = policy if isinstance(policy, _Policy) else load_policy(policy)
    opts = with_columns(options or Options(), pol)
    report = Report(skipped=[s.to_dict(opts.lang) for s in found.skipped])
    for _ in iter_people(files, pol, opts, on_file=report.files.append, objects=False):
        pass
    if annotate is not None:
        _annotate(report, Path(annotate), opts.lang)
    return report


def _annotate(report: Report, target: Path, lang: str) -> None:
    from retiree_tools.validate.annotate import TooLargeToAnnotate, write_annotated

    by_path: dict[str, list] = {}
    for fr in report.files:  # one copy per workbook, however many roster sheets it has
        by_path.setdefault(fr.path, [])
        if fr.header_row is not None:
            by_path[fr.path].append(fr)
    if len(by_path) == 1 and not target.is_dir():
        outs = [(frs, target) for frs in by_path.values() if frs]
    else:
        outs = [(frs, target / f"{Path(path).stem}.annotated.xlsx") for path, frs in by_path.items() if frs]
    for frs, out in outs:
        _fits_xlsx(Path(frs[0].path))
        try:
            write_annotated(frs, out, lang)
        except TooLargeToAnnotate as exc:
            # validated, but too large to copy: said as a finding of the file (exit 2, the
            # findings and the JSON report still given), and the other files are annotated
            frs[0].findings.append(input_finding(exc, lang))
            continue
        report.annotated.append(str(out))


XLSX_MAX_COLUMNS = 16384  # columns of an xlsx sheet (A … XFD)


def _fits_xlsx(path: Path) -> None:
    """A text file (CSV) wider than an xlsx sheet has no annotated copy: refused with a clear
    reason before anything is written (workbooks are within the limit by their format)."""
    src = open_source(path)
    if src.kind != "csv":
        return
    src.peek(None)
    if src.width > XLSX_MAX_COLUMNS:
        raise InputError("usage", str(path), reason="error.annotate_width", width=src.width, limit=XLSX_MAX_COLUMNS)
