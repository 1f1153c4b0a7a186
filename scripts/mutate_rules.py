"""Mutation check of tests/validate/test_codes.py: remove each finding code's emission from a
copy of the source tree and show that the code's tests then fail.

    .venv/bin/python scripts/mutate_rules.py            # every code of CODES
    .venv/bin/python scripts/mutate_rules.py id-format usage --jobs 1 --keep

For each code, ``src/`` is copied to a temporary directory and, in the copy, every call site
that names the code — ``emit("<code>"``, ``make_finding("<code>"``, ``InputError("<code>"``
(helpers such as ``_too_large`` and ``_invalid`` build theirs that way), line breaks allowed
after the parenthesis — gets the sentinel code ``mutant-removed`` instead. The copy also gets
three appended shims that make the sentinel harmless: :meth:`Emitter.emit` skips it (a row
rule's finding is removed outright), and it is a known ``info`` code with a text, so a
``make_finding`` or ``InputError`` site still builds the finding or error its caller appends
or raises, only no longer under the code. ``EMITS`` and ``CODES`` declarations are not call
sites and are left alone. Then

    pytest tests/validate/test_codes.py -q -x -k <code>

runs with ``PYTHONPATH`` = the copy's ``src`` (ahead of the editable install) and must fail:
exit status 1, a test failed. A control run first (the shims, no call site changed, every
per-code test) must pass, and the copy must be what the tests import.

Not part of the suite (about a minute on two cores). Exit status 0 when every mutant is killed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/validate/test_codes.py"
SENTINEL = "mutant-removed"
PACKAGE = Path("retiree_tools")

# appended to the copy's modules (the same in the control and in every mutant)
SHIMS = {
    PACKAGE / "findings" / "codes.py": f'''

# ---- scripts/mutate_rules.py: the code a removed emission site names instead of its own ----
CODES["{SENTINEL}"] = Code("info")
''',
    PACKAGE / "texts" / "findings.py": f'''

# ---- scripts/mutate_rules.py ----
TEXTS["finding.{SENTINEL}.title"] = ("（变异：已移除）", "(mutant: removed)")
TEXTS["finding.{SENTINEL}"] = ("（变异：已移除）", "(mutant: removed)")
''',
    PACKAGE / "validate" / "rules" / "base.py": f'''

# ---- scripts/mutate_rules.py: a row rule whose code was removed emits nothing ----
_emit_unmutated = Emitter.emit


def _emit_skipping_removed(self, code, *args, **kwargs):
    if code == "{SENTINEL}":
        return None
    return _emit_unmutated(self, code, *args, **kwargs)


Emitter.emit = _emit_skipping_removed
''',
}


def call_site(code: str) -> re.Pattern:
    return re.compile(r'(\b(?:emit|make_finding|InputError)\(\s*)"' + re.escape(code) + '"')


@dataclass
class Result:
    code: str
    sites: list[str]  # file:line of each call site changed
    status: str  # killed | SURVIVED | ERROR
    failed: str = ""  # the first failing test, or what went wrong
    summary: str = ""  # pytest's last line
    why: str = ""  # how it failed: the first ``E`` line of the report (an AssertionError, or a crash)


def make_copy(work: Path, code: str | None) -> tuple[Path, list[str]]:
    """A copy of src/ under ``work`` with the shims, and ``code``'s call sites changed."""
    src = work / "src"
    shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for rel, text in SHIMS.items():
        with (src / rel).open("a", encoding="utf-8") as fh:
            fh.write(text)
    sites: list[str] = []
    if code is not None:
        pattern = call_site(code)
        for path in sorted((src / PACKAGE).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            hits = list(pattern.finditer(text))
            if not hits:
                continue
            rel = path.relative_to(src)
            sites += [f"{rel}:{text.count(chr(10), 0, m.start()) + 1}" for m in hits]
            path.write_text(pattern.sub(lambda m: f'{m.group(1)}"{SENTINEL}"', text), encoding="utf-8")
    return src, sites


def environment(src: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RETIREE_TOOLS_DEBUG")}
    env["PYTHONPATH"] = str(src)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def imported_from(src: Path) -> str:
    out = subprocess.run([sys.executable, "-c", "import retiree_tools.validate.rules.base as b; print(b.__file__)"],
                         cwd=ROOT, env=environment(src), capture_output=True, text=True, timeout=120)
    return out.stdout.strip() or out.stderr.strip()


def pytest(src: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, env=environment(src), capture_output=True, text=True, timeout=900)


def _last_line(out: str) -> str:
    lines = [line for line in out.strip().splitlines() if line.strip()]
    return lines[-1].strip("= ") if lines else ""


def _first_failed(out: str) -> str:
    for line in out.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" - ")[0]
    return ""


def _first_error(out: str) -> str:
    for line in out.splitlines():
        if line.startswith("E "):
            text = line[1:].strip()
            return text if len(text) <= 90 else text[:87] + "..."
    return ""


def mutate(code: str, base: Path) -> Result:
    work = base / code
    src, sites = make_copy(work, code)
    if not sites:
        return Result(code, sites, "ERROR", "no call site names the code")
    where = imported_from(src)
    if not where.startswith(str(src)):
        return Result(code, sites, "ERROR", f"tests would import {where}")
    run = pytest(src, "-x", "-k", code)
    summary = _last_line(run.stdout)
    if run.returncode == 0:
        return Result(code, sites, "SURVIVED", "", summary)
    if run.returncode == 1:
        failed = _first_failed(run.stdout).removeprefix("FAILED ").removeprefix(TEST + "::")
        return Result(code, sites, "killed", failed, summary, _first_error(run.stdout))
    return Result(code, sites, "ERROR", f"pytest exit status {run.returncode}", summary or _last_line(run.stderr))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="*", help="codes to mutate (default: every code of CODES)")
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) // 2) + 1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the call sites changed")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT / "src"))
    from retiree_tools.findings.codes import CODES

    codes = args.codes or list(CODES)
    unknown = [c for c in codes if c not in CODES]
    if unknown:
        parser.error(f"unknown codes: {', '.join(unknown)}")
    base = Path(tempfile.mkdtemp(prefix="mutate-rules-"))
    try:
        src, _ = make_copy(base / "_control", None)
        where = imported_from(src)
        if not where.startswith(str(src)):
            print(f"the tests would not import the copy but {where}", file=sys.stderr)
            return 2
        control = pytest(src, "-k", " or ".join(codes) if args.codes else "not every_code")
        print(f"control (shims only, no call site changed): {_last_line(control.stdout)}")
        if control.returncode != 0:
            print(control.stdout[-3000:], file=sys.stderr)
            return 2
        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(lambda c: mutate(c, base), codes))
    finally:
        if args.keep:
            print(f"copies kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)

    width = max(len(c) for c in codes)
    print(f"\n{'code':<{width}}  sites  result    first failing test / how")
    for r in results:
        print(f"{r.code:<{width}}  {len(r.sites):>5}  {r.status:<8}  {r.failed or r.summary}")
        if r.why:
            print(f"{'':<{width}}                   {r.why}")
        if args.verbose:
            print(f"{'':<{width}}                   sites: {', '.join(r.sites)}")
    bad = [r for r in results if r.status != "killed"]
    print(f"\n{len(results) - len(bad)} of {len(results)} mutants killed"
          + (f"; not killed: {', '.join(r.code for r in bad)}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
