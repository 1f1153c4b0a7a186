"""results.md: the machine, one table per command, and the targets with met / missed."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
from importlib import metadata
from pathlib import Path

from ._suite import Bench

VERSIONS = ("pandas", "fastexcel", "numpy", "pyarrow", "xlsxwriter", "jinja2", "frictionless", "retiree-tools")


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = {}
    for name in VERSIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "kernel": platform.release(),
            "python": platform.python_version(), "versions": versions,
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "load_start": os.getloadavg()}


def tree(src: Path | None = None) -> dict:
    """The code measured: HEAD, files of src/ changed since it, and a content hash of ``src``
    (default: the working tree's src/retiree_tools)."""
    import hashlib
    import subprocess

    root = Path(__file__).resolve().parent.parent
    src = src or root / "src" / "retiree_tools"

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30).stdout.rstrip()
        except (OSError, subprocess.SubprocessError):
            return ""

    h = hashlib.sha256()
    for f in sorted(src.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(src)).encode() + b"\0" + f.read_bytes())
    dirty = [ln[3:].removeprefix("src/retiree_tools/") for ln in git("status", "--porcelain", "--", "src").splitlines()]
    return {"head": git("log", "-1", "--format=%h %s")[:100], "dirty": dirty, "src_sha256": h.hexdigest()[:16]}


def _f(v: float | None, digits: int = 2) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def _rate(n: int, s: float | None) -> str:
    return "—" if not s else f"{n / s:,.0f}"


def completeness(by: dict[str, Bench]) -> dict[str, tuple[int, int]]:
    """key → (people the command handled, people in the input), from the outputs of the run:
    validate's JSON summary and the number of rows of the assigned file."""
    from .generate import DATA

    out: dict[str, tuple[int, int]] = {}
    for key, b in by.items():
        if not b.series.samples:
            continue
        try:
            if key.startswith("validate/") and b.stdout:
                with (DATA / b.stdout).open(encoding="utf-8") as fh:
                    out[key] = (int(json.load(fh)["summary"]["people"]), b.people)
            elif key.startswith("assign/"):
                with (DATA / "out" / f"assigned-{b.size}.csv").open("rb") as fh:
                    out[key] = (sum(1 for _ in fh) - 1, b.people)
            elif key in ("ledger/submit/100k", "ledger/resubmit/100k", "ledger/supersede/100k"):
                from ._ledger import recorded

                out[key] = (recorded(key.split("/")[1]), b.people)
            elif key == "ledger/status/1m" and b.stdout:
                with (DATA / b.stdout).open(encoding="utf-8") as fh:
                    out[key] = (int(json.load(fh)["totals"]["people"]), b.people)
        except (OSError, ValueError, KeyError):
            continue
    return out


