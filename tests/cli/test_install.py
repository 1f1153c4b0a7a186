"""The README's offline install path, for real: a wheelhouse built from the working tree with
``pip wheel`` (which also collects the dependencies, from whatever index or find-links pip is
configured with), then a fresh venv that installs from it with ``--no-index`` and no pip
configuration at all, and the installed command run from there — ``--version``, ``validate
--format json`` and the README's Windows pipeline steps (the wheel must carry the templates and
the policy; the editable install the other tests use cannot show that). And the README's
Windows-from-Linux ``pip download`` names the dependencies only Windows needs: pip judges
environment markers by the machine it runs on, not by ``--platform`` (pypa/pip#13262).

Nothing is written into the repository: the tree is copied to a temporary folder first (``pip
wheel`` of a source tree leaves ``build/`` and ``*.egg-info`` behind). About 35 s here on a quiet
machine, 60-90 s on a busy one. Skipped, with the reason shown, only when wheels cannot be had
(no reachable index and no local wheels) or this Python cannot make a venv with pip.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from support.paths import ROOT, SAMPLES

BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""

# pip's words when it could not get a distribution (offline, index unreachable, nothing local).
_UNREACHABLE = (
    "No matching distribution found",
    "Could not find a version that satisfies",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "NewConnectionError",
    "ProxyError",
    "ConnectTimeoutError",
    "Read timed out",
)


def _copy_tree(dest: Path) -> None:
    """The working tree as git sees it (tracked and new, not ignored) — no .venv, build/, out/."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True, timeout=60,
        ).stdout.decode("utf-8").split("\0")
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: the files the build reads
        skip = shutil.ignore_patterns(".git", ".venv", "build", "dist", "out", "*.egg-info",
                                      "__pycache__", ".*_cache", ".hypothesis")
        shutil.copytree(ROOT, dest, ignore=lambda d, names: skip(d, names) | (
            {"data"} if Path(d) == ROOT / "benchmarks" else set()))
        return
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file():  # a tracked file deleted in the working tree is skipped
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def _clean_env() -> dict[str, str]:
    """No pip configuration (no index, find-links or constraints), nothing pointing at the tree."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__", "RETIREE_TOOLS_DEBUG",
            "PYTHONDONTWRITEBYTECODE"}  # see --no-compile below
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k not in drop}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PYTHONUTF8": "1", "COLUMNS": "200"}


def _run(args: list, cwd: Path, env: dict[str, str] | None = None,
         timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=timeout)


def _tail(proc: subprocess.CompletedProcess, n: int = 25) -> str:
    return "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-n:])


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, f"README.md has no section '## {title}'"
    return match.group(1)


def _commands(block: str, continuation: str) -> list[str]:
    """A shell block's commands, continuation lines joined, comments dropped."""
    joined = re.sub(rf" *{re.escape(continuation)}\n\s*", " ", block)
    return [line.split(" #")[0].strip() for line in joined.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory):
    """(work folder, copied tree, wheelhouse, version): ``python -m pip wheel . -w wheelhouse``."""
    work = tmp_path_factory.mktemp("install")
    if _run([sys.executable, "-m", "pip", "--version"], cwd=work).returncode != 0:
        pytest.skip(f"no pip for {sys.executable}: cannot build a wheelhouse")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    tree, house = work / "tree", work / "wheelhouse"
    _copy_tree(tree)
    built = _run([sys.executable, "-m", "pip", "wheel", ".", "-w", house], cwd=tree, timeout=600)
    if built.returncode != 0:
        why = [line.strip() for line in (built.stdout + built.stderr).splitlines()
               if any(marker in line for marker in _UNREACHABLE)]
        if why:
            pytest.skip(f"cannot collect wheels (no reachable index, no local wheels): {why[-1]}")
        pytest.fail(f"pip wheel failed:\n{_tail(built)}")
    wheels = sorted(p.name for p in house.glob("*.whl"))
    assert any(n.startswith(f"retiree_tools-{version}-") for n in wheels), wheels
    assert len(wheels) > 1, f"the dependencies were not collected: {wheels}"
    yield work, tree, house, version
    shutil.rmtree(work, ignore_errors=True)  # ~0.5 GB with the venv


