"""``python -m benchmarks profile``: where validate and assign spend their time.

Runs each command once under pyinstrument (sampling, little overhead: its seconds are the ones
to quote) and once under cProfile (deterministic, slower, but exact call counts), and writes
text reports to benchmarks/data/out/profile-*.txt (cProfile's raw stats to *.prof).
"""

from __future__ import annotations

import argparse
import io
import pstats
import sys
from pathlib import Path

from ._measure import run
from .generate import DATA, FORMAT

OUT = DATA / "out"


def commands(size: str) -> dict[str, list[str]]:
    src = f"people-{size}.{FORMAT[size]}"
    return {"validate": ["validate", src, "--format", "json"],
            "assign": ["assign", src, "--catalog", "catalog.csv", "-o", str(OUT / f"profile-assigned-{size}.csv")],
            "render": ["render-forms", str(OUT / f"profile-assigned-{size}.csv"), "--out-dir", str(OUT / f"profile-forms-{size}"),
                       "--date", "2026-11-23"],
            "acceptance": ["acceptance-report", "assigned-1m.csv" if size == "1m" else str(OUT / f"profile-assigned-{size}.csv"),
                           "--targets", f"targets-{size}.csv", "--as-of", "2026-11-23", "--format", "json"]}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks profile")
    ap.add_argument("--size", default="100k", choices=list(FORMAT))
    ap.add_argument("--tool", default="both", choices=["cprofile", "pyinstrument", "both"])
    ap.add_argument("--keep-snapshot", action="store_true", help="profile the snapshot the last suite run measured")
    ap.add_argument("--only", default="validate,assign", help="validate,assign,render,acceptance (render and "
                    "acceptance read the assigned file the assign profile writes)")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    from ._report import tree
    from ._suite import SNAPSHOT, child_env, take_snapshot

    bindir = Path(sys.executable).parent
    snap = SNAPSHOT if args.keep_snapshot and (SNAPSHOT / "retiree_tools").is_dir() else take_snapshot()
    env = child_env()
    print(f"profiling a snapshot of src/ (hash {tree(snap / 'retiree_tools')['src_sha256']})", file=sys.stderr)
    for name, cmd in commands(args.size).items():
        if name not in args.only.split(","):
            continue
        stem = OUT / f"profile-{name}-{args.size}"
        if name == "render":
            import shutil

            shutil.rmtree(OUT / f"profile-forms-{args.size}", ignore_errors=True)
        if args.tool in ("pyinstrument", "both"):
            pyi = bindir / "pyinstrument"
            if not pyi.exists():
                print("pyinstrument is not installed: pip install pyinstrument", file=sys.stderr)
            else:
                s = run([str(pyi), "-r", "text", "-o", f"{stem}.pyinstrument.txt", "-m", "retiree_tools", *cmd],
                        DATA, OUT / f"{stem.name}.stdout", OUT / f"{stem.name}.stderr", env)
                print(f"{name} {args.size} under pyinstrument: {s.seconds:.1f} s → {stem}.pyinstrument.txt", file=sys.stderr)
        if args.tool in ("cprofile", "both"):
            s = run([sys.executable, "-m", "cProfile", "-o", f"{stem}.prof", "-m", "retiree_tools", *cmd],
                    DATA, OUT / f"{stem.name}.stdout", OUT / f"{stem.name}.stderr", env)
            buf = io.StringIO()
            st = pstats.Stats(f"{stem}.prof", stream=buf)
            st.strip_dirs().sort_stats("tottime").print_stats(45)
            st.sort_stats("cumulative").print_stats(60)
            Path(f"{stem}.cprofile.txt").write_text(buf.getvalue(), encoding="utf-8")
            print(f"{name} {args.size} under cProfile: {s.seconds:.1f} s → {stem}.cprofile.txt", file=sys.stderr)
    return 0
