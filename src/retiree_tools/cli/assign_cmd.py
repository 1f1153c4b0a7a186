"""`retiree-tools assign`: receiving county and unit for every person, with the deciding rule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retiree_tools.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    Fmt,
    FormatOpt,
    Lang,
    LangOpt,
    PolicyOpt,
    QuietOpt,
    ShowPiiOpt,
    console,
    fatal_lines,
    guarded,
    plain,
    print_json,
)
from retiree_tools.cli.validate_cmd import FATAL_CODES


def register(app: typer.Typer) -> None:
    app.command("assign")(assign)


@guarded
def assign(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Transfer workbooks (as validate reads them) or directories.")],
    catalog: Annotated[Path, typer.Option("--catalog", help="Receiving-jurisdiction catalogue (csv/xlsx).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Assigned file to write (.xlsx or .csv).")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet to read.")] = None,
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="Enterprise name when the file does not say it.")] = None,
    credit_code: Annotated[str | None, typer.Option("--credit-code", help="The enterprise's unified social credit code.")] = None,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Review/rejected people listed on the terminal.")] = 30,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.zh,
    fmt: FormatOpt = Fmt.table,
    show_pii: ShowPiiOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Assign every retiree a receiving county and street/township/community (分配接收单位).

    Exit codes: 0 everyone assigned or excluded by rule, 1 some people in review or rejected,
    2 usage or input error (unreadable file, broken catalogue).
    """
    from retiree_tools.findings.errors import InputError
    from retiree_tools.io.prefetch import expand_paths, prefetch
    from retiree_tools.io.safe import refuse_inputs

    files = expand_paths(paths)
    if not files:
        raise InputError("usage", detail="没有可读取的输入文件 / no input files")
    if output is not None:
        refuse_inputs([output], [*paths, *files, catalog])
    prefetch(files, sheet)  # parse the first workbook while pandas, the policy and the catalogue load

    from retiree_tools.assign.catalog import load_catalog
    from retiree_tools.assign.contract import AssignedWriter
    from retiree_tools.assign.decide import AssignResult, iter_assigned, person_json
    from retiree_tools.policy.model import load_policy
    from retiree_tools.validate.run import Options

    pol = load_policy(policy)
    cat = load_catalog(catalog, lang.value)
    cat.automaton()  # built while the workbook is still being parsed
    opts = Options(sheet=sheet, enterprise=enterprise, credit_code=credit_code, lang=lang.value)
    result = AssignResult()
    writer = AssignedWriter(output, lang.value) if output is not None else None
    people: list[dict] = []
    attention: list[dict] = []
    try:
        for out in iter_assigned(files, cat, pol, opts, result, objects=False):
            if writer is not None:
                writer.write(out)
            if fmt is Fmt.json:
                people.extend(person_json(out))
            if not quiet and len(attention) < max_rows:
                todo = out[out["status"].isin(("review", "rejected"))].head(max_rows - len(attention))
                attention.extend(person_json(todo))
    except BaseException as exc:
        if writer is not None:
            writer.abort(exc)
        raise
    fatal = {f.code for fr in result.files for f in fr.findings} & FATAL_CODES
    if writer is not None:
        if fatal:
            writer.abort(InputError("file-unreadable"))
        else:
            writer.close()
    if fmt is Fmt.json:
        from retiree_tools.domain.mask import mask_id

        if not show_pii:
            for p in people:
                p["id_number"] = mask_id(p["id_number"]) if p["id_number"] else p["id_number"]
        print_json({"people": people, "summary": result.summary(), "files": [_file_json(fr) for fr in result.files]})
    if not quiet:
        _render(result, cat, attention, lang.value, show_pii, max_rows, None if fatal else output)
    if fatal:
        fatal_lines(result.files, FATAL_CODES)
        raise typer.Exit(EXIT_USAGE)
    # a file whose people could not be read at all (no header, a required column missing) is a finding too
    unread = any(f.code in ("header-not-found", "missing-column") for fr in result.files for f in fr.findings)
    raise typer.Exit(EXIT_OK if result.all_settled() and not unread else EXIT_FINDINGS)


def _file_json(fr) -> dict:
    d = fr.to_dict()
    return {"path": d["path"], "sheet": d["sheet"], "enterprise": d["enterprise"], "credit_code": d["credit_code"],
            "summary": d["summary"], "file_errors": [f for f in d["findings"] if f["row"] is None and f["severity"] == "error"]}


_UNITS_SHOWN = 15  # per county on the terminal; the assigned file and JSON have them all
_LABELS = {
    "zh": {"title": "分配结果", "county": "区县", "unit": "接收单位", "people": "人数", "status": "状态", "attention": "需人工处理",
           "assigned": "已分配", "excluded": "不移交", "review": "待核实", "rejected": "数据有误", "row": "行", "name": "姓名",
           "id": "身份证号码", "reason": "原因", "file": "文件", "written": "已写出：{path}",
           "more_units": "……另有 {n} 个接收单位"},
    "en": {"title": "Assignment", "county": "County", "unit": "Unit", "people": "People", "status": "Status", "attention": "Needs attention",
           "assigned": "assigned", "excluded": "excluded", "review": "review", "rejected": "rejected", "row": "Row", "name": "Name",
           "id": "ID number", "reason": "Reason", "file": "File", "written": "written: {path}",
           "more_units": "... {n} more units"},
}


def _render(result, cat, attention: list[dict], lang: str, show_pii: bool, max_rows: int, output: Path | None) -> None:
    from rich.table import Table

    from retiree_tools.domain.mask import mask_id

    t = _LABELS["en" if lang == "en" else "zh"]
    con = console()
    s = result.summary()
    con.print("  ".join(f"{t[k]} {v}" for k, v in s["by_status"].items()), style="bold")
    table = Table(title=t["title"], title_justify="left")
    for k in ("county", "unit", "people"):
        table.add_column(t[k])
    per_county: dict[str, list[tuple[str, int]]] = {}
    for unit, m in result.by_unit.items():
        per_county.setdefault(cat.units[unit].county, []).append((unit, m))
    for county, n in sorted(result.by_county.items()):
        table.add_row(plain(f"{county} {cat.units[county].name}"), "", str(n), style="bold")
        units = sorted(per_county.get(county, []), key=lambda u: (-u[1], u[0]))
        for unit, m in units[:_UNITS_SHOWN]:
            table.add_row("", plain(f"{unit} {cat.units[unit].name}"), str(m))
        if len(units) > _UNITS_SHOWN:
            rest = sum(m for _, m in units[_UNITS_SHOWN:])
            table.add_row("", t["more_units"].format(n=len(units) - _UNITS_SHOWN), str(rest), style="dim")
    con.print(table)
    if attention:
        at = Table(title=t["attention"], title_justify="left")
        for k in ("file", "row", "name", "id", "status", "reason"):
            at.add_column(t[k], overflow="fold")
        for p in attention[:max_rows]:
            name = p["name"] or ""
            idn = p["id_number"] or ""
            at.add_row(plain(Path(p["file"]).name), str(p["row"]), plain(name),
                       plain(idn if show_pii else mask_id(idn)), t[p["status"]], plain(p["reason"] or ""))
        con.print(at)
    if output is not None:
        con.print(t["written"].format(path=output))