def targets(by: dict[str, Bench], help_s: float | None) -> list[dict]:
    """Each target: what, measured value, limit, met (None = not measured)."""
    out: list[dict] = []
    done = completeness(by)
    for key, (got, want) in sorted(done.items(), key=lambda kv: kv[1][1]):
        out.append({"what": f"{' '.join(key.split('/'))}: people "
                    f"{'in the ledger' if key.endswith(('status/1m', 'resubmit/100k')) else 'recorded' if key.startswith('ledger/') else 'processed'}"
                    " (completeness)",
                    "value": f"{got:,} of {want:,}", "limit": "all", "met": got == want})

    def ratio(key: str) -> float | None:
        b = by.get(key)
        if b is None or not b.series.samples or b.floor not in by or not by[b.floor].series.samples:
            return None
        return b.series.seconds / by[b.floor].series.seconds

    def add(what: str, value: float | None, limit: str, ok, shown: str | None = None) -> None:
        if shown is None and value is not None and "×" in limit:
            shown = f"{value:.2f}×"
        out.append({"what": what, "value": shown if shown is not None else _f(value),
                    "limit": limit, "met": None if value is None else bool(ok(value))})

    add("validate, 100k xlsx ÷ fastexcel raw read (whole processes)", ratio("validate/100k"), "≤ 1.5×", lambda v: v <= 1.5)
    fl, va = by.get("frictionless/100k"), by.get("validate/100k")
    speedup = (fl.series.seconds / va.series.seconds) if fl and va and fl.series.samples and va.series.samples else None
    add("frictionless validate ÷ validate, 100k xlsx", speedup, "≥ 10×", lambda v: v >= 10)
    add("assign, 100k xlsx, 1,015 units ÷ raw read", ratio("assign/100k"), "≤ 2×", lambda v: v <= 2)
    for size in ("10k", "100k"):
        sp = by.get(f"render-split/{size}")
        ok = [x for x in (sp.extra if sp else []) if "error" not in x]
        if ok:
            assigned = ok[0]["people"]["assigned"]
            html = statistics.median(x["html_total_s"] for x in ok)
            xlsx = statistics.median(x["xlsx_s"] for x in ok)
            add(f"render-forms {size}: HTML forms, five kinds (render + write), people/s", assigned / html, "≥ 2,000/s",
                lambda v: v >= 2000, f"{assigned / html:,.0f}")
            add(f"render-forms {size}: summary XLSX, rows/s", assigned / xlsx, "≥ 20,000/s", lambda v: v >= 20000,
                f"{assigned / xlsx:,.0f}")
        rf = by.get(f"render/{size}")
        if rf and rf.series.samples and ok:
            v = ok[0]["people"]["assigned"] / rf.series.seconds
            add(f"render-forms {size}, whole process (all forms, HTML+XLSX), assigned people/s", v, "≥ 2,000/s (for reference)",
                lambda x: x >= 2000, f"{v:,.0f}")
    add("acceptance-report, 1M assigned rows ÷ pandas.read_csv of that file", ratio("acceptance/1m"), "≤ 2×", lambda v: v <= 2)
    for cmd in ("validate", "assign"):
        b = by.get(f"{cmd}/1m")
        v = b.series.peak_mb if b and b.series.samples else None
        got, want = done.get(f"{cmd}/1m", (0, 0))
        if v is not None and got != want:
            out.append({"what": f"{cmd}, 1M-row csv: peak RSS (MB)", "value": f"{v:,.0f}", "limit": "≤ 2,048 MB",
                        "met": None, "note": f"not valid: only {got:,} of {want:,} people were processed"})
            continue
        add(f"{cmd}, 1M-row csv: peak RSS (MB)", v, "≤ 2,048 MB", lambda x: x <= 2048, _f(v, 0) if v else None)
    add("submit 100k xlsx into a fresh ledger ÷ assign -o xlsx, same file (issue #15)", ratio("ledger/submit/100k"),
        "≤ 1.5×", lambda v: v <= 1.5)
    sub, csv_assign = by.get("ledger/submit/100k"), by.get("assign/100k")
    if sub and csv_assign and sub.series.samples and csv_assign.series.samples:
        v = sub.series.seconds / csv_assign.series.seconds
        add("submit 100k ÷ assign -o csv (the suite's assign; for reference)", v, "≤ 1.5× (for reference)",
            lambda x: x <= 1.5)
    for key, what in (("ledger/status/1m", "status --format json"),
                      ("ledger/acceptance/1m", "acceptance-report --db --targets --format json"),
                      ("ledger/acceptance-html/1m", "acceptance-report --db --targets -o report.html")):
        b = by.get(key)
        v = b.series.seconds if b and b.series.samples else None
        add(f"{what}, ledger of 1M people, median s (issue #15)", v, "< 2 s", lambda x: x < 2)
    add("`retiree-tools --help` (median of 10), s", help_s, "≤ 0.5 s", lambda v: v <= 0.5, _f(help_s, 3) if help_s else None)
    return out


