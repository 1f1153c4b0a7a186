"""Run the CLI on hostile input in bounded child processes, fast.

A *zygote* process imports the CLI once (pandas, pyarrow, openpyxl… ~0.6 s) and then forks one
child per run: the child sets ``RLIMIT_AS``, points fd 1/2 at files, installs an audit hook
that records every file it opens and every socket it touches, and calls the console-script
entry point ``retiree_tools.cli.main:run`` with the given argv — the same code path as the
installed ``retiree-tools`` command. The zygote kills a child that outlives its time limit and
reports exit code, signal, wall time and peak RSS. A crash (a Rust abort on a failed
allocation, a segfault) shows up as a signal, never as a hang of the test run.

The zygote only imports: it never runs library code, so it has no threads when it forks.

Protocol: one JSON request per line on the zygote's stdin, one JSON result per line on stdout.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

AS_LIMIT = 3 * 1024**3  # address space of one run: Python + pandas + pyarrow need ~1-1.5 GiB
TIME_LIMIT = 60.0  # seconds of wall time for one run
PARALLEL = max(2, min(4, (os.cpu_count() or 2)))


@dataclass
class Result:
    argv: list[str]
    rc: int | None  # exit code; None when killed by a signal
    signal: int | None
    timed_out: bool
    seconds: float
    maxrss_mb: float
    stdout: str
    stderr: str
    opened: list[list]  # [path, mode] of files opened for reading or writing
    network: list[list]  # socket/urllib audit events

    @property
    def last_line(self) -> str:
        lines = [ln for ln in self.stderr.splitlines() if ln.strip()]
        return lines[-1] if lines else ""

    def describe(self) -> str:
        return (f"argv={self.argv} rc={self.rc} signal={self.signal} timed_out={self.timed_out} "
                f"{self.seconds:.1f}s {self.maxrss_mb:.0f}MB\n--- stderr (tail) ---\n{self.stderr[-3000:]}")


# ---------------------------------------------------------------------------------------------
# The child: runs inside the forked process
# ---------------------------------------------------------------------------------------------

def _child(req: dict) -> None:
    import io
    import resource

    code = 70
    try:
        resource.setrlimit(resource.RLIMIT_AS, (req["as_limit"], req["as_limit"]))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.chdir(req["cwd"])
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            f = os.open(req[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(f, fd)
            os.close(f)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", write_through=True)
        os.environ.clear()
        os.environ.update(req["env"])
        # the audit is written as it happens, one JSON line per event: the CLI ends its process
        # with os._exit (no teardown), so nothing after run() would ever be reached
        audit = open(req["audit"], "w", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the child
        audit.write(json.dumps(["start"]) + "\n")

        def hook(event: str, args: tuple) -> None:
            if event == "open":
                path = args[0]
                if isinstance(path, bytes | str) and path:
                    audit.write(json.dumps(["open", os.fsdecode(path), str(args[1]) if len(args) > 1 else ""]) + "\n")
            elif event.startswith(("socket.", "urllib.", "http.")):
                audit.write(json.dumps(["net", event, repr(args)[:200]]) + "\n")

        sys.addaudithook(hook)
        sys.argv = ["retiree-tools", *req["argv"]]
        from retiree_tools.cli.app import main as run

        try:
            run()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - a harness failure must show, never pass silently
        import traceback

        traceback.print_exc()
        code = 70
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve() -> None:
    """The zygote: import the CLI, then fork a child per request; at most PARALLEL at once."""
    import resource

    import retiree_tools.cli.app  # noqa: F401 - the import is the point
    from retiree_tools.cli import acceptance_cmd, assign_cmd, forms_cmd, template_cmd, validate_cmd  # noqa: F401

    for mod in ("pandas", "pyarrow", "fastexcel", "python_calamine", "openpyxl", "xlsxwriter", "jinja2",
                "rich.console", "rich.table", "defusedxml.ElementTree", "charset_normalizer", "ahocorasick",
                "retiree_tools.validate.run", "retiree_tools.assign.decide", "retiree_tools.forms.render",
                "retiree_tools.acceptance.report", "retiree_tools.validate.annotate", "retiree_tools.acceptance.output"):
        __import__(mod)
    out = sys.stdout
    out.write(json.dumps({"ready": True, "threads": threading.active_count(),
                          "os_threads": len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1}) + "\n")
    out.flush()
    queue: list[dict] = []
    running: dict[int, tuple[dict, float]] = {}
    stdin_open = True
    buf = b""
    while stdin_open or queue or running:
        if stdin_open:
            ready, _, _ = select.select([sys.stdin.buffer.raw], [], [], 0.01)
            if ready:
                chunk = os.read(sys.stdin.fileno(), 65536)
                if not chunk:
                    stdin_open = False
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if line.strip():
                        queue.append(json.loads(line))
        else:
            time.sleep(0.01)
        while queue and len(running) < PARALLEL:
            req = queue.pop(0)
            pid = os.fork()
            if pid == 0:
                _child(req)
            running[pid] = (req, time.monotonic())
        for pid, (req, start) in list(running.items()):
            try:
                done, status, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                done, status, usage = pid, 0, resource.getrusage(resource.RUSAGE_CHILDREN)
            timed_out = False
            if done == 0:
                if time.monotonic() - start <= req["timeout"]:
                    continue
                os.kill(pid, 9)
                _, status, usage = os.wait4(pid, 0)
                timed_out = True
            del running[pid]
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            rc = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
            out.write(json.dumps({"id": req["id"], "rc": rc, "signal": sig, "timed_out": timed_out,
                                  "seconds": time.monotonic() - start, "maxrss_mb": usage.ru_maxrss / 1024}) + "\n")
            out.flush()


# ---------------------------------------------------------------------------------------------
# The client: used by the tests
# ---------------------------------------------------------------------------------------------

class Sandbox:
    """Start a zygote; :meth:`run_many` runs argv lists in parallel children and returns Results."""

    def __init__(self, work: Path, env: dict[str, str] | None = None):
        self.work = Path(work)
        self.work.mkdir(parents=True, exist_ok=True)
        base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")}
        self.env = {**base, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-m", "hostile.sandbox"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     cwd=str(Path(__file__).resolve().parent.parent), text=True, bufsize=1)
        hello = json.loads(self.proc.stdout.readline() or "{}")
        if not hello.get("ready"):
            raise RuntimeError("the zygote did not start")
        self.zygote_threads = hello.get("os_threads")
        self._n = 0

    def run_many(self, runs: list[list[str]], *, cwd: Path | None = None, timeout: float = TIME_LIMIT,
                 as_limit: int = AS_LIMIT, env: dict[str, str] | None = None) -> list[Result]:
        reqs = []
        for argv in runs:
            self._n += 1
            stem = self.work / f"run{self._n:04d}"
            req = {"id": self._n, "argv": [str(a) for a in argv], "cwd": str(cwd or self.work),
                   "env": {**self.env, **(env or {})}, "stdout": f"{stem}.out", "stderr": f"{stem}.err",
                   "audit": f"{stem}.audit.json", "timeout": timeout, "as_limit": as_limit}
            reqs.append(req)
            self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        results: dict[int, dict] = {}
        while len(results) < len(reqs):
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the zygote died")
            msg = json.loads(line)
            results[msg["id"]] = msg
        out = []
        for req in reqs:
            msg = results[req["id"]]
            opened, network = _audit(req["audit"])
            out.append(Result(req["argv"], msg["rc"], msg["signal"], msg["timed_out"], msg["seconds"], msg["maxrss_mb"],
                              _read(req["stdout"]), _read(req["stderr"]), opened, network))
        return out

    def run(self, *argv: object, **kw) -> Result:
        return self.run_many([[str(a) for a in argv]], **kw)[0]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=TIME_LIMIT + 10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _audit(path: str) -> tuple[list[list], list[list]]:
    """The child's audit log: files opened, network events. A missing log is an error (a run
    must never pass the "nothing outside is opened" test by not reporting)."""
    opened: list[list] = []
    network: list[list] = []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines or json.loads(lines[0]) != ["start"]:
        raise RuntimeError(f"no audit log from the child: {path}")
    for line in lines[1:]:
        try:
            event = json.loads(line)
        except ValueError:  # the last line of a child killed mid-write
            continue
        (opened if event[0] == "open" else network).append(event[1:])
    return opened, network


def _read(path: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""



_SHARED: Sandbox | None = None


def shared(work: Path) -> Sandbox:
    """One zygote for the whole test session (started on first use, stopped at exit)."""
    global _SHARED
    if _SHARED is None or _SHARED.proc.poll() is not None:
        import atexit

        _SHARED = Sandbox(work)
        atexit.register(_SHARED.close)
    return _SHARED


if __name__ == "__main__":
    serve()
