"""``python -m benchmarks``: generate the data if missing, run the suite, write results.md.

    python -m benchmarks [--sizes 10k,100k,1m] [--repeat 3] [--repeat-1m 1]
                         [--only validate,assign,render,acceptance,frictionless,startup,raw]
                         [--results benchmarks/results.md]
    python -m benchmarks generate [--sizes ...] [--error-rate 0.01]     # data only
    python -m benchmarks profile [--size 100k] [--tool cprofile|pyinstrument|both] [--keep-snapshot]
    python -m benchmarks report                                         # results.md again from results.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .generate import DATA, FORMAT, SIZES

HERE = Path(__file__).resolve().parent


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _missing(sizes: list[str]) -> list[str]:
    need = []
    for s in sizes:
        files = [DATA / f"people-{s}.{FORMAT[s]}", DATA / f"targets-{s}.csv", DATA / "catalog.csv"]
        if s == "1m":
            files.append(DATA / "assigned-1m.csv")
        if not all(f.exists() for f in files):
            need.append(s)
    return need


def run_suite(argv: list[str]) -> int:
    from . import _report, _suite

    ap = argparse.ArgumentParser(prog="python -m benchmarks", description="Run the retiree-tools benchmark suite.")
    ap.add_argument("--sizes", default="10k,100k,1m")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement for 10k/100k (median)")
    ap.add_argument("--repeat-1m", type=int, default=1, help="runs per measurement for 1m")
    ap.add_argument("--only", default=",".join(_suite.ALL), help="comma-separated: " + ",".join(_suite.ALL))
    ap.add_argument("--results", type=Path, default=HERE / "results.md", help="where to write the results (markdown)")
    args = ap.parse_args(argv)
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    bad = (set(sizes) - set(SIZES)) | (only - set(_suite.ALL))
    if bad:
        ap.error(f"unknown: {', '.join(sorted(bad))}")
    missing = _missing(sizes)
    gen = None
    if missing:
        from .generate import generate

        log(f"generating data for {', '.join(missing)} into {DATA}")
        generate(missing, log=log)
    try:
        gen = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        gen = None
    snap = _suite.take_snapshot()
    info = _report.machine()
    info["tree"] = _report.tree(snap / "retiree_tools")
    repeats = {s: (args.repeat_1m if s == "1m" else args.repeat) for s in sizes}
    t0 = time.perf_counter()
    groups = _suite.plan(sizes, only)
    _suite.execute(groups, repeats, log)
    help_series = _suite.startup(10, log) if "startup" in only else None
    info["load_end"] = os.getloadavg()
    info["tree_end"] = _report.tree()
    benches = [b for g in groups for b in g]
    text = _report.render(info, benches, help_series, repeats, " ".join(argv), gen)
    args.results.write_text(text, encoding="utf-8")
    raw = {"machine": info, "repeats": repeats, "argv": argv,
           "results": {b.key: {**b.series.to_dict(), "cmd": b.cmd, "people": b.people, "floor": b.floor,
                               **({"split": b.extra} if b.extra else {})} for b in benches},
           "help": help_series.to_dict() if help_series else None}
    (DATA / "results.json").write_text(json.dumps(raw, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    log(f"suite took {time.perf_counter() - t0:.0f} s; wrote {args.results} and {DATA / 'results.json'}")
    return 0


def rerender(argv: list[str]) -> int:
    """``python -m benchmarks report``: write results.md again from benchmarks/data/results.json
    (e.g. after changing the report), without running anything."""
    from . import _report, _suite
    from ._measure import Series

    ap = argparse.ArgumentParser(prog="python -m benchmarks report")
    ap.add_argument("--results", type=Path, default=HERE / "results.md")
    args = ap.parse_args(argv)
    raw = json.loads((DATA / "results.json").read_text(encoding="utf-8"))
    groups = _suite.plan(list(raw["repeats"]), set(_suite.ALL))
    benches = []
    for b in (b for g in groups for b in g):
        r = raw["results"].get(b.key)
        if r is not None:
            b.series = Series.from_dict(r)
            b.extra = r.get("split", [])
            benches.append(b)
    help_series = Series.from_dict(raw["help"]) if raw.get("help") else None
    try:
        gen = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        gen = None
    text = _report.render(raw["machine"], benches, help_series, raw["repeats"], " ".join(raw["argv"]), gen)
    args.results.write_text(text, encoding="utf-8")
    log(f"wrote {args.results} from {DATA / 'results.json'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "report":
        return rerender(argv[1:])
    if argv and argv[0] == "generate":
        from .generate import main as gen_main

        gen_main(argv[1:])
        return 0
    if argv and argv[0] == "profile":
        from ._profile import main as prof_main

        return prof_main(argv[1:])
    return run_suite(argv)


if __name__ == "__main__":
    sys.exit(main())
