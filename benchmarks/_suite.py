"""The benchmark suite: which commands run on which files, in which order, and the targets.

Every measurement is a separate process (see _measure). Within one size, the measurements of
one repetition run in a fixed order (raw reads first, then validate, assign, render-forms,
acceptance-report, frictionless) and repetitions go round-robin, so a floor and the command
compared with it are measured close together in time on a noisy shared machine.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._measure import Sample, Series, run
from .generate import DATA, FORMAT, ROOT, SIZES

BIN = Path(sys.executable).parent
OUT = DATA / "out"
AS_OF = "2026-11-23"
ALL = ("raw", "validate", "assign", "render", "acceptance", "frictionless", "ledger", "startup")


def scratch() -> Path:
    """Where the in-process render-forms split writes: tmpfs (/dev/shm) when there is one. This
    machine's disk slows down under a thousand-odd small files written and deleted per run
    (render-forms 10k measured 3.2 s, 4.9 s, 6.6 s in three back-to-back runs on disk; 2.7–3.3 s
    on tmpfs), so the split measures the tool's own work; the whole-process render-forms still
    writes to the disk (benchmarks/data/out)."""
    import os

    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm / "retiree-tools-bench"
    return OUT


SNAPSHOT = DATA / "snapshot"


def take_snapshot() -> Path:
    """Copy src/retiree_tools to benchmarks/data/snapshot/ and return the directory to put first
    on PYTHONPATH: every measured process then runs this copy, whatever happens to the working
    tree meanwhile (the venv's editable install comes later on sys.path)."""
    shutil.rmtree(SNAPSHOT, ignore_errors=True)
    shutil.copytree(ROOT / "src" / "retiree_tools", SNAPSHOT / "retiree_tools",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return SNAPSHOT


def child_env() -> dict:
    """PYTHONPATH for measured children: the snapshot (when taken) and the repository root."""
    parts = [str(SNAPSHOT)] if (SNAPSHOT / "retiree_tools").is_dir() else []
    return {"PYTHONPATH": os.pathsep.join([*parts, str(ROOT)])}


def tool() -> list[str]:
    exe = BIN / "retiree-tools"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "retiree_tools"]


def py(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def floor_xlsx(path: str) -> list[str]:
    return py(f"import fastexcel; fastexcel.read_excel({path!r}).load_sheet(0, header_row=1).to_pandas()")


def floor_csv(path: str) -> list[str]:
    return py(f"import pandas; pandas.read_csv({path!r}, dtype=str)")


@dataclass
class Bench:
    key: str  # unique, e.g. "validate/100k"
    group: str  # one of ALL (for --only)
    label: str  # shown in the table
    size: str
    cmd: list[str]
    people: int
    floor: str | None = None  # key of the raw read it is compared with
    stdout: str | None = None
    before: Callable[[], None] | None = None  # run before each repetition, not timed
    series: Series = field(default_factory=Series)
    extra: list[dict] = field(default_factory=list)  # JSON printed by in-process measurements


def people_in(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh) - 1


def plan(sizes: list[str], only: set[str]) -> list[list[Bench]]:
    """Benches grouped by size, in execution order."""
    groups: list[list[Bench]] = []
    t = tool()
    for size in sizes:
        n = SIZES[size]
        src = f"people-{size}.{FORMAT[size]}"
        assigned = f"out/assigned-{size}.csv"
        b: list[Bench] = []
        raw = f"raw/{src}"
        b.append(Bench(raw, "raw", f"raw read {'fastexcel' if FORMAT[size] == 'xlsx' else 'pandas.read_csv'}", size,
                       floor_xlsx(src) if FORMAT[size] == "xlsx" else floor_csv(src), n))
        b.append(Bench(f"validate/{size}", "validate", "validate --format json", size,
                       [*t, "validate", src, "--format", "json"], n, raw, stdout=f"out/validate-{size}.json"))
        b.append(Bench(f"assign/{size}", "assign", "assign (1,015 units) -o csv", size,
                       [*t, "assign", src, "--catalog", "catalog.csv", "-o", assigned], n, raw))
        if size != "1m":
            forms_dir = OUT / f"forms-{size}"
            b.append(Bench(f"raw/{assigned}", "raw", "raw read pandas.read_csv (assigned)", size, floor_csv(assigned), n))
            b.append(Bench(f"render/{size}", "render", "render-forms (5 kinds, HTML+XLSX)", size,
                           [*t, "render-forms", assigned, "--out-dir", str(forms_dir), "--date", AS_OF], n,
                           f"raw/{assigned}", before=lambda d=forms_dir: shutil.rmtree(d, ignore_errors=True)))
            split_dir = scratch() / f"forms-split-{size}"
            b.append(Bench(f"render-split/{size}", "render", "render-forms in-process split", size,
                           [sys.executable, "-m", "benchmarks._forms_split", assigned, str(split_dir)], n,
                           stdout=f"out/forms-split-{size}.json",
                           before=lambda d=split_dir: shutil.rmtree(d, ignore_errors=True)))
        if size in ("100k", "1m"):
            acc_in = assigned if size == "100k" else "assigned-1m.csv"
            if size == "1m":
                b.append(Bench(f"raw/{acc_in}", "raw", "raw read pandas.read_csv (assigned)", size, floor_csv(acc_in), n))
            b.append(Bench(f"acceptance/{size}", "acceptance", "acceptance-report --format json", size,
                           [*t, "acceptance-report", acc_in, "--targets", f"targets-{size}.csv", "--as-of", AS_OF,
                            "--format", "json"], n, f"raw/{acc_in}", stdout=f"out/acceptance-{size}.json"))
        if size == "100k":
            fl = BIN / "frictionless"
            b.append(Bench(f"frictionless/{size}", "frictionless", "frictionless validate (Table Schema)", size,
                           [str(fl), "validate", src, "--schema", "frictionless.schema.json", "--header-rows", "2",
                            "--limit-errors", "100000000", "--json"], n, raw, stdout=f"out/frictionless-{size}.json"))
        if size == "100k":
            b.extend(ledger_benches(t, src))
        groups.append([x for x in b if x.group in only or (x.group == "raw" and needs_floor(x, b, only))])
    return groups


def needs_floor(floor: Bench, benches: list[Bench], only: set[str]) -> bool:
    """A raw read runs when asked for, or when a command measured is compared with it (directly
    or through the command it is compared with: submit -> assign -o xlsx -> the raw read)."""
    if "raw" in only:
        return True
    wanted = {x.key for x in benches if x.group in only}
    floors = {x.floor for x in benches if x.key in wanted}
    return floor.key in floors


def ledger_benches(t: list[str], src: str) -> list[Bench]:
    """issue #15: submit against assign -o on the 100k workbook, and status / acceptance-report
    --db on a ledger of 1M people (built by _ledger.prepare before the 100k group runs)."""
    from . import _ledger as L

    d, n, m = L.REL, SIZES["100k"], SIZES["100k"] * L.COPIES
    acc = [*t, "acceptance-report", "--db", f"{d}/ledger-1m.sqlite", "--targets", "targets-100k.csv", "--as-of", AS_OF]
    return [
        Bench("ledger/assign-xlsx/100k", "ledger", "assign (1,015 units) -o xlsx", "100k",
              [*t, "assign", src, "--catalog", "catalog.csv", "-o", f"{d}/assigned-100k.xlsx"], n, f"raw/{src}"),
        Bench("ledger/submit/100k", "ledger", "submit into a fresh ledger", "100k",
              [*t, "submit", src, "--db", f"{d}/fresh.sqlite"], n, "ledger/assign-xlsx/100k",
              before=L.fresh(L.TEMPLATE, L.LEDGER_DIR / "fresh.sqlite")),
        Bench("ledger/resubmit/100k", "ledger", "submit the same file again (unchanged)", "100k",
              [*t, "submit", src, "--db", f"{d}/resubmit.sqlite"], n, "ledger/assign-xlsx/100k",
              before=L.fresh(L.BASE, L.LEDGER_DIR / "resubmit.sqlite")),
        Bench("ledger/supersede/100k", "ledger", "submit a changed copy (supersedes)", "100k",
              [*t, "submit", f"{d}/{L.CHANGED.name}", "--db", f"{d}/supersede.sqlite"], n, "ledger/assign-xlsx/100k",
              before=L.fresh(L.BASE, L.LEDGER_DIR / "supersede.sqlite")),
        Bench("ledger/status/1m", "ledger", "status --format json (ledger of 1M)", "1m ledger",
              [*t, "status", "--db", f"{d}/ledger-1m.sqlite", "--format", "json"], m, stdout="out/ledger-status-1m.json"),
        Bench("ledger/acceptance/1m", "ledger", "acceptance-report --db --format json (1M)", "1m ledger",
              [*acc, "--format", "json"], m, stdout="out/ledger-acceptance-1m.json"),
        Bench("ledger/acceptance-html/1m", "ledger", "acceptance-report --db -o html (1M)", "1m ledger",
              [*acc, "-o", f"{d}/acceptance-1m.html"], m),
        Bench("ledger/acceptance-roster/1m", "ledger", "acceptance-report --db --roster --format json (1M)", "1m ledger",
              [*acc, "--roster", f"{d}/{L.ROSTER.name}", "--format", "json"], m,
              stdout="out/ledger-acceptance-roster-1m.json"),
    ]


def ensure_assigned(size: str, log) -> None:
    """render/acceptance need assign's output; produce it (unmeasured) when assign is not run."""
    out = OUT / f"assigned-{size}.csv"
    if not out.exists():
        log(f"  (assign {size} once, unmeasured, for render-forms/acceptance-report)")
        run([*tool(), "assign", f"people-{size}.{FORMAT[size]}", "--catalog", "catalog.csv", "-o", str(out)], DATA,
            env=child_env())


def execute(groups: list[list[Bench]], repeats: dict[str, int], log) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    env = child_env()
    probe = OUT / "which-retiree-tools.txt"
    run([sys.executable, "-c", "import retiree_tools; print(retiree_tools.__file__)"], DATA, probe, env=env)
    log(f"  measuring retiree_tools from {probe.read_text().strip()}")
    for benches in groups:
        if not benches:
            continue
        size = benches[0].size
        if size != "1m" and any(b.group in ("render", "acceptance") for b in benches) and not any(b.group == "assign" for b in benches):
            ensure_assigned(size, log)
        if any(b.group == "ledger" for b in benches):
            from ._ledger import prepare

            prepare(log)
        if size == "100k" and not (BIN / "frictionless").exists():
            benches[:] = [b for b in benches if b.group != "frictionless"]
            log("  frictionless is not installed in this environment: pip install 'frictionless[excel]'")
        for rep in range(repeats[size]):
            for b in benches:
                if b.before:
                    b.before()
                s = run(b.cmd, DATA, DATA / b.stdout if b.stdout else None, OUT / f"{b.key.replace('/', '_')}.stderr", env)
                b.series.samples.append(s)
                if b.key.startswith("render-split/"):
                    b.extra.append(split_result(size) or {"error": f"exit {s.rc}"})
                log(f"  [{size} {rep + 1}/{repeats[size]}] {b.key}: {s.seconds:.2f} s, {s.peak_mb:.0f} MB, exit {s.rc}")


def startup(n: int, log) -> Series:
    series = Series()
    for _ in range(n):
        series.samples.append(run([*tool(), "--help"], DATA, env=child_env()))
    log(f"  --help: median {series.seconds:.3f} s over {n}")
    return series


def split_result(size: str) -> dict | None:
    p = OUT / f"forms-split-{size}.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


__all__ = ["ALL", "Bench", "Sample", "execute", "people_in", "plan", "split_result", "startup"]