def test_wheelhouse_installs_offline_into_a_fresh_venv(wheelhouse):
    work, tree, _house, version = wheelhouse
    offline = _readme_section("Offline (no package index)")
    for line in ("python -m pip wheel . -w wheelhouse",
                 ".venv/bin/python -m pip install --no-index --find-links wheelhouse retiree-tools"):
        assert line in offline, f"README's offline section no longer says: {line}"
    try:
        import ensurepip  # noqa: F401  (Debian's python3 without python3-venv lacks it)
    except ImportError:
        pytest.skip("this Python has no ensurepip: `python -m venv` cannot give the venv pip")

    # On the offline machine: a fresh venv, then pip install --no-index --find-links wheelhouse.
    env, venv = _clean_env(), work / ".venv"
    made = _run([sys.executable, "-m", "venv", venv], cwd=work, env=env)
    assert made.returncode == 0, _tail(made)
    python, tool = venv / BIN / f"python{EXE}", venv / BIN / f"retiree-tools{EXE}"
    # --no-compile only for speed (byte-compiling pandas & co. at install costs ~10 s here; the
    # runs below compile just what they import, once).
    installed = _run([python, "-m", "pip", "install", "--no-compile", "--no-index", "--find-links",
                      "wheelhouse", "retiree-tools"], cwd=work, env=env, timeout=600)
    assert installed.returncode == 0, f"offline install failed:\n{_tail(installed)}"

    where = _run([python, "-c", "import retiree_tools; print(retiree_tools.__file__)"],
                 cwd=work, env=env)
    assert where.returncode == 0, _tail(where)
    assert Path(where.stdout.strip()).resolve().is_relative_to(venv.resolve()), where.stdout

    shown = _run([tool, "--version"], cwd=work, env=env)
    assert shown.returncode == 0 and version in shown.stdout, _tail(shown)

    checked = _run([tool, "validate", SAMPLES / "enterprise_b.csv", "--format", "json"],
                   cwd=work, env=env)
    assert checked.returncode == 1, _tail(checked)  # the samples carry deliberate errors
    doc = json.loads(checked.stdout)
    assert doc["files"] and doc["files"][0]["path"].endswith("enterprise_b.csv"), doc.keys()

    # The README's Windows pipeline, command by command, in the copied tree (samples\ and out\
    # relative to it; backslashes as slashes). The commands create their output folders.
    blocks = re.findall(r"```powershell\n(.*?)```", _readme_section("Windows"), re.S)
    pipeline = [c for b in blocks if "render-forms" in b for c in _commands(b, "`")]
    assert [c.split()[1] for c in pipeline] == ["validate", "assign", "render-forms",
                                                "acceptance-report", "index"], pipeline
    for command in pipeline:
        args = shlex.split(command.replace("\\", "/"))
        assert args[0] == "retiree-tools", command
        done = _run([tool, *args[1:]], cwd=tree, env=env)
        assert done.returncode in (0, 1), f"{command}\nexited {done.returncode}:\n{_tail(done)}"
    out = tree / "out"
    for made_file in ("assigned.xlsx", "forms/manifest.json", "acceptance.xlsx", "acceptance.html", "index.html"):
        assert (out / made_file).is_file(), f"{made_file} missing: {sorted(os.listdir(out))}"
    assert any((out / "annotated").iterdir())


def test_readme_names_the_windows_only_dependencies(wheelhouse):
    """`pip download --platform win_amd64` on Linux skips `colorama; platform_system ==
    "Windows"` (typer's): the README's command must name such dependencies itself."""
    _work, _tree, house, _version = wheelhouse
    windows = {**default_environment(), "sys_platform": "win32", "platform_system": "Windows",
               "os_name": "nt", "platform_machine": "AMD64", "extra": ""}
    here = {**default_environment(), "extra": ""}
    needed = set()
    for whl in house.glob("*.whl"):
        with zipfile.ZipFile(whl) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            headers = HeaderParser().parsestr(z.read(meta).decode("utf-8"))
        for spec in headers.get_all("Requires-Dist") or []:
            req = Requirement(spec)
            if req.marker and req.marker.evaluate(windows) and not req.marker.evaluate(here):
                needed.add(canonicalize_name(req.name))
    blocks = re.findall(r"```bash\n(.*?)```", _readme_section("Offline (no package index)"), re.S)
    download = [c for b in blocks for c in _commands(b, "\\")
                if "pip download" in c and "--platform win_amd64" in c]
    assert len(download) == 1, download
    named = {canonicalize_name(word) for word in download[0].split()}
    missing = needed - named
    assert not missing, f"add {sorted(missing)} to the README's `pip download --platform win_amd64`"