def ledger_notes(by: dict[str, Bench]) -> list[str]:
    """What the ledger rows compare and how the 1M ledger was built (benchmarks/_ledger.py)."""
    from ._ledger import LEDGER_DIR

    try:
        prep = json.loads((LEDGER_DIR / "prepared.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        prep = {}
    lines = ["The submit rows are compared with `assign -o xlsx` of the same workbook (its row compared with the "
             "fastexcel read). Every submit starts from a fresh copy of its ledger (untimed): an empty one "
             "(`ledger init --catalog catalog.csv`) for the first row, one holding `people-100k.xlsx` for the "
             "re-submit (nothing is written) and for the changed copy (phone numbers of every 100th person "
             f"changed{': ' + format(prep['changed_phones'], ',') if prep.get('changed_phones') else ''}; it supersedes "
             "the earlier submission)."]
    if prep:
        lines[-1] += (f" The 1M ledger: `people-100k.xlsx` submitted once, that submission copied 9 times inside the "
                      f"database under other enterprises with other ID prefixes ({prep['people']:,} people, "
                      f"{prep['distinct_ids']:,} distinct IDs: the workbook's own 1% repeated rows), tallies rebuilt "
                      f"with `refresh_tallies`, then 4 `handover` commands a week apart; the roster "
                      f"{prep['roster']:,} people ({prep['left_out']:,} of the ledger left out, {prep['not_submitted']:,} "
                      "on the roster only). people/s for the 1M rows = people in the ledger ÷ seconds.")
    return [*lines, ""]


def render(info: dict, benches: list[Bench], help_series, repeats: dict[str, int], argv: str,
           gen: dict | None) -> str:
    by = {b.key: b for b in benches}
    v = info["versions"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m benchmarks {argv}`".rstrip() + f" on {info['date']} (UTC). Regenerate with the same command;",
        "the data comes from `python -m benchmarks.generate` (seeded; see benchmarks/README.md).",
        "",
        "## Machine",
        "",
        f"- {info['nproc']} CPUs (`nproc`), {info['cpu']}, {info['memory']} RAM, Linux {info['kernel']}",
        f"- Python {info['python']}; pandas {v['pandas']}, fastexcel {v['fastexcel']}, numpy {v['numpy']}, "
        f"pyarrow {v['pyarrow']}, xlsxwriter {v['xlsxwriter']}, jinja2 {v['jinja2']}, frictionless {v['frictionless']}",
        f"- load average (1/5/15 min) at start {'/'.join(f'{x:.1f}' for x in info['load_start'])}, "
        f"at end {'/'.join(f'{x:.1f}' for x in info['load_end'])} — the machine is shared; other work ran meanwhile",
        f"- code: a snapshot of src/retiree_tools taken at the start (content hash `{info['tree']['src_sha256']}`; HEAD "
        f"`{info['tree']['head']}`" + (f" plus uncommitted changes in {', '.join(info['tree']['dirty'])}" if info['tree']['dirty']
                                       else ", no uncommitted changes in src/")
        + "), run from `benchmarks/data/snapshot/` via PYTHONPATH so that work on the tree during the run does not mix in"
        + (f"; the working tree's src/ hashed `{info['tree_end']['src_sha256']}` at the end" if info['tree_end']['src_sha256'] != info['tree']['src_sha256'] else ""),
        f"- repetitions: {', '.join(f'{s}: {n}' for s, n in repeats.items())} (median reported; peak RSS is the maximum "
        "over the runs); every run is a separate process, start-up and imports included",
        "",
    ]
    if gen:
        lines += ["## Data", "", "| size | file | people | errors injected | generated in |", "|---|---|---|---|---|"]
        for size, e in gen.get("sizes", {}).items():
            lines.append(f"| {size} | `{e['file']}` | {e['people']:,} | {sum(e['errors'].values()):,} "
                         f"(1% per kind × {len(e['errors'])} kinds) | {e['seconds']} s |")
        lines += ["", f"Catalogue: {gen['catalog']['units']:,} units (`catalog.csv`). The 1M assigned file for "
                  "acceptance-report is synthesised by the generator in the assigned-file format (not written by `assign`).", ""]
    lines += ["## Targets", "", "| target | measured | limit | met |", "|---|---|---|---|"]
    for t in targets(by, help_series.seconds if help_series and help_series.samples else None):
        met = t.get("note") or "not measured" if t["met"] is None else ("**yes**" if t["met"] else "**no**")
        lines.append(f"| {t['what']} | {t['value']} | {t['limit']} | {met} |")
    lines += ["", "## Per command", "",
              "people/s = input rows ÷ median seconds. ratio = median ÷ median of the raw read it is compared with "
              "(same file, same run).", ""]
    groups = {}
    for b in benches:
        groups.setdefault(b.group if not b.key.startswith("render-split") else "render-split", []).append(b)
    titles = {"raw": "Raw read floors", "validate": "validate", "assign": "assign", "render": "render-forms",
              "acceptance": "acceptance-report", "frictionless": "frictionless (peer)", "ledger": "ledger (issue #15)"}
    for g, items in groups.items():
        if g == "render-split":
            continue
        lines += [f"### {titles.get(g, g)}", ""]
        if g == "ledger":
            lines += ledger_notes(by)
        lines += [f"| command | size | runs | median s | people/s | peak MB | {'compared with' if g == 'ledger' else 'raw read'} s "
                  "| ratio | exit |", "|---|---|---|---|---|---|---|---|---|"]
        for b in items:
            if not b.series.samples:
                continue
            fl = by.get(b.floor) if b.floor else None
            fs = fl.series.seconds if fl and fl.series.samples else None
            ratio = f"{b.series.seconds / fs:.2f}×" if fs else "—"
            lines.append(f"| {b.label} | {b.size} | {len(b.series.samples)} | {_f(b.series.seconds)} | "
                         f"{_rate(b.people, b.series.seconds)} | {_f(b.series.peak_mb, 0)} | {_f(fs)} | {ratio} | "
                         f"{','.join(map(str, b.series.rcs))} |")
        lines.append("")
    splits = groups.get("render-split", [])
    if splits:
        from ._suite import OUT, scratch

        where = "tmpfs (`/dev/shm`)" if scratch() != OUT else "the disk (`benchmarks/data/out`; no tmpfs here)"
        lines += ["### render-forms, in-process split (one real `render_forms` call with timers; median over runs)", "",
                  f"Written to {where}: the disk of this machine slows down under thousands of small files "
                  "written and deleted run after run, which would measure the disk rather than the tool; the "
                  "whole-process render-forms above writes to the disk.", "",
                  "| size | assigned people | total s | read s | plan s | HTML s (5 kinds) | summary XLSX s | XLSX files | "
                  "HTML people/s | XLSX rows/s |", "|---|---|---|---|---|---|---|---|---|---|"]
        for b in splits:
            ok = [x for x in b.extra if "error" not in x]
            if not ok:
                lines.append(f"| {b.size} | not measured: {b.extra[0]['error'] if b.extra else '?'} |||||||||")
                continue

            def med(key: str, ok=ok) -> float:
                return statistics.median(x[key] for x in ok)

            a = ok[0]["people"]["assigned"]
            lines.append(f"| {b.size} | {a:,} | {_f(med('total_s'))} | {_f(med('read_s'))} | {_f(med('plan_s'))} | "
                         f"{_f(med('html_total_s'))} | {_f(med('xlsx_s'))} | {ok[0]['xlsx_files']:,} | "
                         f"{a / med('html_total_s'):,.0f} | {a / med('xlsx_s'):,.0f} |")
            kinds = ok[0]["html_s"]
            lines.append(f"| {b.size} per kind (s) | " + ", ".join(
                f"{k} {statistics.median(x['html_s'][k] for x in ok):.2f}" for k in kinds) + " |||||||||")
        lines.append("")
    if help_series and help_series.samples:
        runs = sorted(s.seconds for s in help_series.samples)
        lines += ["### start-up", "", "| command | runs | median s | min s | max s | peak MB |", "|---|---|---|---|---|---|",
                  f"| `retiree-tools --help` | {len(runs)} | {help_series.seconds:.3f} | {runs[0]:.3f} | {runs[-1]:.3f} | "
                  f"{help_series.peak_mb:.0f} |", ""]
    lines += ["All runs (seconds) and exit codes are in `benchmarks/data/results.json` after a run. Exit code 1 from "
              "validate/assign/acceptance-report/frictionless means findings (the data carries errors on purpose).", ""]
    return "\n".join(lines)
